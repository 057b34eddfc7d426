"""send_message: exactly once, in order, and the provider's errors handled by code."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from arq.connections import ArqRedis

from tests.conftest import RunWorker, SendText
from worker import constants
from worker.db.queries import sql
from worker.jobs.context import Deps
from worker.jobs.send import send_message
from worker.outbox import conversation_for, write_outbound
from worker.queue import enqueue_send
from worker.settings import Settings
from worker.sms.channel import ChannelError, LocalChannel, SendResult

PHONE = "+15551230002"
LONG_REPLY = " ".join(
    f"Set {n}: eight slow goblet squats, pause two seconds at the bottom, then rest ninety seconds."
    for n in range(1, 6)
)


async def _athlete(pool: asyncpg.Pool) -> UUID:
    user_id: UUID = await pool.fetchval(
        "INSERT INTO users (phone, opted_in_at) VALUES ($1, now()) RETURNING id", PHONE
    )
    return user_id


async def _queue_reply(pool: asyncpg.Pool, user_id: UUID, body: str) -> list[UUID]:
    async with pool.acquire() as conn, conn.transaction():
        return await write_outbound(
            conn,
            user_id=user_id,
            conversation_id=await conversation_for(conn, user_id),
            from_number="+15550000100",
            to_number=PHONE,
            body=body,
            kind="chat",
        )


def _ctx(settings: Settings, pool: asyncpg.Pool, redis: ArqRedis, channel: Any) -> dict[str, Any]:
    return {"deps": Deps(pool, redis, settings, channel), "redis": redis, "job_try": 1}


class DiesAfterProviderAccepts(LocalChannel):
    """The provider takes the message, then the worker is killed before the SID is stored."""

    async def send(self, *, to: str, from_: str, body: str, message_id: UUID) -> SendResult:
        await super().send(to=to, from_=from_, body=body, message_id=message_id)
        raise asyncio.CancelledError




async def test_a_send_killed_after_the_provider_accepted_is_not_sent_again(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    user_id = await _athlete(pool)
    [message_id] = await _queue_reply(pool, user_id, "Today: 3x10 push-ups.")
    dying = DiesAfterProviderAccepts()
    with pytest.raises(asyncio.CancelledError):
        await send_message(_ctx(settings, pool, redis, dying), str(message_id))
    assert len(dying.sent) == 1

    # ARQ re-runs the job (or the sweeper re-enqueues it): it must not send a second copy.
    healthy = LocalChannel()
    await send_message(_ctx(settings, pool, redis, healthy), str(message_id))
    await send_message(_ctx(settings, pool, redis, healthy), str(message_id))
    assert healthy.sent == []
    row = await pool.fetchrow("SELECT status, error_message FROM messages WHERE id = $1",
                              message_id)
    assert row is not None and row["status"] == "unknown"


async def test_a_send_rerun_after_completion_sends_nothing(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    user_id = await _athlete(pool)
    [message_id] = await _queue_reply(pool, user_id, "Rest day: a 20 minute walk.")
    channel = LocalChannel()
    for _ in range(3):
        await send_message(_ctx(settings, pool, redis, channel), str(message_id))
    assert len(channel.sent) == 1
    row = await pool.fetchrow("SELECT status, provider_sid FROM messages WHERE id = $1",
                              message_id)
    assert row is not None
    assert row["status"] == "delivered" and row["provider_sid"] == channel.sent[0].sid


async def test_concurrent_send_jobs_for_one_message_send_it_once(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    user_id = await _athlete(pool)
    [message_id] = await _queue_reply(pool, user_id, "Go time: 5 rounds.")
    channel = LocalChannel()
    await asyncio.gather(
        *(send_message(_ctx(settings, pool, redis, channel), str(message_id)) for _ in range(5))
    )
    assert len(channel.sent) == 1


async def test_split_reply_is_numbered_and_sent_in_order_whatever_the_job_order(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    user_id = await _athlete(pool)
    ids = await _queue_reply(pool, user_id, LONG_REPLY)
    assert len(ids) >= 3
    channel = LocalChannel()
    # The last part's job runs first: it sends every earlier part before its own.
    await send_message(_ctx(settings, pool, redis, channel), str(ids[-1]))
    for message_id in ids:
        await send_message(_ctx(settings, pool, redis, channel), str(message_id))
    assert [t.message_id for t in channel.sent] == ids
    count = len(ids)
    assert [t.body.split(" ", 1)[0] for t in channel.sent] == [
        f"{n}/{count}" for n in range(1, count + 1)
    ]
    assert all(len(t.body) <= 153 for t in channel.sent)
    rejoined = " ".join(t.body.split(" ", 1)[1] for t in channel.sent)
    assert rejoined.split() == LONG_REPLY.split()


async def test_emoji_reply_is_split_as_ucs2(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    user_id = await _athlete(pool)
    body = "Great work today 💪🔥 " * 8
    ids = await _queue_reply(pool, user_id, body)
    rows = await pool.fetch(
        "SELECT body, encoding, part_index, part_count FROM messages WHERE id = ANY($1)"
        " ORDER BY part_index",
        ids,
    )
    assert {r["encoding"] for r in rows} == {"UCS-2"}
    assert all(len(r["body"].encode("utf-16-le")) // 2 <= 67 for r in rows)
    assert [r["part_index"] for r in rows] == list(range(1, len(rows) + 1))
    assert " ".join(r["body"].split(" ", 1)[1] for r in rows).split() == body.split()


class Refusing(LocalChannel):
    def __init__(self, error: ChannelError) -> None:
        super().__init__()
        self.error = error
        self.calls = 0

    async def send(self, *, to: str, from_: str, body: str, message_id: UUID) -> SendResult:
        self.calls += 1
        raise self.error


async def test_21610_marks_the_athlete_opted_out_and_is_never_retried(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    user_id = await _athlete(pool)
    [message_id] = await _queue_reply(pool, user_id, "Morning! Today's workout...")
    channel = Refusing(ChannelError("Attempt to send to unsubscribed recipient", code=21610,
                                    status=400))
    await send_message(_ctx(settings, pool, redis, channel), str(message_id))
    await send_message(_ctx(settings, pool, redis, channel), str(message_id))
    assert channel.calls == 1
    assert await pool.fetchval("SELECT opted_out_at IS NOT NULL FROM users")
    row = await pool.fetchrow("SELECT status, error_code FROM messages WHERE id = $1", message_id)
    assert row is not None and (row["status"], row["error_code"]) == ("failed", 21610)


async def test_a_stop_between_the_check_and_the_claim_still_stops_the_text(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis, channel: LocalChannel
) -> None:
    """Consent is part of the claim: a STOP that lands after the send job looked at the
    athlete, but before it claimed the row, sends nothing (and the STOP's own confirmation
    still goes out)."""
    user_id = await _athlete(pool)
    [message_id] = await _queue_reply(pool, user_id, "Morning! Today's workout...")

    await pool.execute("UPDATE users SET opted_out_at = now() WHERE id = $1", user_id)
    assert await pool.fetchval(sql("claim_for_send"), message_id, ["help"]) is None
    assert await pool.fetchval(
        "SELECT status FROM messages WHERE id = $1", message_id) == "pending"
    await send_message(_ctx(settings, pool, redis, channel), str(message_id))
    assert channel.sent == []
    assert await pool.fetchval(
        "SELECT status FROM messages WHERE id = $1", message_id) == "suppressed"


async def test_rate_limit_releases_the_claim_and_comes_back_without_spending_a_try(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    user_id = await _athlete(pool)
    [message_id] = await _queue_reply(pool, user_id, "Quick one: 50 air squats.")
    limited = Refusing(ChannelError("Too many requests", code=20429, status=429, retryable=True))
    # Not an ARQ Retry (which spends one of the job's tries): the job returns, and a job under
    # a new id comes back for the text after the back-off.
    outcome = await send_message(_ctx(settings, pool, redis, limited), str(message_id))
    assert outcome.startswith("paced")
    assert await pool.fetchval("SELECT status FROM messages WHERE id = $1", message_id) == (
        "pending"
    )
    queued = [job.decode() for job in await redis.zrange(constants.QUEUE_NAME, 0, -1)]
    assert [job.split(":paced:")[0] for job in queued] == [constants.send_job_id(message_id)]
    ok = LocalChannel()
    await send_message(_ctx(settings, pool, redis, ok), str(message_id))
    assert len(ok.sent) == 1


async def test_sweeper_recovers_jobs_lost_with_redis(
    send_text: SendText,
    run_worker: RunWorker,
    pool: asyncpg.Pool,
    redis: ArqRedis,
    channel: LocalChannel,
) -> None:
    await send_text(PHONE, "hello?")
    await redis.flushdb()  # Redis lost every job
    await pool.execute("UPDATE messages SET created_at = now() - interval '10 minutes'")
    await run_worker()  # the sweep cron runs at startup and re-enqueues the inbound text
    await run_worker()  # the turn's send jobs
    assert len(channel.sent) >= 1
    assert await pool.fetchval(
        "SELECT count(*) FROM messages WHERE direction = 'inbound' AND processed_at IS NULL"
    ) == 0

    # An outbound row whose send job was lost is found and sent too.
    user_id = await pool.fetchval("SELECT id FROM users")
    [lost] = await _queue_reply(pool, user_id, "Did you get this?")
    await pool.execute("UPDATE messages SET created_at = now() - interval '10 minutes'"
                       " WHERE id = $1", lost)
    before = len(channel.sent)
    await run_worker()
    assert [t.message_id for t in channel.sent[before:]] == [lost]


async def test_enqueue_is_idempotent_per_message(redis: ArqRedis) -> None:
    message_id = uuid.uuid4()
    assert await enqueue_send(redis, message_id) is True
    assert await enqueue_send(redis, message_id) is False


async def test_a_turn_killed_mid_run_is_picked_up_by_the_next_sweep(
    send_text: SendText,
    run_worker: RunWorker,
    pool: asyncpg.Pool,
    redis: ArqRedis,
    channel: LocalChannel,
) -> None:
    """A worker SIGKILLed mid-turn leaves its job id taken in ARQ (job key kept, in-progress
    key alive for the longest timeout + 10 s): the sweep re-enqueues under a fresh id instead
    of waiting that out."""
    await send_text(PHONE, "hello?")
    message_id = await pool.fetchval("SELECT id FROM messages WHERE direction = 'inbound'")
    job_id = constants.inbox_job_id(message_id)
    assert await redis.exists(f"arq:job:{job_id}")
    await redis.zrem(constants.QUEUE_NAME, job_id)  # dequeued by the worker that died
    await redis.set(f"arq:in-progress:{job_id}", b"1", ex=250)
    await pool.execute("UPDATE messages SET created_at = now() - interval '10 minutes'")
    await run_worker()  # the sweep at startup re-enqueues under this interval's id; it runs
    await run_worker()  # the turn's send jobs
    assert len(channel.sent) >= 1
    assert await pool.fetchval(
        "SELECT processed_at IS NOT NULL FROM messages WHERE id = $1", message_id)


async def test_nothing_is_sent_while_a_stop_waits_in_redis(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis, channel: LocalChannel
) -> None:
    """A STOP kept in Redis during a PostgreSQL outage goes before any text to that phone."""
    user_id = await _athlete(pool)
    [message_id] = await _queue_reply(pool, user_id, "Morning! Today's workout...")
    await redis.sadd(constants.BUFFERED_OPT_OUTS, PHONE)
    result = await send_message(_ctx(settings, pool, redis, channel), str(message_id))
    assert result == "held for a buffered STOP" and channel.sent == []
    assert await pool.fetchval(
        "SELECT status FROM messages WHERE id = $1", message_id) == "pending"
    await redis.srem(constants.BUFFERED_OPT_OUTS, PHONE)
    await send_message(_ctx(settings, pool, redis, channel), str(message_id))
    assert len(channel.sent) == 1
