"""Answers that do not depend on the athlete are written once (ai_content_cache).

The exercise explainer sees only library facts, so its how-to for an exercise is the same for
everyone: the first athlete who asks costs one model call, the next gets the cached answer.
The real openai SDK talks to a scripted server (httpx2.MockTransport) that counts the calls.
"""

from __future__ import annotations

import json
from datetime import timedelta

import asyncpg

from tests.integration.test_agent_runtime import (
    ScriptedLLM,
    athlete,
    completion,
    runtime_for,
    tool_call,
)
from worker import constants
from worker.clock import now

HOW_TO = ("Stand tall holding the weights, soft knees. Push your hips back and slide the "
          "weights down your thighs until you feel your hamstrings, then stand up. Keep your "
          "back flat: don't round to reach lower.")


def _asks_for_rdl() -> dict[str, object]:
    return completion(tool_calls=[tool_call("explain_exercise",
                                            {"exercise": "romanian deadlift"})])


async def test_an_explanation_is_written_once_and_reused_for_another_athlete(
    pool: asyncpg.Pool,
) -> None:
    llm = ScriptedLLM(
        _asks_for_rdl(),
        completion(json.dumps({"how_to": HOW_TO})),
        completion(json.dumps({"reply": "Here's how: " + HOW_TO})),
        # The second athlete: the coach's two calls, and no explainer call.
        _asks_for_rdl(),
        completion(json.dumps({"reply": "Sure: " + HOW_TO})),
    )
    runtime = runtime_for(pool, llm)
    _, variables, call = await athlete(pool, "how do i do a romanian deadlift?")
    run = await runtime.run("coach", call, variables)
    assert run.tool_outcomes[0].result.model_dump()["how_to"] == HOW_TO
    assert len(llm.requests) == 3
    explainer_input = llm.requests[1]["messages"][-1]["content"]
    assert "EXERCISE: Romanian deadlift" in explainer_input
    assert "Ana" not in json.dumps(llm.requests[1])  # nothing about the athlete goes in

    [row] = await pool.fetch("SELECT cache_key, user_id, kind, content, expires_at"
                             " FROM ai_content_cache")
    assert row["kind"] == "exercise_explainer" and row["user_id"] is None
    assert row["cache_key"].startswith("exercise_explainer:v1:")
    assert row["content"] == {"how_to": HOW_TO}
    assert row["expires_at"] > now() + timedelta(days=constants.AI_CACHE_DAYS - 1)

    await pool.execute("DELETE FROM messages; DELETE FROM conversations; DELETE FROM users")
    _, variables, call = await athlete(pool, "what's an RDL?")
    run = await runtime.run("coach", call, variables)
    assert run.tool_outcomes[0].result.model_dump()["how_to"] == HOW_TO
    assert len(llm.requests) == 5 and llm.script == []
    assert await pool.fetchval("SELECT count(*) FROM ai_content_cache") == 1


async def test_an_expired_or_other_version_answer_is_written_again(pool: asyncpg.Pool) -> None:
    llm = ScriptedLLM(
        _asks_for_rdl(), completion(json.dumps({"how_to": HOW_TO})),
        completion(json.dumps({"reply": "ok"})),
        _asks_for_rdl(), completion(json.dumps({"how_to": HOW_TO + " Breathe."})),
        completion(json.dumps({"reply": "ok"})),
    )
    runtime = runtime_for(pool, llm)
    _, variables, call = await athlete(pool, "how do i do a romanian deadlift?")
    await runtime.run("coach", call, variables)
    await pool.execute("UPDATE ai_content_cache SET expires_at = now() - interval '1 day'")
    await runtime.run("coach", call, variables)
    assert len(llm.requests) == 6
    content = await pool.fetchval("SELECT content FROM ai_content_cache")
    assert content == {"how_to": HOW_TO + " Breathe."}


async def test_offline_the_library_text_is_the_explanation_and_nothing_is_cached(
    pool: asyncpg.Pool,
) -> None:
    from tests.conftest import offline_runtime
    _, variables, call = await athlete(pool, "how do i do a romanian deadlift?")
    run = await offline_runtime(pool).run("coach", call, variables)
    assert "Romanian deadlift" in run.output.model_dump()["reply"]
    assert await pool.fetchval("SELECT count(*) FROM ai_content_cache") == 0
