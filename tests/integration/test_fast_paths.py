"""The webhook's one-statement store and the one-round-trip enqueue, on real PostgreSQL and Redis.

These replaced a transaction of five statements and ARQ's WATCH/EXISTS/MULTI enqueue; what they
must keep is what the old path guaranteed: one athlete per number, one conversation reused, one
row per SID, one job per job id, and jobs that ARQ's own worker reads back unchanged.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
from arq.connections import ArqRedis
from arq.constants import job_key_prefix
from arq.jobs import Job, JobStatus

from worker import constants
from worker.db.queries import sql
from worker.inbound import ChatBatcher, InboundText, accept_inbound
from worker.queue import JobSpec, daily_job, enqueue_inbox, enqueue_many, weekly_job
from worker.settings import Settings
from worker.sms.keywords import may_be_keyword
from worker.timezones import guess_timezone

PHONE = "+15551239876"


def _text(body: str, sid: str | None = None, phone: str = PHONE) -> InboundText:
    return InboundText(sid or f"SM{uuid.uuid4().hex}", phone, "+15550000000", body)


async def test_a_plain_text_creates_the_athlete_and_conversation_once(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings
) -> None:
    first = await accept_inbound(pool, redis, settings, _text("hey, 34M, want to get strong"))
    second = await accept_inbound(pool, redis, settings, _text("also bad knee lol"))
    assert first.created_user and not second.created_user
    assert first.user_id == second.user_id
    assert await pool.fetchval("SELECT count(*) FROM users") == 1
    assert await pool.fetchval("SELECT count(*) FROM conversations") == 1
    rows = await pool.fetch(
        "SELECT body, kind, direction, status, conversation_id FROM messages ORDER BY seq"
    )
    assert [r["body"] for r in rows] == ["hey, 34M, want to get strong", "also bad knee lol"]
    assert {(r["kind"], r["direction"], r["status"]) for r in rows} == {
        ("chat", "inbound", "received")
    }
    assert len({r["conversation_id"] for r in rows}) == 1
    user = await pool.fetchrow("SELECT timezone, units, opted_in_at FROM users")
    assert user is not None
    assert user["timezone"] == (guess_timezone(PHONE).timezone or settings.default_timezone)
    assert user["units"] == "imperial" and user["opted_in_at"] is not None


async def test_a_redelivered_sid_stores_and_enqueues_nothing(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings
) -> None:
    text = _text("did squats 3x5 @ 135")
    first = await accept_inbound(pool, redis, settings, text)
    queued = await redis.zcard(constants.QUEUE_NAME)
    again = await accept_inbound(pool, redis, settings, text)
    assert not first.duplicate and again.duplicate and again.message_id is None
    assert again.user_id == first.user_id
    assert await pool.fetchval("SELECT count(*) FROM messages") == 1
    assert await redis.zcard(constants.QUEUE_NAME) == queued == 1


async def test_the_statement_reuses_the_latest_conversation(pool: asyncpg.Pool) -> None:
    user_id = await pool.fetchval(
        "INSERT INTO users (phone, timezone) VALUES ($1, 'UTC') RETURNING id", PHONE
    )
    old = await pool.fetchval(
        "INSERT INTO conversations (user_id, last_message_at) VALUES ($1, now() - interval "
        "'2 days') RETURNING id", user_id,
    )
    latest = await pool.fetchval(
        "INSERT INTO conversations (user_id) VALUES ($1) RETURNING id", user_id
    )
    row = await pool.fetchrow(
        sql("accept_chat_texts"), [PHONE], ["UTC"], ["metric"], ["hi"], ["+15550000000"],
        ["SMx1"], [1], ["GSM-7"], [None]
    )
    assert row is not None and row["user_id"] == user_id and not row["created"]
    stored = await pool.fetchval("SELECT conversation_id FROM messages WHERE id = $1",
                                 row["message_id"])
    assert stored == latest != old
    assert await pool.fetchval("SELECT count(*) FROM conversations") == 2


async def test_texts_that_may_be_keywords_take_the_consent_path(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings
) -> None:
    # "yes" is a keyword only for someone opted out: it must be read against their state.
    assert may_be_keyword("yes") and may_be_keyword("STOP") and not may_be_keyword("yes 3 days")
    await accept_inbound(pool, redis, settings, _text("STOP"))
    back = await accept_inbound(pool, redis, settings, _text("yes"))
    assert back.keyword is not None and back.keyword.name == "OPT_IN"
    plain = await accept_inbound(pool, redis, settings, _text("yes"))
    assert plain.keyword is None and plain.message_id is not None
    kinds = [r["kind"] for r in await pool.fetch(
        "SELECT kind FROM messages WHERE direction = 'inbound' ORDER BY seq")]
    assert kinds == ["keyword", "keyword", "chat"]


async def test_an_enqueued_job_is_what_arq_would_have_stored(redis: ArqRedis) -> None:
    message_id = uuid.uuid4()
    user_id = uuid.uuid4()
    assert await enqueue_inbox(redis, user_id=user_id, message_id=message_id, defer_s=2)
    assert not await enqueue_inbox(redis, user_id=user_id, message_id=message_id)
    job = Job(constants.inbox_job_id(message_id), redis, _queue_name=constants.QUEUE_NAME)
    info = await job.info()
    assert info is not None
    assert (info.function, info.args, info.kwargs, info.job_try) == (
        constants.PROCESS_INBOX, (str(user_id),), {}, None
    )
    assert await job.status() == JobStatus.deferred
    score = await redis.zscore(constants.QUEUE_NAME, job.job_id)
    assert score is not None
    assert 1500 <= score - info.enqueue_time.timestamp() * 1000 <= 2500
    ttl = await redis.pttl(job_key_prefix + job.job_id)
    assert ttl > 86_000_000  # ARQ's expiry: a day plus the deferral


async def test_a_job_with_a_result_is_not_enqueued_again(redis: ArqRedis) -> None:
    spec = JobSpec(constants.SEND_MESSAGE, ("m1",), "send:m1")
    await redis.set("arq:result:send:m1", b"x")
    assert await enqueue_many(redis, [spec]) == 0
    assert await redis.zcard(constants.QUEUE_NAME) == 0


async def test_enqueue_many_batches_and_skips_the_ones_already_queued(redis: ArqRedis) -> None:
    due = datetime(2026, 12, 4, 13, 0, tzinfo=UTC)
    users = [uuid.uuid4() for _ in range(constants.ENQUEUE_BATCH + 250)]
    jobs = [daily_job(u, due) for u in users] + [weekly_job(users[0], due)]
    assert await enqueue_many(redis, jobs) == len(jobs)
    assert await enqueue_many(redis, [*jobs[:10], daily_job(uuid.uuid4(), due)]) == 1
    assert await redis.zcard(constants.QUEUE_NAME) == len(jobs) + 1
    assert await enqueue_many(redis, []) == 0


async def test_a_flushed_script_cache_is_reloaded(redis: ArqRedis) -> None:
    await redis.script_flush()
    assert await enqueue_inbox(redis, user_id=uuid.uuid4(), message_id=uuid.uuid4())
    await redis.script_flush()
    assert await enqueue_many(redis, [JobSpec(constants.SEND_MESSAGE, ("a",), "send:a")]) == 1


async def test_a_burst_of_first_texts_from_a_new_number_stores_every_one(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings
) -> None:
    """Concurrent first texts race to create the athlete: the upsert serialises them."""
    texts = [_text(f"part {i} of my intro", phone="+15557654321") for i in range(8)]
    accepted = await asyncio.gather(*(accept_inbound(pool, redis, settings, t) for t in texts))
    assert len({a.user_id for a in accepted}) == 1
    assert sum(a.created_user for a in accepted) == 1
    assert await pool.fetchval("SELECT count(*) FROM users") == 1
    assert await pool.fetchval("SELECT count(*) FROM messages") == 8


async def test_the_batcher_stores_a_burst_in_order_with_one_answer_each(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings
) -> None:
    """Many athletes at once, several texts each, a redelivered SID inside the burst and one
    already stored: every text once, in order per athlete, and every caller its own answer."""
    batcher = ChatBatcher(pool, redis, settings)
    earlier = _text("sent before the burst", phone="+15550001000")
    await accept_inbound(pool, redis, settings, earlier)
    texts = [_text(f"athlete {a} text {n}", phone=f"+1555000{1000 + a}")
             for n in range(3) for a in range(20)]
    burst = [*texts, texts[5], earlier]
    accepted = await asyncio.gather(
        *(accept_inbound(pool, redis, settings, t, batcher) for t in burst))
    assert [a.duplicate for a in accepted] == [False] * len(texts) + [True, True]
    assert len({a.message_id for a in accepted[:len(texts)]}) == len(texts)
    for a in range(20):
        bodies = [r["body"] for r in await pool.fetch(
            "SELECT m.body FROM messages m JOIN users u ON u.id = m.user_id WHERE u.phone = $1"
            " ORDER BY m.seq", f"+1555000{1000 + a}")]
        expected = [f"athlete {a} text {n}" for n in range(3)]
        assert bodies == (["sent before the burst", *expected] if a == 0 else expected)
    assert await pool.fetchval("SELECT count(*) FROM users") == 20
    assert await pool.fetchval("SELECT count(*) FROM conversations") == 20
    assert await redis.zcard(constants.QUEUE_NAME) == len(texts) + 1


async def test_a_failed_batch_fails_each_caller_and_the_next_batch_runs(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings
) -> None:
    batcher = ChatBatcher(pool, redis, settings)
    too_long = _text("x", phone="+1" + "5" * 30)  # refused by the users.phone CHECK
    results = await asyncio.gather(
        accept_inbound(pool, redis, settings, too_long, batcher),
        accept_inbound(pool, redis, settings, _text("fine"), batcher),
        return_exceptions=True)
    assert all(isinstance(r, asyncpg.CheckViolationError) for r in results)
    later = await accept_inbound(pool, redis, settings, _text("after the failure"), batcher)
    assert not later.duplicate and later.message_id is not None
