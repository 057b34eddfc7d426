"""process_inbox: one athlete at a time and in order, many athletes in parallel, never twice."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from arq.connections import ArqRedis

from tests.conftest import RunWorker, SendText
from worker.jobs.context import Deps
from worker.jobs.inbox import process_inbox
from worker.settings import Settings
from worker.sms.channel import LocalChannel


async def test_three_workers_answer_each_athlete_once(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    phones = [f"+1555123{n:04d}" for n in range(6)]
    await asyncio.gather(
        *(send_text(phone, body) for phone in phones for body in ("hi", "it's me", "hello?"))
    )
    await asyncio.gather(run_worker(), run_worker(), run_worker())
    turns = await pool.fetch(
        "SELECT user_id, count(DISTINCT turn_id) AS turns, count(*) AS texts FROM messages"
        " WHERE direction = 'inbound' GROUP BY user_id"
    )
    assert len(turns) == len(phones)
    assert all(row["texts"] == 3 and row["turns"] == 1 for row in turns)
    welcomes = await pool.fetchval(
        "SELECT count(DISTINCT turn_id) FROM messages WHERE direction = 'outbound'"
    )
    assert welcomes == len(phones)
    parts = await pool.fetchval("SELECT count(*) FROM messages WHERE direction = 'outbound'")
    assert len(channel.sent) == parts
    assert sorted({t.to for t in channel.sent}) == sorted(phones)


async def test_the_same_inbox_job_run_concurrently_answers_once(
    send_text: SendText,
    settings: Settings,
    pool: asyncpg.Pool,
    redis: ArqRedis,
) -> None:
    await send_text("+15551239999", "hi")
    user_id = await pool.fetchval("SELECT id FROM users")
    ctx: dict[str, Any] = {
        "deps": Deps(pool, redis, settings, LocalChannel()), "redis": redis, "job_try": 1
    }
    results = await asyncio.gather(*(process_inbox(ctx, str(user_id)) for _ in range(4)))
    assert sorted(results) == ["0 outbound"] * 3 + ["2 outbound"]
    assert await pool.fetchval(
        "SELECT count(DISTINCT turn_id) FROM messages WHERE direction = 'outbound'"
    ) == 1


async def test_texts_after_a_turn_get_their_own_turn_in_order(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    phone = "+15551238888"
    for body in ("hi", "I'm Sam", "I want to get stronger"):
        await send_text(phone, body)
        await run_worker()
    inbound = await pool.fetch(
        "SELECT body, turn_id, processed_at FROM messages WHERE direction = 'inbound'"
        " ORDER BY created_at"
    )
    assert len({row["turn_id"] for row in inbound}) == 3
    assert [row["processed_at"] for row in inbound] == sorted(r["processed_at"] for r in inbound)
    replies = [t.body for t in channel.sent]
    assert "Welcome" in replies[0]
    assert replies[-2].startswith("Nice to meet you, Sam!")
    assert len(replies) == 4  # welcome + first question, then one answer per turn
