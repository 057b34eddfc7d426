"""The agent runtime: load the active definition, render, call the model, run tools, log.

One call of :meth:`Runtime.run` is one agent doing one job. It reads the active definition from
the database on every run (so an edit or rollback applies to the next turn), renders its
templates in the sandbox, calls the provider with the output schema, runs requested tools in a
bounded loop, and validates the answer. Transient provider failures are retried by tenacity; an
invalid answer is re-asked once with the validation error; anything still failing is answered by
the offline coach, so the athlete always gets a reply. Every provider call writes an agent_logs
row.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

import asyncpg
from jinja2 import TemplateError
from pydantic import BaseModel, ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_any,
    wait_none,
    wait_random_exponential,
)
from tenacity.stop import stop_base

from worker import constants
from worker.agents.render import render
from worker.agents.schemas import schema_named
from worker.agents.toolbase import OneConnection, ToolContext
from worker.agents.tools import TOOLS, Tool
from worker.clock import now
from worker.coach.results import ExerciseExplained, ToolFailed
from worker.db.queries import sql
from worker.domain.replies import CoachReply, ExerciseHowTo, reply_parts
from worker.errors import ConfigError, ToolError
from worker.llm.prices import PRICE_TABLE, cost_usd
from worker.llm.types import (
    LLMFailure,
    LLMRequest,
    LLMResponse,
    Provider,
    ToolCall,
    ToolOutcome,
    ToolSpec,
)
from worker.sms.segments import shorten_to_parts, split_message

log = logging.getLogger(__name__)

Status = Literal["ok", "retried", "fallback", "error", "invalid"]


@dataclass
class LoadedAgent:
    id: UUID
    name: str
    version: int
    model: str
    temperature: float | None
    max_output_tokens: int
    system_prompt: str
    context_templates: list[str]
    template_versions: dict[str, int]
    output_schema: type[BaseModel]
    tools: list[Tool]
    examples: list[dict[str, Any]]
    max_tool_iterations: int
    timeout_s: float


@dataclass
class Call:
    """Who a run is for and where it belongs: the athlete comes from here, never the model."""

    user_id: UUID | None
    trace_id: UUID
    timezone: str = "UTC"
    turn_id: UUID | None = None
    parent_id: UUID | None = None
    source_message_id: UUID | None = None


def cache_key(agent: LoadedAgent, served_by: str, messages: list[dict[str, Any]]) -> str:
    """What makes two runs the same question: the agent version (templates included), the
    endpoint and model that really answer, and the rendered input. Another of any is another
    key, so a switch of endpoint or model never serves the old one's answers."""
    material = json.dumps([agent.name, str(agent.id), agent.template_versions, served_by,
                           messages], sort_keys=True, default=str)
    return f"{agent.name}:v{agent.version}:{hashlib.sha256(material.encode()).hexdigest()}"


@dataclass
class AgentRun:
    output: BaseModel
    status: Status
    provider: str
    log_ids: list[UUID] = field(default_factory=list)
    tool_outcomes: list[ToolOutcome] = field(default_factory=list)


async def load_agent(pool: asyncpg.Pool, name: str) -> LoadedAgent:
    """The active version of ``name`` with its templates' text, read fresh from the database."""
    row = await pool.fetchrow(sql("agent_to_run"), name)
    if row is None:
        raise ConfigError(f"unknown agent {name!r}: no active version (run "
                          "`textcoach agents sync`)")
    system = row["system"]
    contexts = list(row["contexts"])
    if system is None or len(contexts) != len(row["context_templates"]):
        raise ConfigError(f"agent {name!r} v{row['version']} names templates that do not exist")
    versions = {system["name"]: system["version"]} | {c["name"]: c["version"] for c in contexts}
    return LoadedAgent(
        id=row["id"],
        name=row["name"],
        version=row["version"],
        model=row["model"],
        temperature=float(row["temperature"]) if row["temperature"] is not None else None,
        max_output_tokens=row["max_output_tokens"],
        system_prompt=system["content"],
        context_templates=[c["content"] for c in contexts],
        template_versions=versions,
        output_schema=schema_named(row["output_schema"]),
        tools=[TOOLS[name] for name in row["tools"] if name in TOOLS],
        examples=list(row["examples"] or []),
        max_tool_iterations=row["max_tool_iterations"],
        timeout_s=float(row["timeout_seconds"]),
    )


def render_messages(agent: LoadedAgent, variables: Mapping[str, Any]) -> list[dict[str, Any]]:
    """System prompt, few-shot examples, then the rendered context as the user turn."""
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": render(agent.system_prompt, variables)}
    ]
    for example in agent.examples:
        messages.append({"role": "user", "content": example["user"]})
        messages.append({"role": "assistant", "content": json.dumps(example["assistant"])})
    context = "\n\n".join(render(t, variables) for t in agent.context_templates)
    messages.append({"role": "user", "content": context})
    return messages


#: When the running job must be done (time.monotonic()), set by the job around its work.
_DEADLINE: ContextVar[float | None] = ContextVar("textcoach_job_deadline", default=None)


@contextmanager
def deadline_after(seconds: float) -> Iterator[None]:
    """Model calls made inside (and their retries) end JOB_RESERVE_S before ``seconds`` are up,
    so the fallback still answers inside the job's timeout however slow the server is."""
    token = _DEADLINE.set(time.monotonic() + seconds - constants.JOB_RESERVE_S)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def time_left() -> float | None:
    """Seconds the running job has left for model calls; None outside a job."""
    deadline = _DEADLINE.get()
    return None if deadline is None else deadline - time.monotonic()


def _out_of_time() -> bool:
    left = time_left()
    return left is not None and left < constants.MIN_MODEL_CALL_S


class _StopWhenOutOfTime(stop_base):
    """Tenacity stop condition: no retry without time left for one more model call."""

    def __call__(self, retry_state: RetryCallState) -> bool:
        return _out_of_time()


@dataclass(frozen=True)
class Limits:
    """Per athlete: model spend a UTC day and turns an hour that may go to the model (None:
    no limit). Past either, the offline coach answers and nothing is spent."""

    daily_budget_usd: Decimal | None = None
    turns_per_hour: int | None = None

    @classmethod
    def of(cls, budget_usd: float, turns_per_hour: int) -> Limits:
        return cls(Decimal(str(budget_usd)) if budget_usd > 0 else None,
                   turns_per_hour if turns_per_hour > 0 else None)


class Runtime:
    def __init__(
        self,
        pool: asyncpg.Pool,
        provider: Provider,
        offline: Provider,
        *,
        attempts: int = 3,
        retry_wait_s: float = 0.5,
        limits: Limits | None = None,
        model_calls_tools: bool = True,
    ) -> None:
        self.pool = pool
        self.provider = provider
        self.offline = offline
        self.attempts = attempts
        self.retry_wait_s = retry_wait_s
        self.limits = limits or Limits()
        #: False when the endpoint was found to drop tool calls (see ``agents check``).
        self.model_calls_tools = model_calls_tools

    async def _over_limit(self, call: Call) -> str | None:
        """Why this athlete's run must not go to the model now, if it must not."""
        limits = self.limits
        if call.user_id is None or self.provider.name == self.offline.name or (
                limits.daily_budget_usd is None and limits.turns_per_hour is None):
            return None
        moment = now()
        day_start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        row = await self.pool.fetchrow(sql("model_spend"), call.user_id, day_start,
                                       moment - timedelta(hours=1))
        assert row is not None
        if limits.daily_budget_usd is not None and \
                row["spent"] + row["largest"] > limits.daily_budget_usd:
            # Stop before a call that could cross it: the next one may cost as much as the
            # dearest so far, so a flood costs at most the budget.
            return f"daily model budget of ${limits.daily_budget_usd} reached"
        if limits.turns_per_hour is not None and row["turns"] >= limits.turns_per_hour and \
                call.turn_id is not None:
            return f"{limits.turns_per_hour} model turns this hour reached"
        return None

    async def run(self, name: str, call: Call, variables: Mapping[str, Any]) -> AgentRun:
        agent = await load_agent(self.pool, name)
        logs: list[UUID] = []
        if (over := await self._over_limit(call)) is not None:
            log.warning("athlete %s: %s; the offline coach answers", call.user_id, over)
            messages = render_messages(agent, variables)
            return await self._fallback(agent, call, variables, messages, [], logs, 1, over)
        try:
            messages = render_messages(agent, variables)
        except TemplateError as exc:
            # A broken template is the operator's bug; the athlete still gets an answer.
            log.error("agent %s v%s: template failed: %s", name, agent.version, exc)
            messages = [{"role": "system", "content": f"template error: {exc}"}]
            return await self._fallback(agent, call, variables, messages, [], logs, 1, str(exc))

        key = cache_key(agent, self.provider.serves(agent.model), messages) \
            if agent.name in constants.CACHED_AGENTS else None
        if key is not None:
            hit = await self.pool.fetchval(sql("cached_content"), key, now())
            if hit is not None:
                return AgentRun(agent.output_schema.model_validate(hit), "ok", "cache")
        outcomes: list[ToolOutcome] = []
        attempt = 0
        reasked = False
        iterations = 0
        if agent.tools and not self.model_calls_tools and self.provider.name != self.offline.name:
            # No-tools mode (the endpoint drops tools): the offline language layer reads the
            # texts into the same tool calls, our code runs them, and the model writes the
            # reply knowing what was done.
            outcomes = await self._tools_by_language_layer(agent, call, variables, messages,
                                                           logs)
            if outcomes:
                messages = [*messages, {"role": "user", "content": _done_note(outcomes)}]
            iterations = agent.max_tool_iterations
        while True:
            if _out_of_time():
                return await self._fallback(agent, call, variables, messages, outcomes, logs,
                                            attempt + 1, "no time left in the job for the model")
            request = self._request(agent, messages, variables, outcomes,
                                    allow_tools=iterations < agent.max_tool_iterations)
            attempt += 1
            try:
                response, attempt, latency = await self._call_with_retries(
                    agent, call, request, attempt
                )
            except LLMFailure as failure:
                if failure.kind == "invalid" and not reasked:
                    # Once, with a fixed instruction: the exception text never reaches the
                    # model (it repeats it), and the exchange stays in this run only.
                    reasked = True
                    messages = [
                        *messages,
                        {"role": "assistant", "content": (failure.raw or "")[:REASK_ECHO_CHARS]},
                        {"role": "user", "content": failure.reask or DEFAULT_REASK},
                    ]
                    continue
                return await self._fallback(
                    agent, call, variables, messages, outcomes, logs, attempt + 1, str(failure)
                )

            if response.tool_calls and request.allow_tools:
                executed = await self._run_tools(agent, call, response.tool_calls)
                outcomes.extend(executed)
                logs.append(await self._log(agent, call, request, response, "ok", None,
                                            attempt, latency, executed))
                messages = [*messages, _assistant_tool_message(response),
                            *(_tool_message(o) for o in executed)]
                iterations += 1
                continue

            if response.output is None:
                failure_msg = "the model answered with tool calls after its tool budget"
                logs.append(await self._log(agent, call, request, response, "invalid",
                                            failure_msg, attempt, latency, []))
                return await self._fallback(
                    agent, call, variables, messages, outcomes, logs, attempt + 1, failure_msg
                )
            # A model's verbosity is bounded here; the offline coach's wording is ours, tested
            # in the scenarios, and may list a whole session.
            parts = (None if response.provider == self.offline.name
                     else _parts_allowed(response.output, variables))
            if parts is not None and not reasked:
                # Too long for SMS: asked once to be shorter, with the limit in words.
                reasked = True
                logs.append(await self._log(agent, call, request, response, "invalid",
                                            f"reply over {parts} SMS", attempt, latency, []))
                messages = [*messages,
                            {"role": "assistant", "content": response.raw[:REASK_ECHO_CHARS]},
                            {"role": "user", "content": too_long(parts)}]
                continue
            output = response.output if parts is None else _shortened(response.output, parts)
            logs.append(
                await self._log(agent, call, request, response, "ok", None, attempt, latency, [])
            )
            if key is not None:
                await self.pool.execute(sql("cache_content"), key, agent.name,
                                        output.model_dump(mode="json"),
                                        now() + timedelta(days=constants.AI_CACHE_DAYS))
            return AgentRun(output, "ok", response.provider, logs, outcomes)

    async def explain(self, call: Call, exercise: ExerciseExplained) -> str | None:
        """The explainer agent's how-to for ``exercise`` (library facts only: cached and
        shared), or None when it cannot be had; the library's cue still answers."""
        facts = exercise.model_dump(include={"name", "pattern", "equipment", "cue",
                                             "description", "easier", "harder"})
        try:
            run = await self.run("exercise_explainer", replace(call, parent_id=None),
                                 {"exercise": facts})
        except Exception:  # any failure (not synced, a bad cached row): the cue still answers
            log.exception("the exercise explainer failed; the library's cue answers")
            return None
        if run.status != "ok" or not isinstance(run.output, ExerciseHowTo):
            return None
        return run.output.how_to

    def _request(
        self,
        agent: LoadedAgent,
        messages: list[dict[str, Any]],
        variables: Mapping[str, Any],
        outcomes: list[ToolOutcome],
        *,
        allow_tools: bool,
    ) -> LLMRequest:
        return LLMRequest(
            agent=agent.name,
            model=agent.model,
            temperature=agent.temperature,
            max_output_tokens=agent.max_output_tokens,
            timeout_s=agent.timeout_s,
            messages=messages,
            schema=agent.output_schema,
            tools=[ToolSpec(t.name, t.description, t.args_model) for t in agent.tools],
            variables=variables,
            tool_outcomes=list(outcomes),
            allow_tools=allow_tools and bool(agent.tools),
        )

    async def _call_with_retries(
        self, agent: LoadedAgent, call: Call, request: LLMRequest, attempt: int
    ) -> tuple[LLMResponse, int, int]:
        """Call the provider; retry transient failures, logging every failed attempt."""
        current = attempt
        retrying = AsyncRetrying(
            stop=stop_any(stop_after_attempt(self.attempts), _StopWhenOutOfTime()),
            # Full jitter, so workers that hit one rate limit together do not retry together.
            wait=wait_random_exponential(multiplier=self.retry_wait_s, max=8)
            if self.retry_wait_s else wait_none(),
            retry=retry_if_exception(
                lambda exc: isinstance(exc, LLMFailure) and exc.kind == "transient"
            ),
            reraise=True,
        )
        async for try_ in retrying:
            with try_:
                started = time.monotonic()
                left = time_left()
                timed = request if left is None else replace(
                    request, timeout_s=max(1.0, min(request.timeout_s, left)))
                try:
                    async with asyncio.timeout(timed.timeout_s + (5 if left is None else 1)):
                        response = await self.provider.complete(timed)
                except Exception as exc:
                    failure = _as_failure(exc, agent.name, self.provider.name)
                    await self._log_failure(agent, call, request, failure, current, started)
                    current += 1
                    raise failure from (None if failure is exc else exc)
                latency = int((time.monotonic() - started) * 1000)
                if response.output is not None:
                    response.output = _revalidate(agent.output_schema, response.output)
                return response, current, latency
        raise AssertionError("unreachable")  # pragma: no cover

    async def _log_failure(
        self, agent: LoadedAgent, call: Call, request: LLMRequest, failure: LLMFailure,
        attempt: int, started: float,
    ) -> None:
        latency = int((time.monotonic() - started) * 1000)
        status: Status = {"transient": "retried", "invalid": "invalid"}.get(
            failure.kind, "error"
        )  # type: ignore[assignment]
        response = failure.response or LLMResponse(
            provider=self.provider.name, model=request.model, raw=failure.raw or ""
        )
        await self._log(agent, call, request, response, status, str(failure), attempt, latency,
                        [])

    async def _tools_by_language_layer(
        self, agent: LoadedAgent, call: Call, variables: Mapping[str, Any],
        messages: list[dict[str, Any]], logs: list[UUID],
    ) -> list[ToolOutcome]:
        request = self._request(agent, messages, variables, [], allow_tools=True)
        started = time.monotonic()
        response = await self.offline.complete(request)
        if not response.tool_calls:
            return []
        executed = await self._run_tools(agent, call, response.tool_calls)
        latency = int((time.monotonic() - started) * 1000)
        logs.append(await self._log(agent, call, request, response, "ok",
                                    "no-tools mode: tools chosen by the language layer", 1,
                                    latency, executed))
        return executed

    async def _run_tools(
        self, agent: LoadedAgent, call: Call, calls: list[ToolCall]
    ) -> list[ToolOutcome]:
        outcomes: list[ToolOutcome] = []
        allowed = {t.name: t for t in agent.tools}
        for tool_call in calls:
            tool = allowed.get(tool_call.name)
            if tool is None:
                result: BaseModel = ToolFailed(error=f"unknown tool {tool_call.name!r}")
            elif call.user_id is None:
                result = ToolFailed(error="tools need an athlete")
            else:
                result = await self._run_tool(tool, tool_call, call)
            outcomes.append(ToolOutcome(tool_call, result))
        return outcomes

    async def _run_tool(self, tool: Tool, tool_call: ToolCall, call: Call) -> BaseModel:
        assert call.user_id is not None
        explain = None if self.provider.name == self.offline.name \
            else functools.partial(self.explain, call)
        context = ToolContext(self.pool, call.user_id, call.timezone, call.source_message_id,
                              call.turn_id, explain)
        try:
            args = tool.args_model.model_validate(tool_call.arguments)
            if tool.writes and call.source_message_id is not None:
                return await self._run_once(tool, args, context, call.source_message_id)
            return await tool.handler(context, args)
        except ValidationError as exc:
            return ToolFailed(error=f"invalid arguments: {exc.errors()[0]['msg']}")
        except ToolError as exc:
            return ToolFailed(error=str(exc))
        except Exception as exc:  # a tool bug must not lose the athlete's turn
            log.exception("tool %s failed", tool.name)
            return ToolFailed(error=f"{tool.name} failed: {type(exc).__name__}")

    async def _run_once(self, tool: Tool, args: BaseModel, context: ToolContext,
                        source_message_id: UUID) -> BaseModel:
        """A writing tool, once per text: its writes and its tool_effects row commit together,
        and the same call in a turn run again (a worker killed before the turn was marked
        answered) returns the stored result and writes nothing."""
        arguments = json.dumps(args.model_dump(mode="json"), sort_keys=True)
        key = f"{tool.name}:{hashlib.sha256(arguments.encode()).hexdigest()}"
        async with self.pool.acquire() as conn, conn.transaction():
            done = await conn.fetchval(sql("tool_effect"), source_message_id, key)
            if done is not None:
                log.info("tool %s already ran for message %s; not writing again", tool.name,
                         source_message_id)
                return tool.result_model.model_validate(done)
            result = await tool.handler(replace(context, pool=OneConnection(conn)), args)
            await conn.execute(sql("record_tool_effect"), source_message_id, key, tool.name,
                               result.model_dump(mode="json"))
        return result

    async def _fallback(
        self,
        agent: LoadedAgent,
        call: Call,
        variables: Mapping[str, Any],
        messages: list[dict[str, Any]],
        outcomes: list[ToolOutcome],
        logs: list[UUID],
        attempt: int,
        reason: str,
    ) -> AgentRun:
        """The offline coach answers; it may still use tools the model did not get to."""
        log.warning("agent %s: falling back to the offline coach (%s)", agent.name, reason)
        iterations = 0
        while True:
            request = self._request(agent, messages, variables, outcomes,
                                    allow_tools=iterations < max(agent.max_tool_iterations, 1))
            started = time.monotonic()
            response = await self.offline.complete(request)
            latency = int((time.monotonic() - started) * 1000)
            if response.tool_calls and request.allow_tools:
                executed = await self._run_tools(agent, call, response.tool_calls)
                outcomes = [*outcomes, *executed]
                logs.append(await self._log(agent, call, request, response, "fallback", reason,
                                            attempt, latency, executed))
                attempt += 1
                iterations += 1
                continue
            assert response.output is not None, "the offline coach always answers"
            output = _revalidate(agent.output_schema, response.output)
            logs.append(await self._log(agent, call, request, response, "fallback", reason,
                                        attempt, latency, []))
            return AgentRun(output, "fallback", response.provider, logs, outcomes)

    async def _log(
        self,
        agent: LoadedAgent,
        call: Call,
        request: LLMRequest,
        response: LLMResponse,
        status: Status,
        error: str | None,
        attempt: int,
        latency_ms: int,
        executed: list[ToolOutcome],
    ) -> UUID:
        tool_calls = [
            {"id": o.call.id, "name": o.call.name, "arguments": o.call.arguments,
             "result": o.result_json()}
            for o in executed
        ] or [
            {"id": c.id, "name": c.name, "arguments": c.arguments} for c in response.tool_calls
        ]
        parsed = response.output.model_dump(mode="json") if response.output else None
        log_id: UUID = await self.pool.fetchval(
            sql("insert_agent_log"),
            agent.name, agent.version, agent.id, call.user_id, call.trace_id, call.turn_id,
            call.parent_id, response.provider, response.model, agent.template_versions,
            request.messages, response.raw, parsed, tool_calls, response.prompt_tokens,
            response.completion_tokens, response.cached_tokens, response.reasoning_tokens,
            latency_ms, status, error, attempt,
            cost_usd(response.model, response.prompt_tokens, response.completion_tokens,
                     response.cached_tokens) if response.provider != self.offline.name else None,
            PRICE_TABLE, request.temperature, [t.name for t in request.tools]
            if request.allow_tools else [], request.schema.__name__,
        )
        return log_id


def _as_failure(exc: Exception, agent: str, provider: str) -> LLMFailure:
    """Every way a call can go wrong, as a failed call: a timeout is retried; a provider bug
    or an SDK surprise is logged and answered by the fallback, never a failed job."""
    if isinstance(exc, LLMFailure):
        return exc
    if isinstance(exc, TimeoutError):
        return LLMFailure("timed out", kind="transient")
    log.error("agent %s: provider %s raised %r", agent, provider, exc, exc_info=exc)
    return LLMFailure(f"provider error ({type(exc).__name__})", kind="fatal")


def _parts_allowed(output: BaseModel, variables: Mapping[str, Any]) -> int | None:
    """The SMS parts a coach reply may take, if this one takes more; None when it fits."""
    if not isinstance(output, CoachReply):
        return None
    parts = reply_parts([str(line.get("text", "")) for line in variables.get("inbox") or []])
    return parts if len(split_message(output.reply)) > parts else None


def _shortened(output: BaseModel, parts: int) -> BaseModel:
    """Still too long after the re-ask: cut at a sentence boundary, never mid-part."""
    assert isinstance(output, CoachReply)
    return CoachReply(reply=shorten_to_parts(output.reply, parts))


def too_long(parts: int) -> str:
    limit = parts * 150
    return (f"That reply is too long for SMS. Write it again in under {limit} characters, "
            "same JSON, keeping only what matters most.")


#: How much of an invalid answer is shown back to the model in a re-ask.
REASK_ECHO_CHARS = 2000
DEFAULT_REASK = "Your answer was not the required JSON. Answer again with only the JSON object."


def _revalidate(schema: type[BaseModel], output: BaseModel) -> BaseModel:
    """Validate again with our own model: compatible servers differ in schema strictness."""
    return schema.model_validate(output.model_dump())


def _assistant_tool_message(response: LLMResponse) -> dict[str, Any]:
    if response.assistant_message is not None:
        return response.assistant_message
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": c.id, "type": "function",
             "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
            for c in response.tool_calls
        ],
    }


def _done_note(outcomes: list[ToolOutcome]) -> str:
    """What the system already did this turn, for a model that cannot call tools itself."""
    done = [{"tool": o.call.name, "arguments": o.call.arguments, "result": o.result_json()}
            for o in outcomes]
    return ("SYSTEM NOTE (not from the athlete): these actions were already taken for these "
            "texts; reply knowing them, and do not ask to do them again.\n"
            + json.dumps(done, default=str))


def _tool_message(outcome: ToolOutcome) -> dict[str, Any]:
    return {
        "role": "tool",
        "tool_call_id": outcome.call.id,
        "content": json.dumps(outcome.result_json(), default=str),
    }


def new_trace() -> UUID:
    return uuid.uuid4()
