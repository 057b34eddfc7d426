"""Send pacing: the sender's token bucket on real Redis, and the send job that obeys it.

No assertion is about wall-clock time: the bucket is given the time (``at``), and the send job
reads it from the product clock, which the tests freeze and move.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import pytest
import pytest_asyncio
from arq.connections import ArqRedis
from arq.jobs import Job
from redis.exceptions import ConnectionError as RedisConnectionError

from worker import constants
from worker.clock import clock
from worker.db.queries import sql
from worker.jobs.context import Deps
from worker.jobs.daily import fan_out_daily
from worker.jobs.send import _Pace, send_message
from worker.outbox import conversation_for, write_outbound
from worker.queue import connect_redis, enqueue_send
from worker.settings import Settings
from worker.sms import pacing
from worker.sms.channel import ChannelError, LocalChannel, SendResult

SENDER = "+15550000100"
T0 = 1_800_000_000.0  # any instant: the bucket only ever sees the times it is given
#: 09:00 in New York on a Tuesday: inside every sending window.
MORNING = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _real_clock() -> Any:
    yield
    clock.reset()


def _with(settings: Settings, **changes: Any) -> Settings:
    """The same settings with ``changes``, validated (and with nothing cached) afresh."""
    return Settings.model_validate({**settings.model_dump(), **changes})


def _sends_per_window(times: list[float], window: float = 1.0) -> int:
    """The most sends inside any window of ``window`` seconds (two pointers over sorted times)."""
    times = sorted(times)
    most, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


# --- The bucket --------------------------------------------------------------------------------


def test_a_bucket_holds_a_second_of_the_rate_and_a_reserve_for_replies() -> None:
    assert pacing.Bucket.of(0) is None and pacing.Bucket.of(-1) is None
    assert pacing.Bucket.of(100) == pacing.Bucket(rate=100, capacity=100, reserve=20)
    assert pacing.Bucket.of(10) == pacing.Bucket(rate=10, capacity=10, reserve=2)
    # One long code: a scheduled text's two parts still fit above the reply's token.
    long_code = pacing.Bucket.of(1)
    assert long_code == pacing.Bucket(rate=1, capacity=3, reserve=1)
    assert pacing.Bucket.of(0.2) == pacing.Bucket(rate=0.2, capacity=3, reserve=1)
    # A scheduled run takes its parts' tokens at once, up to what sits above the reserve.
    assert [long_code.batch(n) for n in (1, 2, 5)] == [1, 2, 2]


async def test_the_rate_is_honoured_over_simulated_time(redis: ArqRedis) -> None:
    bucket = pacing.Bucket.of(5)
    assert bucket is not None
    sent: list[float] = []
    # Far more demand than the rate: 5 replies and 5 scheduled texts ask every 50 ms.
    for step in range(600):  # 30 simulated seconds
        at = T0 + step * 0.05
        for caller in range(10):
            if await pacing.take(redis, bucket, SENDER, bulk=caller % 2 == 0, at=at) == 0:
                sent.append(at)
    # Over the run: the rate, plus the full bucket it started with; never more in a second
    # than a bucket and a second's refill.
    assert 5 * 30 - 1 <= len(sent) <= 5 * 30 + bucket.capacity
    assert _sends_per_window(sent) <= bucket.capacity + bucket.rate
    assert _sends_per_window([t for t in sent if t >= T0 + 2]) <= bucket.rate + 1


async def test_scheduled_texts_leave_the_reserve_so_a_reply_goes_at_once(
    redis: ArqRedis,
) -> None:
    bucket = pacing.Bucket.of(10)
    assert bucket is not None and bucket.reserve == 2
    at = T0
    taken = 0
    while await pacing.take(redis, bucket, SENDER, bulk=True, at=at) == 0:
        taken += 1
    assert taken == 8  # the bucket's 10 tokens less the reserve's 2
    # Scheduled texts taking every token the rate refills, second after second...
    for _ in range(50):
        at += 0.15
        while await pacing.take(redis, bucket, SENDER, bulk=True, at=at, turn=at) == 0:
            pass
    # ...a reply still finds a token, and then a second one, straight away.
    assert await pacing.take(redis, bucket, SENDER, bulk=False, at=at) == 0
    assert await pacing.take(redis, bucket, SENDER, bulk=False, at=at) == 0
    # The reserve spent, a scheduled text waits for it to refill first; a reply for one token.
    assert await pacing.take(redis, bucket, SENDER, bulk=True, at=at) > 0
    reply_wait = await pacing.take(redis, bucket, SENDER, bulk=False, at=at)
    assert 0 < reply_wait <= 1 / bucket.rate + 2e-3


async def test_refused_scheduled_texts_get_turns_a_token_apart_and_take_at_them(
    redis: ArqRedis,
) -> None:
    bucket = pacing.Bucket.of(10)
    assert bucket is not None
    while await pacing.take(redis, bucket, SENDER, bulk=True, at=T0) == 0:
        pass
    waits = [await pacing.take(redis, bucket, SENDER, bulk=True, at=T0) for _ in range(20)]
    turns = [T0 + wait for wait in waits]
    gaps = [later - earlier for earlier, later in itertools.pairwise(turns)]
    assert all(gap == pytest.approx(1 / bucket.rate, abs=1e-3) for gap in gaps)
    # Each comes back at its turn and takes a token: none is refused again, and a scheduled
    # text without a turn, arriving meanwhile, queues behind them rather than jumping ahead.
    late = await pacing.take(redis, bucket, SENDER, bulk=True, at=turns[0])
    assert turns[0] + late >= turns[-1]
    for turn in turns:
        assert await pacing.take(redis, bucket, SENDER, bulk=True, at=turn, turn=turn) == 0


async def test_a_429_blocks_the_sender_then_it_recovers(redis: ArqRedis) -> None:
    bucket = pacing.Bucket.of(10)
    assert bucket is not None
    blocked = await pacing.back_off(redis, bucket, SENDER, at=T0)
    assert blocked == constants.PACE_BACKOFF_S
    # Blocked for replies and scheduled texts alike, and another 429 from a request sent
    # before the block (still arriving) neither lengthens nor doubles it.
    assert await pacing.take(redis, bucket, SENDER, bulk=False, at=T0 + 1) >= 1
    assert await pacing.back_off(redis, bucket, SENDER, at=T0 + 1) == pytest.approx(
        blocked - 1, abs=1e-3)
    assert await pacing.take(redis, bucket, SENDER, bulk=True, at=T0 + blocked - 0.01) > 0
    # Refilling from empty after the block: a reply after one token's time.
    assert await pacing.take(redis, bucket, SENDER, bulk=False, at=T0 + blocked + 0.2) == 0
    # A 429 soon after the block doubles it; one long after starts again from the shortest.
    again = T0 + blocked + 5
    assert await pacing.back_off(redis, bucket, SENDER, at=again) == 2 * blocked
    later = again + 2 * blocked + constants.PACE_BACKOFF_MEMORY_S + 1
    assert await pacing.back_off(redis, bucket, SENDER, at=later) == blocked
    # Every sender has its own bucket.
    assert await pacing.take(redis, bucket, "MG" + "0" * 32, bulk=False, at=later) == 0


async def test_replies_refused_together_come_back_a_token_apart(redis: ArqRedis) -> None:
    """After a block, say: the replies it held come back one token's time apart, not all at
    once to be refused again."""
    bucket = pacing.Bucket.of(10)
    assert bucket is not None
    blocked = await pacing.back_off(redis, bucket, SENDER, at=T0)
    turns = [T0 + await pacing.take(redis, bucket, SENDER, bulk=False, at=T0) for _ in range(5)]
    assert turns[0] == pytest.approx(T0 + blocked + 1 / bucket.rate, abs=2e-3)
    assert [b - a for a, b in itertools.pairwise(turns)] == \
        [pytest.approx(1 / bucket.rate, abs=1e-3)] * 4
    for turn in turns:
        assert await pacing.take(redis, bucket, SENDER, bulk=False, at=turn) == 0


async def test_time_never_runs_backwards_for_a_bucket(redis: ArqRedis) -> None:
    """A worker whose clock lags another's refills nothing it has not waited for."""
    bucket = pacing.Bucket.of(1)
    assert bucket is not None
    while await pacing.take(redis, bucket, SENDER, bulk=False, at=T0) == 0:
        pass
    assert await pacing.take(redis, bucket, SENDER, bulk=False, at=T0 - 30) > 0
    assert await pacing.take(redis, bucket, SENDER, bulk=False, at=T0 + 1) == 0


async def test_a_worker_whose_clock_lags_keeps_its_turn(redis: ArqRedis) -> None:
    bucket = pacing.Bucket.of(100)
    assert bucket is not None
    while await pacing.take(redis, bucket, SENDER, bulk=True, at=T0) == 0:
        pass
    turn = T0 + await pacing.take(redis, bucket, SENDER, bulk=True, at=T0)
    for _ in range(50):  # the line grows behind it
        await pacing.take(redis, bucket, SENDER, bulk=True, at=T0)
    # Another worker's reply, half a second after that turn, refills the bucket.
    assert await pacing.take(redis, bucket, SENDER, bulk=False, at=turn + 0.5) == 0
    # The text comes back then, on a host whose clock is 300 ms behind: it still has its
    # turn, where a scheduled text without one, on the same clock, joins the line.
    lagging = turn + 0.5 - 0.3
    assert await pacing.take(redis, bucket, SENDER, bulk=True, at=lagging) > 0
    assert await pacing.take(redis, bucket, SENDER, bulk=True, at=lagging, turn=turn) == 0


@pytest_asyncio.fixture
async def second_worker(redis_url: str, redis: ArqRedis) -> AsyncIterator[ArqRedis]:
    """Another worker's own connection to the same Redis."""
    other = await connect_redis(redis_url)
    yield other
    await other.aclose()


async def test_workers_share_one_bucket_per_sender(
    redis: ArqRedis, second_worker: ArqRedis
) -> None:
    bucket = pacing.Bucket.of(4)
    assert bucket is not None
    # At one instant, 50 takes racing from two connections: exactly the bucket's tokens go.
    results = await asyncio.gather(*(
        pacing.take(worker, bucket, SENDER, bulk=False, at=T0)
        for worker in [redis, second_worker] * 25))
    assert results.count(0.0) == bucket.capacity
    # Then, over simulated time, the two together still get the rate between them.
    sent = {"first": 0, "second": 0}
    order = random.Random(7)
    for step in range(1, 401):  # 10 seconds
        at = T0 + step * 0.025
        workers = [("first", redis), ("second", second_worker)]
        order.shuffle(workers)  # whichever asks first when a token comes
        for name, worker in workers:
            if await pacing.take(worker, bucket, SENDER, bulk=False, at=at) == 0:
                sent[name] += 1
    assert sum(sent.values()) == pytest.approx(4 * 10, abs=1)
    assert min(sent.values()) > 0


async def test_the_script_is_loaded_again_after_redis_forgets_it(redis: ArqRedis) -> None:
    bucket = pacing.Bucket.of(2)
    assert bucket is not None
    assert await pacing.take(redis, bucket, SENDER, bulk=False, at=T0) == 0
    await redis.script_flush()
    assert await pacing.take(redis, bucket, SENDER, bulk=False, at=T0) == 0
    key = pacing.bucket_key(SENDER)
    assert 0 < await redis.ttl(key) <= constants.PACE_BUCKET_TTL_S


def test_the_sender_is_the_messaging_service_when_twilio_sends_through_one(
    settings: Settings,
) -> None:
    assert pacing.sender_for(settings, SENDER) == SENDER
    service = _with(settings, twilio_account_sid="AC" + "1" * 32, twilio_auth_token="secret",
                    twilio_messaging_service_sid="MG" + "2" * 32)
    assert pacing.sender_for(service, SENDER) == "MG" + "2" * 32


def test_the_rate_is_read_from_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTCOACH_SEND_RATE_PER_SECOND", "2.5")
    assert Settings(twilio_account_sid=None, twilio_auth_token=None).send_rate == 2.5


def test_the_rate_defaults_to_a_long_code_with_twilio_and_unpaced_locally(
    settings: Settings,
) -> None:
    assert settings.send_rate == 0
    twilio = _with(settings, twilio_account_sid="AC" + "1" * 32, twilio_auth_token="secret",
                   twilio_from_number="+15550009999")
    assert twilio.send_rate == 1
    assert _with(settings, send_rate_per_second=25).send_rate == 25
    assert _with(twilio, send_rate_per_second=0).send_rate == 0
    assert _with(twilio, send_rate_per_second=-1).send_rate == 0


# --- The fan-out -------------------------------------------------------------------------------


def test_the_fan_out_spreads_a_minute_or_as_long_as_the_rate_needs() -> None:
    assert pacing.fan_out_offsets(5, 0) == [0, 0, 0, 0, 0]  # unpaced: all at once
    assert pacing.fan_out_offsets(4, 10) == [0, 15, 30, 45]  # within the minute
    # 50,000 athletes, two texts each, at 80% of 100 a second: 1,250 s, evenly, in due order.
    offsets = pacing.fan_out_offsets(50_000, 100)
    assert offsets[1] == pytest.approx(0.025) and offsets[-1] == pytest.approx(1249.975)
    assert pacing.spread_seconds(50_000, 100) == 1250


# --- The send job ------------------------------------------------------------------------------


def _ctx(settings: Settings, pool: asyncpg.Pool, redis: ArqRedis, channel: Any) -> dict[str, Any]:
    return {"deps": Deps(pool, redis, settings, channel), "redis": redis, "job_try": 1}


async def _athlete(pool: asyncpg.Pool) -> UUID:
    user_id: UUID = await pool.fetchval(
        "INSERT INTO users (phone, timezone, opted_in_at) VALUES ($1, 'America/New_York', now())"
        " RETURNING id", f"+1555123{uuid.uuid4().int % 10000:04d}")
    return user_id


async def _write(pool: asyncpg.Pool, user_id: UUID, body: str, kind: str) -> list[UUID]:
    phone = await pool.fetchval("SELECT phone FROM users WHERE id = $1", user_id)
    async with pool.acquire() as conn, conn.transaction():
        return await write_outbound(
            conn, user_id=user_id, conversation_id=await conversation_for(conn, user_id),
            from_number=SENDER, to_number=phone, body=body, kind=kind)


async def _status(pool: asyncpg.Pool, message_id: UUID) -> str:
    status: str = await pool.fetchval("SELECT status FROM messages WHERE id = $1", message_id)
    return status


async def _queued(redis: ArqRedis) -> list[tuple[str, float]]:
    return [(job.decode(), score) for job, score in
            await redis.zrange(constants.QUEUE_NAME, 0, -1, withscores=True)]


async def _empty_the_bucket(redis: ArqRedis, bucket: pacing.Bucket) -> None:
    while await pacing.take(redis, bucket, SENDER, bulk=False, at=clock.now().timestamp()) == 0:
        pass


async def test_a_paced_morning_text_stays_pending_and_goes_later_exactly_once(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    paced = _with(settings, send_rate_per_second=1.0)
    bucket = pacing.Bucket.of(1.0)
    assert bucket is not None
    clock.freeze(MORNING)
    user_id = await _athlete(pool)
    [text] = await _write(pool, user_id, "Morning! Lower body today: 3x8 squats.",
                          "daily_workout")
    await _empty_the_bucket(redis, bucket)
    channel = LocalChannel()

    outcome = await send_message(_ctx(paced, pool, redis, channel), str(text))
    assert outcome.startswith("paced") and channel.sent == []
    assert await _status(pool, text) == "pending"  # never claimed: exactly-once untouched
    # The job came back under its own id (no ARQ try spent), for its turn...
    [(job_id, _)] = await _queued(redis)
    assert job_id.startswith(f"{constants.send_job_id(text)}:paced:")
    info = await Job(job_id, redis, _queue_name=constants.QUEUE_NAME).info()
    assert info is not None
    _, turn = info.args
    assert float(turn) > MORNING.timestamp()
    # ...and the sweeper leaves the row to it until well after that turn.
    held = await pool.fetchval("SELECT not_before FROM message_queues WHERE message_id = $1",
                               text)
    assert held >= MORNING + timedelta(seconds=paced.sweep_after_seconds)
    assert await pool.fetch(sql("stale_pending_outbound"), MORNING + timedelta(hours=1), 10,
                            MORNING) == []

    # At its turn it goes, once; the same job run again, or the original, sends nothing more.
    clock.freeze(datetime.fromtimestamp(float(turn), UTC))
    assert await send_message(_ctx(paced, pool, redis, channel), str(text), turn) == "sent"
    assert await send_message(_ctx(paced, pool, redis, channel), str(text), turn) == \
        "already sent"
    assert await send_message(_ctx(paced, pool, redis, channel), str(text)) == "already sent"
    assert len(channel.sent) == 1 and await _status(pool, text) == "delivered"


async def test_a_reply_goes_while_a_scheduled_text_waits_and_parts_keep_their_order(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    paced = _with(settings, send_rate_per_second=1.0)
    bucket = pacing.Bucket.of(1.0)
    assert bucket is not None
    clock.freeze(MORNING)
    user_id = await _athlete(pool)
    long_morning = " ".join(f"Block {n}: 3x10 goblet squats, slow on the way down." for n in
                            range(1, 6))
    morning = await _write(pool, user_id, long_morning, "daily_workout")
    assert len(morning) >= 2
    [reply] = await _write(pool, user_id, "Yes: swap the squats for lunges today.", "chat")
    # One token left: below what a scheduled text needs (the reserve), enough for a reply.
    await _empty_the_bucket(redis, bucket)
    clock.advance(timedelta(seconds=1))
    channel = LocalChannel()

    outcome = await send_message(_ctx(paced, pool, redis, channel), str(reply))
    assert [text.message_id for text in channel.sent] == [reply]
    assert outcome.split(", ")[0].startswith("paced")
    assert [await _status(pool, part) for part in morning] == ["pending"] * len(morning)

    # The morning text's parts come back together, in order, at the job's turns.
    for _ in range(10):
        if all([await _status(pool, part) != "pending" for part in morning]):
            break
        [(job_id, _)] = await _queued(redis)
        info = await Job(job_id, redis, _queue_name=constants.QUEUE_NAME).info()
        assert info is not None
        await redis.delete(constants.QUEUE_NAME)
        clock.freeze(datetime.fromtimestamp(float(info.args[1]), UTC))
        await send_message(_ctx(paced, pool, redis, channel), *info.args)
    assert [text.message_id for text in channel.sent] == [reply, *morning]


class Throttled(LocalChannel):
    """Twilio answering 429 / 20429 to the first ``refusals`` sends."""

    def __init__(self, refusals: int) -> None:
        super().__init__()
        self.refusals = refusals

    async def send(self, *, to: str, from_: str, body: str, message_id: UUID) -> SendResult:
        if self.refusals > 0:
            self.refusals -= 1
            raise ChannelError("Too Many Requests", code=20429, status=429, retryable=True)
        return await super().send(to=to, from_=from_, body=body, message_id=message_id)


async def test_a_429_pauses_the_sender_for_every_job_and_the_text_goes_after(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    paced = _with(settings, send_rate_per_second=10.0)
    bucket = pacing.Bucket.of(10.0)
    assert bucket is not None
    clock.freeze(MORNING)
    first, second = await _athlete(pool), await _athlete(pool)
    [refused] = await _write(pool, first, "On it: 20 minutes easy today.", "chat")
    [other] = await _write(pool, second, "Nice work on the deadlifts!", "chat")
    channel = Throttled(refusals=1)

    assert (await send_message(_ctx(paced, pool, redis, channel), str(refused))).startswith(
        "paced")
    assert await _status(pool, refused) == "pending"
    # Another athlete's reply, from the same number, waits out the block too.
    assert (await send_message(_ctx(paced, pool, redis, channel), str(other))).startswith(
        "paced")
    assert channel.sent == []
    clock.advance(timedelta(seconds=constants.PACE_BACKOFF_S + 1))
    for message_id in (refused, other):
        assert await send_message(_ctx(paced, pool, redis, channel), str(message_id)) == "sent"
    assert sorted(text.message_id for text in channel.sent) == sorted([refused, other])


class Gone:
    """A Redis that went away: every command fails as redis-py fails on a dropped connection."""

    def __getattr__(self, name: str) -> Any:
        async def fail(*args: Any, **kwargs: Any) -> Any:
            raise RedisConnectionError("Connection refused")
        return fail


async def test_with_redis_gone_a_text_goes_unpaced(
    settings: Settings, pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(_Pace, "redis_down", False)
    paced = _with(settings, send_rate_per_second=1.0)
    user_id = await _athlete(pool)
    texts = [(await _write(pool, user_id, f"Reply {n}", "chat"))[0] for n in range(3)]
    gone: Any = Gone()
    for text in texts:  # three at once: more than a rate of 1 a second would let through
        assert await send_message(_ctx(paced, pool, gone, LocalChannel()), str(text)) == "sent"
    assert sum("sending unpaced" in r.getMessage() for r in caplog.records) == 1


async def test_reply_sends_are_queued_ahead_of_ready_scheduled_jobs(redis: ArqRedis) -> None:
    morning, reply = uuid.uuid4(), uuid.uuid4()
    await enqueue_send(redis, morning)
    await enqueue_send(redis, reply, first=True)
    queued = await _queued(redis)
    assert [job for job, _ in queued] == [constants.send_job_id(reply),
                                          constants.send_job_id(morning)]
    assert queued[1][1] - queued[0][1] > (constants.REPLY_QUEUE_LEAD_S - 5) * 1000


async def test_a_paced_fan_out_defers_each_athletes_job_by_its_place(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    paced = _with(settings, send_rate_per_second=1.0)
    clock.freeze(MORNING)
    for _ in range(3):
        await pool.execute(
            "INSERT INTO users (phone, timezone, opted_in_at, status, next_daily_at)"
            " VALUES ($1, 'America/New_York', now(), 'active', $2)",
            f"+1555987{uuid.uuid4().int % 10000:04d}", MORNING - timedelta(seconds=30))
    summary = await fan_out_daily(_ctx(paced, pool, redis, LocalChannel()))
    # Three athletes fit a minute at 1 text a second: 20 s apart.
    assert summary == "3 daily, 0 weekly due, spread over 40s"
    scores = sorted(score for _, score in await _queued(redis))
    gaps = [later - earlier for earlier, later in itertools.pairwise(scores)]
    assert gaps == [pytest.approx(20_000, abs=100)] * 2
    # Unpaced, they are all ready at once (as before pacing).
    await redis.flushdb()
    await pool.execute("UPDATE users SET next_daily_at = $1", MORNING - timedelta(seconds=5))
    assert await fan_out_daily(_ctx(settings, pool, redis, LocalChannel())) == \
        "3 daily, 0 weekly due"
