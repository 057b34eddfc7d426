"""The agent runtime against a scripted OpenAI-compatible server (httpx2.MockTransport).

Nothing of ours is mocked: the real openai SDK talks HTTP to a transport that answers with
scripted chat-completion bodies, and the real runtime renders, retries, runs tools, falls back
and logs to the real database.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import httpx2
import pytest

from worker import constants
from worker.agents.context import athlete_context
from worker.agents.runtime import DEFAULT_REASK, Call, Limits, Runtime, deadline_after
from worker.db.costs import BY, costs_query
from worker.domain.replies import CoachReply
from worker.llm.offline import OfflineProvider
from worker.llm.openai_provider import OpenAIProvider
from worker.llm.prices import PRICE_TABLE
from worker.settings import Settings
from worker.sms.segments import split_message

Handler = Callable[[httpx2.Request], httpx2.Response]


def completion(content: str | None = None, *, tool_calls: list[dict[str, Any]] | None = None,
               prompt_tokens: int = 120, completion_tokens: int = 30, cached: int = 8) -> dict[
                   str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:8]}",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-test",
        "choices": [{"index": 0, "message": message, "logprobs": None,
                     "finish_reason": "tool_calls" if tool_calls else "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens,
                  "prompt_tokens_details": {"cached_tokens": cached}},
    }


def tool_call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"call_{uuid.uuid4().hex[:8]}", "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)}}


class ScriptedLLM:
    """An OpenAI-compatible server that answers from a script and records what it was sent."""

    def __init__(self, *script: dict[str, Any] | list[Any] | int | Exception) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(json.loads(request.content))
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        if isinstance(step, int):
            return httpx2.Response(step, json={"error": {"message": f"status {step}",
                                                         "type": "server_error"}})
        return httpx2.Response(200, json=step)


Handler = Callable[[httpx2.Request], Any]


def provider_for(handler: Handler) -> OpenAIProvider:
    """The real SDK provider, talking to ``handler`` through httpx2's MockTransport."""
    settings = Settings(openai_api_key="sk-test", openai_base_url="http://llm.test/v1",
                        database_url=None, redis_url=None)
    return OpenAIProvider(settings, http_client=httpx2.AsyncClient(
        transport=httpx2.MockTransport(handler)))


def runtime_for(pool: asyncpg.Pool, llm: Handler, attempts: int = 3,
                **options: Any) -> Runtime:
    return Runtime(pool, provider_for(llm), OfflineProvider(), attempts=attempts,
                   retry_wait_s=0, **options)


async def athlete(pool: asyncpg.Pool, *texts: str) -> tuple[UUID, dict[str, Any], Call]:
    user_id: UUID = await pool.fetchval(
        "INSERT INTO users (phone, name, status, timezone) VALUES ('+15551110000', 'Ana',"
        " 'active', 'America/Chicago') RETURNING id"
    )
    conversation = await pool.fetchval(
        "INSERT INTO conversations (user_id) VALUES ($1) RETURNING id", user_id
    )
    for index, text in enumerate(texts):
        await pool.execute(
            "INSERT INTO messages (user_id, conversation_id, direction, body, from_number,"
            " to_number, provider_sid, status) VALUES ($1, $2, 'inbound', $3, '+15551110000',"
            " '+15550000100', $4, 'received')",
            user_id, conversation, text, f"SM{index}{uuid.uuid4().hex}",
        )
    async with pool.acquire() as conn:
        inbox = await conn.fetch(
            "SELECT id, body, created_at FROM messages WHERE user_id = $1 ORDER BY created_at",
            user_id,
        )
        variables = (await athlete_context(conn, user_id, inbox)).variables()
    trace = uuid.uuid4()
    return user_id, variables, Call(user_id=user_id, trace_id=trace, timezone="America/Chicago",
                                    turn_id=trace)


async def logs(pool: asyncpg.Pool, trace: UUID) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT * FROM agent_logs WHERE trace_id = $1 ORDER BY created_at, attempt", trace
    )


async def test_structured_output_is_parsed_and_logged(pool: asyncpg.Pool) -> None:
    llm = ScriptedLLM(completion(json.dumps({"reply": "Squats first, then rows."})))
    _, variables, call = await athlete(pool, "what should I do today?")
    run = await runtime_for(pool, llm).run("coach", call, variables)
    assert isinstance(run.output, CoachReply)
    assert run.output.reply == "Squats first, then rows."
    assert run.status == "ok"

    sent = llm.requests[0]
    assert sent["model"] == "gpt-4.1-mini"
    assert sent["response_format"]["type"] == "json_schema"
    assert {t["function"]["name"] for t in sent["tools"]} >= {"get_workout", "log_workout"}
    assert sent["messages"][0]["role"] == "system"
    assert "what should I do today?" in sent["messages"][-1]["content"]

    [row] = await logs(pool, call.trace_id)
    assert (row["agent_name"], row["agent_version"], row["status"]) == ("coach", 1, "ok")
    assert (row["provider"], row["model"]) == ("openai", "gpt-test")
    assert (row["prompt_tokens"], row["completion_tokens"], row["cached_tokens"]) == (120, 30, 8)
    assert row["user_id"] == call.user_id and row["turn_id"] == call.trace_id
    assert row["rendered_messages"] == sent["messages"]
    assert row["parsed_output"] == {"reply": "Squats first, then rows."}
    assert json.loads(row["raw_output"]) == {"reply": "Squats first, then rows."}
    assert row["latency_ms"] is not None and row["latency_ms"] >= 0
    assert row["template_versions"]["system/coach"] == 1


async def test_tool_loop_runs_tools_and_feeds_results_back(pool: asyncpg.Pool) -> None:
    llm = ScriptedLLM(
        completion(tool_calls=[tool_call("log_metric", {"metric": "body_weight", "value": 81.5,
                                                        "unit": "kg"})]),
        completion(json.dumps({"reply": "Logged 81.5 kg."})),
    )
    user_id, variables, call = await athlete(pool, "weighed 81.5kg this morning")
    run = await runtime_for(pool, llm).run("coach", call, variables)
    assert run.output.model_dump() == {"reply": "Logged 81.5 kg."}
    metric = await pool.fetchrow("SELECT user_id, metric, value, unit FROM progress_metrics")
    assert metric is not None
    assert (metric["user_id"], metric["metric"], float(metric["value"]), metric["unit"]) == (
        user_id, "body_weight", 81.5, "kg")

    second = llm.requests[1]["messages"]
    assert second[-2]["role"] == "assistant" and second[-2]["tool_calls"]
    assert second[-1]["role"] == "tool"
    assert json.loads(second[-1]["content"])["logged"] == "body_weight"
    rows = await logs(pool, call.trace_id)
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert rows[0]["tool_calls"][0]["name"] == "log_metric"
    assert rows[0]["tool_calls"][0]["result"]["value"] == 81.5


async def test_a_turn_run_again_writes_its_tools_once(pool: asyncpg.Pool) -> None:
    """A worker killed after a tool committed but before the turn was marked answered runs the
    turn again: the same call for the same text returns the stored result, writes nothing."""
    metric = {"metric": "resting_hr", "value": 52, "unit": "bpm"}
    llm = ScriptedLLM(
        completion(tool_calls=[tool_call("log_metric", metric)]),
        completion(json.dumps({"reply": "Logged."})),
        completion(tool_calls=[tool_call("log_metric", metric)]),  # the re-run, same call
        completion(json.dumps({"reply": "Logged."})),
    )
    user_id, variables, call = await athlete(pool, "resting hr 52 this morning")
    source = await pool.fetchval("SELECT id FROM messages WHERE user_id = $1", user_id)
    once = replace(call, source_message_id=source)
    runtime = runtime_for(pool, llm)
    await runtime.run("coach", once, variables)
    await runtime.run("coach", replace(once, trace_id=uuid.uuid4()), variables)
    assert await pool.fetchval("SELECT count(*) FROM progress_metrics") == 1
    assert await pool.fetchval("SELECT count(*) FROM tool_effects") == 1
    replayed = json.loads(llm.requests[3]["messages"][-1]["content"])
    assert (replayed["logged"], replayed["value"]) == ("resting_hr", 52)


async def test_tools_act_only_on_the_turns_athlete(pool: asyncpg.Pool) -> None:
    other: UUID = await pool.fetchval(
        "INSERT INTO users (phone) VALUES ('+15559990000') RETURNING id"
    )
    llm = ScriptedLLM(
        # The model tries to name another athlete: the argument model has no such field.
        completion(tool_calls=[tool_call("pause", {"action": "pause", "until": None,
                                                   "reason": "x", "user_id": str(other)})]),
        completion(tool_calls=[tool_call("pause", {"action": "pause", "until": None,
                                                   "reason": "travel"})]),
        completion(json.dumps({"reply": "Paused."})),
    )
    user_id, variables, call = await athlete(pool, "pause me and also user " + str(other))
    await runtime_for(pool, llm).run("coach", call, variables)
    statuses = dict(await pool.fetch("SELECT id, status FROM users"))
    assert statuses[user_id] == "paused"
    assert statuses[other] == "onboarding"


async def test_rate_limit_then_success_is_retried(pool: asyncpg.Pool) -> None:
    llm = ScriptedLLM(429, 503, completion(json.dumps({"reply": "Here you go."})))
    _, variables, call = await athlete(pool, "hi")
    run = await runtime_for(pool, llm).run("coach", call, variables)
    assert run.status == "ok"
    assert run.output.model_dump() == {"reply": "Here you go."}
    rows = await logs(pool, call.trace_id)
    assert [r["status"] for r in rows] == ["retried", "retried", "ok"]
    assert [r["attempt"] for r in rows] == [1, 2, 3]
    assert "429" in rows[0]["error"]


async def test_timeouts_end_in_the_offline_fallback(pool: asyncpg.Pool) -> None:
    timeout = httpx2.ReadTimeout("slow")
    llm = ScriptedLLM(timeout, timeout, timeout)
    _, variables, call = await athlete(pool, "hello")
    run = await runtime_for(pool, llm).run("coach", call, variables)
    assert run.status == "fallback"
    assert run.provider == "offline"
    assert isinstance(run.output, CoachReply) and run.output.reply
    rows = await logs(pool, call.trace_id)
    assert [r["status"] for r in rows] == ["retried", "retried", "retried", "fallback"]
    assert rows[-1]["provider"] == "offline"
    assert "timed out" in rows[-1]["error"] or "Timeout" in rows[-1]["error"]


async def test_client_errors_are_not_retried(pool: asyncpg.Pool) -> None:
    llm = ScriptedLLM(400)
    _, variables, call = await athlete(pool, "hello")
    run = await runtime_for(pool, llm).run("coach", call, variables)
    assert run.status == "fallback"
    assert len(llm.requests) == 1


async def test_invalid_json_is_reasked_once_then_falls_back(pool: asyncpg.Pool) -> None:
    llm = ScriptedLLM(completion("Sure! Here's my answer"), completion('{"answer": 3}'))
    _, variables, call = await athlete(pool, "hello")
    run = await runtime_for(pool, llm).run("coach", call, variables)
    assert run.status == "fallback"
    assert len(llm.requests) == 2
    reask = llm.requests[1]["messages"]
    assert reask[-2] == {"role": "assistant", "content": "Sure! Here's my answer"}
    assert reask[-1]["content"] == DEFAULT_REASK or "JSON" in reask[-1]["content"]
    assert "Error" not in reask[-1]["content"] and "validation" not in reask[-1]["content"]
    rows = await logs(pool, call.trace_id)
    assert [r["status"] for r in rows] == ["invalid", "invalid", "fallback"]
    assert rows[0]["raw_output"] == "Sure! Here's my answer"


def _bad_arguments() -> dict[str, Any]:
    call = tool_call("log_metric", {})
    call["function"]["arguments"] = "{metric: body_weight,"  # not JSON
    return completion(tool_calls=[call])


MALFORMED: dict[str, Any] = {
    "tool arguments not JSON": _bad_arguments(),
    "a list": [],
    "choices a string": {"choices": "oops", "usage": "none"},
    "no choices": {"id": "x", "object": "chat.completion", "model": "m"},
    "choices empty": {"choices": [], "usage": {"prompt_tokens": "many"}},
    "message a string": {"choices": [{"index": 0, "message": "hi", "finish_reason": "stop"}]},
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
async def test_a_malformed_body_is_a_logged_failure_and_one_reply(
    pool: asyncpg.Pool, name: str
) -> None:
    """Re-asked once with a fixed instruction, then the fallback answers: one reply, a row
    per attempt, no exception reaching the job."""
    llm = ScriptedLLM(MALFORMED[name], MALFORMED[name])
    _, variables, call = await athlete(pool, "hello")
    run = await runtime_for(pool, llm).run("coach", call, variables)
    assert run.status == "fallback" and isinstance(run.output, CoachReply)
    assert run.output.reply
    rows = await logs(pool, call.trace_id)
    assert [r["status"] for r in rows][-1] == "fallback"
    assert all(r["status"] in ("invalid", "error", "fallback") for r in rows)
    for request in llm.requests[1:]:
        reask = request["messages"][-1]["content"]
        assert "Error" not in reask and "Traceback" not in reask and len(reask) < 300


async def test_a_closed_client_is_a_failed_call_not_a_failed_job(pool: asyncpg.Pool) -> None:
    llm = ScriptedLLM()
    runtime = runtime_for(pool, llm)
    await runtime.provider.close()
    _, variables, call = await athlete(pool, "hello")
    run = await runtime.run("coach", call, variables)
    assert run.status == "fallback"
    assert [r["status"] for r in await logs(pool, call.trace_id)] == ["error", "fallback"]


async def test_only_spec_fields_go_back_after_a_tool_call(pool: asyncpg.Pool) -> None:
    llm = ScriptedLLM(
        completion(tool_calls=[tool_call("log_metric", {"metric": "sleep_hours", "value": 7,
                                                        "unit": "h"})]),
        completion(json.dumps({"reply": "Logged."})),
    )
    _, variables, call = await athlete(pool, "slept 7h")
    await runtime_for(pool, llm).run("coach", call, variables)
    assistant = llm.requests[1]["messages"][-2]
    assert set(assistant) <= {"role", "content", "tool_calls"}
    assert set(assistant["tool_calls"][0]) == {"id", "type", "function"}
    assert set(assistant["tool_calls"][0]["function"]) == {"name", "arguments"}


async def test_a_context_too_long_500_is_not_retried(pool: asyncpg.Pool) -> None:
    def too_long(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(500, json={"error": {
            "message": "the request exceeds the available context size", "type": "server"}})

    calls = 0

    def counted(request: httpx2.Request) -> httpx2.Response:
        nonlocal calls
        calls += 1
        return too_long(request)

    runtime = runtime_for(pool, counted)
    _, variables, call = await athlete(pool, "hello")
    run = await runtime.run("coach", call, variables)
    assert (run.status, calls) == ("fallback", 1)


LONG = " ".join(f"Point {n}: keep your back flat and brace before each rep." for n in range(20))


async def test_a_long_reply_is_asked_shorter_once_then_cut_at_a_sentence(
    pool: asyncpg.Pool,
) -> None:
    llm = ScriptedLLM(completion(json.dumps({"reply": LONG})),
                      completion(json.dumps({"reply": LONG})))
    _, variables, call = await athlete(pool, "how were my squats?")
    run = await runtime_for(pool, llm).run("coach", call, variables)
    assert isinstance(run.output, CoachReply) and run.status == "ok"
    assert len(split_message(run.output.reply)) <= 2
    assert run.output.reply.endswith(".") and LONG.startswith(run.output.reply)
    reask = llm.requests[1]["messages"][-1]["content"]
    assert "too long for SMS" in reask and "300 characters" in reask
    assert [r["status"] for r in await logs(pool, call.trace_id)] == ["invalid", "ok"]


async def test_a_question_asking_for_detail_may_take_four_parts(pool: asyncpg.Pool) -> None:
    detailed = " ".join(LONG.split(". ")[:8]) + "."
    llm = ScriptedLLM(completion(json.dumps({"reply": detailed})))
    _, variables, call = await athlete(pool, "can you explain how to brace properly?")
    run = await runtime_for(pool, llm).run("coach", call, variables)
    assert isinstance(run.output, CoachReply)
    assert 2 < len(split_message(run.output.reply)) <= 4 and len(llm.requests) == 1


async def test_a_server_that_hangs_every_call_cannot_outlast_the_job(
    pool: asyncpg.Pool,
) -> None:
    """Calls get the job's time left, retries stop when it is gone, and the fallback answers
    with the job's reserve still in hand."""
    async def hang(request: httpx2.Request) -> httpx2.Response:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    runtime = runtime_for(pool, hang)
    _, variables, call = await athlete(pool, "hello")
    job_seconds = constants.JOB_RESERVE_S + 4
    started = time.monotonic()
    with deadline_after(job_seconds):
        run = await runtime.run("coach", call, variables)
    elapsed = time.monotonic() - started
    assert run.status == "fallback"
    assert elapsed < job_seconds - constants.JOB_RESERVE_S + 3, elapsed
    statuses = [r["status"] for r in await logs(pool, call.trace_id)]
    assert statuses[-1] == "fallback" and len(statuses) <= 3


def priced(reply: str = "ok") -> dict[str, Any]:
    """A gpt-4.1-mini answer with 10,000 prompt tokens: $0.00405 a call."""
    body = completion(json.dumps({"reply": reply}), prompt_tokens=10_000,
                      completion_tokens=30, cached=0)
    return body | {"model": "gpt-4.1-mini"}


async def test_a_flood_from_one_number_costs_at_most_the_budget(pool: asyncpg.Pool) -> None:
    budget = Decimal("0.02")
    llm = ScriptedLLM(*(priced() for _ in range(200)))
    runtime = runtime_for(pool, llm, attempts=1, limits=Limits(daily_budget_usd=budget))
    _, variables, call = await athlete(pool, "hi")
    statuses = Counter()
    for _ in range(200):
        run = await runtime.run("coach", replace(call, turn_id=uuid.uuid4()), variables)
        statuses[run.status] += 1
    spent = await pool.fetchval("SELECT sum(cost_usd) FROM agent_logs")
    assert spent <= budget
    assert statuses["ok"] == len(llm.requests) == 4 and statuses["fallback"] == 196
    row = await pool.fetchrow("SELECT error, provider FROM agent_logs ORDER BY created_at DESC"
                              " LIMIT 1")
    assert row is not None and row["provider"] == "offline"
    assert "budget" in row["error"]


async def test_turns_past_the_hourly_limit_go_to_the_offline_coach(pool: asyncpg.Pool) -> None:
    llm = ScriptedLLM(*(completion('{"reply": "ok"}') for _ in range(5)))
    runtime = runtime_for(pool, llm, attempts=1, limits=Limits(turns_per_hour=3))
    _, variables, call = await athlete(pool, "hi")
    runs = [await runtime.run("coach", replace(call, turn_id=uuid.uuid4()), variables)
            for _ in range(5)]
    assert [r.status for r in runs] == ["ok", "ok", "ok", "fallback", "fallback"]
    assert len(llm.requests) == 3


async def test_the_cost_ledger_rolls_up_by_athlete_agent_model_and_day(
    pool: asyncpg.Pool,
) -> None:
    llm = ScriptedLLM(priced(), priced())
    _, variables, call = await athlete(pool, "hi")
    runtime = runtime_for(pool, llm)
    await runtime.run("coach", call, variables)
    await runtime.run("coach", replace(call, turn_id=uuid.uuid4()), variables)
    row = await pool.fetchrow("SELECT cost_usd, price_table, tools_offered, output_schema,"
                              " temperature FROM agent_logs LIMIT 1")
    assert row is not None and row["cost_usd"] == Decimal("0.004048")
    assert row["price_table"] == PRICE_TABLE and "log_workout" in row["tools_offered"]
    assert row["output_schema"] == "CoachReply"
    since = datetime.now(UTC) - timedelta(days=1)
    for by in BY:
        [group] = await pool.fetch(costs_query(by, one_athlete=False), since)
        assert (group["calls"], group["cost_usd"], group["unpriced"]) == (
            2, Decimal("0.008096"), 0), by
    [mine] = await pool.fetch(costs_query("athlete", one_athlete=True), since, "+15551110000")
    assert mine["key"] == "+15551110000"


async def test_a_server_that_drops_tools_is_found_by_the_probe() -> None:
    capable = ScriptedLLM(completion(json.dumps({"answer": "pong"})),
                          completion(tool_calls=[tool_call("ping", {"ok": True})]))
    found = await provider_for(capable).probe()
    assert (found.json_schema, found.tools) == (True, True)
    assert capable.requests[1]["tools"][0]["function"]["name"] == "ping"
    # A chat template without tool support: the tools vanish and plain text comes back.
    deaf = ScriptedLLM(completion(json.dumps({"answer": "pong"})), completion("pong"))
    found = await provider_for(deaf).probe()
    assert (found.json_schema, found.tools) == (True, False)


async def test_no_tools_mode_runs_the_language_layers_tools_and_tells_the_model(
    pool: asyncpg.Pool,
) -> None:
    llm = ScriptedLLM(completion(json.dumps({"reply": "Nice, 3x10 push-ups logged."})))
    runtime = runtime_for(pool, llm, attempts=1, model_calls_tools=False)
    user_id, variables, call = await athlete(pool, "did 3x10 pushups today")
    run = await runtime.run("coach", call, variables)
    assert run.status == "ok" and [o.call.name for o in run.tool_outcomes] == ["log_workout"]
    assert await pool.fetchval("SELECT count(*) FROM exercise_logs WHERE user_id = $1",
                               user_id) == 1
    sent = llm.requests[0]
    assert "tools" not in sent
    assert "already taken" in sent["messages"][-1]["content"]
    assert "log_workout" in sent["messages"][-1]["content"]


async def test_invalid_then_valid_is_accepted(pool: asyncpg.Pool) -> None:
    llm = ScriptedLLM(completion('{"reply": ""}'), completion('{"reply": "Fixed."}'))
    _, variables, call = await athlete(pool, "hello")
    run = await runtime_for(pool, llm).run("coach", call, variables)
    assert (run.status, run.output.model_dump()) == ("ok", {"reply": "Fixed."})


async def test_an_edit_of_the_active_definition_changes_the_next_run(pool: asyncpg.Pool) -> None:
    llm = ScriptedLLM(*(completion('{"reply": "ok"}') for _ in range(3)))
    runtime = runtime_for(pool, llm)
    _, variables, call = await athlete(pool, "hello")
    await runtime.run("coach", call, variables)
    # A coach edits the running definition in the database: no restart, no sync.
    await pool.execute(
        "UPDATE agent_definitions SET model = 'gpt-edited', temperature = 0.9"
        " WHERE name = 'coach' AND is_active"
    )
    await runtime.run("coach", call, variables)
    assert llm.requests[1]["model"] == "gpt-edited"
    assert llm.requests[1]["temperature"] == 0.9
    # ...and a new prompt version, pointed at by the definition, is what the model sees next.
    await pool.execute(
        "INSERT INTO prompts (name, version, content, content_sha256, is_active)"
        " VALUES ('system/coach', 2, 'Be brief.', encode(sha256('Be brief.'::bytea), 'hex'),"
        " false)"
    )
    await pool.execute(
        "UPDATE agent_definitions SET system_prompt = 'system/coach@2'"
        " WHERE name = 'coach' AND is_active"
    )
    await runtime.run("coach", call, variables)
    assert llm.requests[2]["messages"][0] == {"role": "system", "content": "Be brief."}


@pytest.mark.parametrize("payload", ["{{ 7*7 }}", "{{ ''.__class__.__mro__ }}",
                                     "{% for x in range(3) %}x{% endfor %}"])
async def test_athlete_text_is_never_a_template(pool: asyncpg.Pool, payload: str) -> None:
    llm = ScriptedLLM(completion('{"reply": "ok"}'))
    _, variables, call = await athlete(pool, payload)
    await runtime_for(pool, llm).run("coach", call, variables)
    prompt = llm.requests[0]["messages"][-1]["content"]
    # The inbox line carries the text exactly as sent: nothing evaluated, nothing expanded.
    assert any(line.endswith(f"] {payload}") for line in prompt.splitlines())
    assert "<class" not in prompt and "xxx" not in prompt
    [row] = await logs(pool, call.trace_id)
    assert payload in row["rendered_messages"][-1]["content"]


async def test_unknown_agent_is_one_readable_error(pool: asyncpg.Pool) -> None:
    from worker.errors import ConfigError

    _, variables, call = await athlete(pool, "hi")
    with pytest.raises(ConfigError, match="unknown agent 'nope'"):
        await runtime_for(pool, ScriptedLLM()).run("nope", call, variables)
