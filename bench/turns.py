"""Benchmark of a turn's own cost: everything a chat turn does except waiting for the model.

A turn (``worker.jobs.inbox.process_inbox``, the ARQ job, called directly) takes the athlete's
lock, reads the inbox and the athlete, renders the agent's context, calls the model, runs its
tools, writes the reply and enqueues its sends. The model here is the real openai SDK
(``worker.llm.openai_provider.OpenAIProvider``) talking through ``httpx2.MockTransport`` to an
in-process OpenAI-compatible fake that answers at once, so what is measured is ours: SQL,
rendering, the SDK's request and parsing, our tool loop, Redis. Two kinds of turn:

* **plain**: "thanks coach, see you tomorrow" answered with a structured reply;
* **one tool call**: "weighed in at 81.5 kg this morning" answered first with a ``log_metric``
  tool call (as a model with tools makes it), then with the reply.

Athletes are seeded with profiles and offline-written plans (as ``coaching.py`` does), each
turn runs one at a time, and for each it prints p50/p99 of the turn's wall time, the time spent
inside the fake (the "model", near zero), the SQL round trips per turn broken down by named
query, and the Redis commands. It prints figures and never asserts on time.

PostgreSQL and Redis are embedded unless ``--database-url``/``--redis-url`` name real ones; the
athletes go into a throwaway database and the jobs into a throwaway queue, both removed at the
end. ``.venv/bin/python bench/turns.py [--athletes 100]``.
"""

from __future__ import annotations

import argparse
import io
import json
import secrets
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx2
from coaching import WEEK_1, Trips, breakdown, on, seed
from common import (
    add_postgres_options,
    athletes_arg,
    cleanup,
    create_database,
    heading,
    line,
    machine_line,
    ms,
    quantile,
    run_benchmark,
)
from fanout import FanoutRun, start_services

from worker.agents.runtime import Runtime
from worker.db.pool import create_pool
from worker.domain.profile import ProfileUpdate
from worker.jobs.context import Deps
from worker.jobs.inbox import process_inbox
from worker.llm.offline import OfflineProvider
from worker.llm.openai_provider import OpenAIProvider
from worker.queue import connect_redis
from worker.settings import Settings
from worker.sms.channel import LocalChannel

POOL_SIZE = 4
COACH_NUMBER = "+15550000100"
PLAIN = "thanks coach, see you tomorrow"
WEIGH_IN = "weighed in at 81.5 kg this morning"

INSERT_INBOUND = """
INSERT INTO messages (user_id, conversation_id, direction, body, from_number, to_number,
                      provider_sid, status)
SELECT u.id, c.id, 'inbound', $2, u.phone, $3, $4, 'received'
FROM users u
JOIN LATERAL (SELECT id FROM conversations WHERE user_id = u.id
              ORDER BY last_message_at DESC LIMIT 1) c ON true
WHERE u.id = $1
"""


class InstantModel:
    """An OpenAI-compatible chat-completions endpoint that answers at once.

    A weigh-in is answered with a ``log_metric`` tool call while tools are offered; every other
    request with the structured reply its schema asks for. It records the time it spends and
    the schemas it was asked for, so the bench can show the model's share is negligible.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self.schemas: dict[str, int] = {}

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        started = time.perf_counter()
        body = json.loads(request.content)
        schema = body.get("response_format", {}).get("json_schema", {}).get("name", "?")
        self.schemas[schema] = self.schemas.get(schema, 0) + 1
        last = body["messages"][-1]
        answer: dict[str, Any] = {"reply": "Good work. Rest up; tomorrow's session is in your "
                                  "morning text."}
        if schema == "ProfileUpdate":  # nothing new about the athlete in these texts
            answer = ProfileUpdate().model_dump(mode="json")
        message: dict[str, Any] = {"role": "assistant", "refusal": None,
                                   "content": json.dumps(answer)}
        if last["role"] == "user" and "weighed" in str(last["content"]) and body.get("tools"):
            message = {"role": "assistant", "content": None, "refusal": None, "tool_calls": [{
                "id": f"call_{uuid4().hex[:8]}", "type": "function", "function": {
                    "name": "log_metric",
                    "arguments": json.dumps({"metric": "body_weight", "value": 81.5,
                                             "unit": "kg"})}}]}
        response = httpx2.Response(200, json={
            "id": "chatcmpl-bench", "object": "chat.completion", "created": 1,
            "model": body["model"],
            "choices": [{"index": 0, "logprobs": None, "message": message,
                         "finish_reason": "tool_calls" if "tool_calls" in message else "stop"}],
            "usage": {"prompt_tokens": 900, "completion_tokens": 40, "total_tokens": 940},
        })
        self.calls += 1
        self.seconds += time.perf_counter() - started
        return response


class RedisCommands:
    """Counts the commands our Redis client sends (a pipeline counts once: one round trip)."""

    def __init__(self, redis: Any) -> None:
        self.count = 0
        self.names: list[str] = []
        original = redis.execute_command

        async def counted(*args: Any, **options: Any) -> Any:
            self.count += 1
            self.names.append(str(args[0]).split()[0].upper())
            return await original(*args, **options)

        redis.execute_command = counted


@dataclass
class Turn:
    seconds: float
    model_seconds: float
    model_calls: int
    statements: list[str]
    redis: list[str]
    outcome: str


def report(title: str, turns: Sequence[Turn]) -> None:
    heading(title)
    times = [t.seconds for t in turns]
    own = [t.seconds - t.model_seconds for t in turns]
    line("turns", f"{len(turns):,}, one at a time; outcomes: "
         f"{', '.join(sorted({t.outcome for t in turns}))}")
    line("turn wall time", f"p50 {ms(quantile(times, 0.5))}, p99 {ms(quantile(times, 0.99))} "
         f"(min {ms(min(times))}, max {ms(max(times))})")
    line("everything but the model", f"p50 {ms(quantile(own, 0.5))}, p99 {ms(quantile(own, 0.99))}")
    line("inside the fake model", f"mean {ms(statistics.mean(t.model_seconds for t in turns))}"
         f" over {statistics.mean(t.model_calls for t in turns):g} calls per turn")
    counts = [len(t.statements) for t in turns]
    line("SQL round trips per turn", f"median {statistics.median(counts):g} "
         f"(min {min(counts)}, max {max(counts)})")
    typical = sorted(turns, key=lambda t: len(t.statements))[len(turns) // 2]
    line(f"  a median turn ({len(typical.statements)})", breakdown(typical.statements))
    redis = [len(t.redis) for t in turns]
    line("Redis round trips per turn", f"median {statistics.median(redis):g}: "
         f"{', '.join(typical.redis)}")


async def one_turn(deps: Deps, trips: Trips, commands: RedisCommands, model: InstantModel,
                   user_id: UUID, text: str) -> Turn:
    await deps.pool.execute(INSERT_INBOUND, user_id, text, COACH_NUMBER, f"SM{uuid4().hex}")
    await trips.attach(deps.pool)
    ctx: dict[str, Any] = {"deps": deps, "redis": deps.redis}
    model.seconds, model.calls = 0.0, 0
    commands.names = []
    trips.start()
    started = time.perf_counter()
    outcome = await process_inbox(ctx, str(user_id))
    seconds = time.perf_counter() - started
    statements = [name for name, _ in await trips.stop()]
    return Turn(seconds, model.seconds, model.calls, statements, list(commands.names), outcome)


async def benchmark(args: argparse.Namespace) -> None:
    run = FanoutRun()
    try:
        print("textcoach turn-overhead benchmark", flush=True)
        server_url, redis_url, embedded = await start_services(args, run)
        database_url, _ = await create_database(run, server_url)
        run.pool = pool = await create_pool(database_url, min_size=POOL_SIZE,
                                            max_size=POOL_SIZE)
        run.redis = await connect_redis(redis_url)
        run.queue = f"textcoach:bench:{secrets.token_hex(4)}"
        run.redis.default_queue_name = run.queue
        heading("setup")
        line("services", f"PostgreSQL and Redis {'embedded' if embedded else 'given'}; "
             f"queue {run.queue} (no worker listens)")
        line("model", "openai SDK -> httpx2.MockTransport -> an instant in-process fake")
        machine_line()

        athletes = await seed(pool, args.athletes)
        await pool.execute("INSERT INTO conversations (user_id) SELECT id FROM users")
        on(WEEK_1 + timedelta(days=1))
        model = InstantModel()
        settings = Settings(openai_api_key="sk-bench", openai_base_url="http://llm.bench/v1",
                            database_url=None, redis_url=None, coach_number=COACH_NUMBER,
                            data_dir=Path(run.data_dir or "."))
        provider = OpenAIProvider(settings, http_client=httpx2.AsyncClient(
            transport=httpx2.MockTransport(model)))
        runtime = Runtime(pool, provider, OfflineProvider(), attempts=settings.llm_attempts,
                          retry_wait_s=0)
        deps = Deps(pool, run.redis, settings, LocalChannel(out=io.StringIO()), runtime)
        trips = Trips()
        commands = RedisCommands(run.redis)

        # One warm-up turn per athlete: prepared statements, template caches, the SDK client.
        for athlete in athletes[: min(5, len(athletes))]:
            await one_turn(deps, trips, commands, model, athlete.user_id, "hi coach")
        for title, text in (("plain chat turn", PLAIN), ("turn with one tool call", WEIGH_IN)):
            turns = [await one_turn(deps, trips, commands, model, a.user_id, text)
                     for a in athletes]
            report(f"{title}: \"{text}\"", turns)
        line("schemas the model was asked for", ", ".join(
            f"{name} x{n}" for name, n in sorted(model.schemas.items())))
        await provider.close()
    finally:
        await cleanup(run)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time a chat turn without the model (an instant OpenAI-compatible fake): "
        "p50/p99 and round trips. Prints figures; asserts nothing about time.",
    )
    parser.add_argument("--athletes", type=athletes_arg, default=100, metavar="N",
                        help="athletes to seed with a plan; one turn of each kind each "
                        "(default 100)")
    add_postgres_options(parser, "PostgreSQL and Redis keep")
    parser.add_argument("--redis-url", default=None,
                        help="a real Redis; only a throwaway queue is used (default: embedded)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return run_benchmark("turns", benchmark, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
