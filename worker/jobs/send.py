"""send_message: hand one outbound row to the SMS channel, exactly once, in order.

Exactly once comes from the row, not from the queue: the job moves the row pending -> submitting
(the intent) before calling the provider, and stores the SID after. A re-run that finds a row
already past pending does not send it. A row found still ``submitting`` means a worker died
mid-call: the provider may have sent it, so it becomes ``unknown`` and is never sent again; the
status callback, which carries our message id, can still settle it.

Order comes from ``message_queues``: under the athlete's send lock the job sends every earlier
queued row of that athlete first, so parts of a split reply arrive in order.

Pace comes from the sender's token bucket (:mod:`worker.sms.pacing`), asked just before the
claim: a row that may not go yet is never claimed, so it stays ``pending`` and exactly-once is
untouched. A short wait is slept in place; a longer one (or Twilio's 429) re-enqueues the job
for its turn under a new id and returns, so no lock, connection or worker slot is held while it
waits and no ARQ try is spent (the job's tries are for failures; pacing is not one).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg
from arq import Retry
from redis.exceptions import RedisError

from worker import constants
from worker.clock import now
from worker.db.locks import athlete_lock
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.windows import SCHEDULED_KINDS, allowed_now, window_for
from worker.errors import ChannelError
from worker.inbound_buffer import opt_out_buffered
from worker.jobs.context import Deps, deps
from worker.queue import enqueue_send
from worker.schedule import seconds_until_open, trips_for, zone_at
from worker.sms import pacing
from worker.sms.channel import OPTED_OUT_CODES, UNDELIVERABLE_CODES, rate_limited

log = logging.getLogger(__name__)

SERVER_ERROR_RETRY_S = 60

#: The only kind that may reach someone who opted out: the confirmation of that opt-out.
ALLOWED_WHEN_OPTED_OUT = frozenset({"opt_out_confirmation", "help"})


class Paced(Exception):
    """A row may not go yet: its sender's bucket has no token for it for ``wait`` seconds (or
    Twilio said 429). ``turn``: when to come back; ``bulk``: a scheduled text."""

    def __init__(self, wait: float, turn: float, *, bulk: bool) -> None:
        super().__init__(f"paced for {wait:.2f}s")
        self.wait = wait
        self.turn = turn
        self.bulk = bulk


class _Pace:
    """One send job's pacing, across the rows it sends in order."""

    #: Whether the last attempt to reach Redis for pacing failed: logged once per outage.
    redis_down = False

    def __init__(self, d: Deps, turn: float) -> None:
        self.d = d
        self.bucket = pacing.Bucket.of(d.settings.send_rate)
        #: A scheduled text's turn: given by the bucket when this job was re-enqueued, and kept
        #: once this run took tokens, so a text longer than its batch does not queue again.
        self.turn = turn
        #: The first row this run left waiting; later scheduled rows wait behind it.
        self.first: Paced | None = None
        #: Tokens a scheduled row took for the rows after it (the other parts of its text).
        self.prepaid = 0

    async def take(self, row: asyncpg.Record, left: int) -> tuple[float, float]:
        """(seconds to wait, the time asked at): 0 seconds when the row may go now."""
        at = now().timestamp()
        if self.bucket is None:
            return 0.0, at
        if self.prepaid > 0:
            self.prepaid -= 1
            return 0.0, at
        bulk = pacing.is_bulk(row["kind"])
        tokens = self.bucket.batch(left) if bulk else 1
        try:
            wait = await pacing.take(
                self.d.redis, self.bucket, pacing.sender_for(self.d.settings, row["from_number"]),
                bulk=bulk, at=at, turn=self.turn if bulk else 0.0, tokens=tokens)
        except (OSError, RedisError):
            # Redis gone mid-job (the job itself came from it): send unpaced rather than hold.
            # Holding would turn a Redis outage into no replies at all, and a paced deferral
            # needs Redis to re-enqueue anyway; unpaced risks a 429, which is retried.
            if not _Pace.redis_down:
                log.warning("Redis unreachable for send pacing: sending unpaced until it is back")
            _Pace.redis_down = True
            return 0.0, at
        _Pace.redis_down = False
        if wait == 0 and bulk:
            self.turn = at
            self.prepaid = tokens - 1
        return wait, at

    async def wait(self, row: asyncpg.Record, wait: float, at: float, left: int) -> None:
        """Sleep through a short wait and take the token; raise Paced for a long one."""
        bulk = pacing.is_bulk(row["kind"])
        for _ in range(constants.PACE_SLEEPS):
            if not pacing.sleeps(wait, bulk=bulk):
                break
            await asyncio.sleep(wait)
            if bulk:
                self.turn = at + wait
            wait, at = await self.take(row, left)
            if wait == 0:
                return
        raise Paced(wait, at + wait, bulk=bulk)

    async def back_off(self, row: asyncpg.Record) -> float:
        """Twilio said 429: block the sender's bucket for every worker; the seconds to wait."""
        if self.bucket is None:
            return constants.PACE_BACKOFF_S
        try:
            return await pacing.back_off(
                self.d.redis, self.bucket, pacing.sender_for(self.d.settings, row["from_number"]),
                at=now().timestamp())
        except (OSError, RedisError):
            return constants.PACE_BACKOFF_S


async def send_message(ctx: dict[str, Any], message_id: str, turn: str = "") -> str:
    """``turn``: set when pacing re-enqueued the job, the turn its sender's bucket gave it."""
    d = deps(ctx)
    target = UUID(message_id)
    row = await d.pool.fetchrow(sql("queue_position"), target)
    if row is None:
        return "no such outbound message"
    seq = row["seq"]
    pace = _Pace(d, float(turn or 0))
    async with athlete_lock(
        d.pool, constants.LOCK_NS_SEND, row["user_id"], wait_s=constants.INBOX_LOCK_WAIT_S
    ) as locked:
        if not locked:
            raise Retry(defer=constants.LOCK_BUSY_RETRY_S)
        async with d.pool.acquire() as conn:
            waiting = await conn.fetch(sql("queue_pending_upto"), row["user_id"], seq)
        outcomes = []
        for index, entry in enumerate(waiting):
            try:
                outcomes.append(await _deliver(ctx, d, entry["message_id"], pace,
                                               left=len(waiting) - index))
            except Paced as paced:
                pace.first = pace.first or paced
                outcomes.append(f"paced {paced.wait:.2f}s")
                if not paced.bulk:
                    break  # a reply waits, and what follows it waits with it
        if pace.first is not None:
            # The sweeper is the safety net should the re-enqueued job be lost, not a rival.
            until = now() + timedelta(seconds=pace.first.wait + d.settings.sweep_after_seconds)
            async with d.pool.acquire() as conn:
                await conn.execute(sql("hold_paced"), row["user_id"], seq, until)
    if pace.first is not None:
        # Deferred, so without a reply's queue lead (a score in the past would run it at once).
        await enqueue_send(d.redis, target, defer_s=pace.first.wait, paced_turn=pace.first.turn)
    return ", ".join(outcomes) or "already sent"


async def _deliver(
    ctx: dict[str, Any], d: Deps, message_id: UUID, pace: _Pace, *, left: int
) -> str:
    async with d.pool.acquire() as conn:
        found = await _sendable(conn, d, message_id)
        if isinstance(found, str):
            return found
        row = found
        if pace.first is not None and pacing.is_bulk(row["kind"]):
            # An earlier scheduled text of this athlete waits for its turn (this may be its
            # next part): this one waits behind it, and its job comes back for both.
            return "waiting behind an earlier text"
        wait, at = await pace.take(row, left)
        refused = await _claim(conn, message_id) if wait == 0 else None
    if wait > 0:
        # No connection is held while waiting (the athlete's send lock is, for at most a
        # second or so: only this athlete's next texts wait for it).
        await pace.wait(row, wait, at, left)
        async with d.pool.acquire() as conn:
            refused = await _claim(conn, message_id)
    if refused is not None:
        return refused

    try:
        result = await d.channel.send(
            to=row["to_number"], from_=row["from_number"], body=row["body"], message_id=message_id
        )
    except ChannelError as exc:
        return await _failed(ctx, d, row, exc, pace)

    async with d.pool.acquire() as conn, conn.transaction():
        await conn.execute(sql("record_sent"), message_id, result.sid, result.status)
        await conn.execute(sql("queue_done"), message_id)
    return "sent"


async def _sendable(conn: Conn, d: Deps, message_id: UUID) -> asyncpg.Record | str:
    """The row, if it may go now as far as its status, window and consent go; else what
    became of it."""
    row = await conn.fetchrow(sql("outbound_for_send"), message_id)
    assert row is not None
    if row["status"] == "submitting":
        # A previous attempt died between intent and SID: never risk a second copy.
        await conn.execute(
            sql("record_failed"), message_id, "unknown", None,
            "worker stopped while the provider call was in flight",
        )
        await conn.execute(sql("queue_done"), message_id)
        log.warning("message %s: interrupted send has an unknown outcome; not resent",
                    message_id)
        return "unknown"
    if row["status"] != "pending":
        await conn.execute(sql("queue_done"), message_id)
        return row["status"]  # type: ignore[no-any-return]
    if row["kind"] in SCHEDULED_KINDS:
        moment = now()
        trips = await trips_for(conn, row["user_id"], moment.date() - timedelta(days=2))
        zone = zone_at(row["timezone"], trips, moment)
        if not allowed_now(row["kind"], moment, zone):
            wait = seconds_until_open(row["kind"], moment, zone)
            if wait > 0:
                # Before the window opens: the row waits in PostgreSQL (not in a deferred
                # job that a Redis loss would drop) and the sweeper sends it once it opens.
                opens = moment + timedelta(seconds=wait)
                await conn.execute(sql("hold_outbound"), message_id, opens)
                return f"held until {opens:%Y-%m-%d %H:%M}Z"
            window = window_for(row["kind"])
            hours = window.words() if window else "any time"
            await conn.execute(sql("record_failed"), message_id, "suppressed", None,
                               f"quiet hours: a {row['kind']} goes out {hours} "
                               f"athlete-local")
            await conn.execute(sql("queue_done"), message_id)
            return "suppressed"
    if await _stop_waiting(d, row["to_number"]):
        # A STOP taken while PostgreSQL was down is still in Redis: it goes first. The
        # drain stores it within seconds and the sweeper then finds this row opted out.
        return "held for a buffered STOP"
    reason = _blocked(row)
    if reason is not None:
        await conn.execute(sql("record_failed"), message_id, "suppressed", None, reason)
        await conn.execute(sql("queue_done"), message_id)
        return "suppressed"
    return row


async def _claim(conn: Conn, message_id: UUID) -> str | None:
    """pending -> submitting (the intent); None when this job won it, else what happened."""
    claimed = await conn.fetchval(sql("claim_for_send"), message_id,
                                  sorted(ALLOWED_WHEN_OPTED_OUT))
    if claimed is not None:
        return None
    again = await conn.fetchrow(sql("outbound_for_send"), message_id)
    reason = _blocked(again) if again is not None and again["status"] == "pending" else None
    if reason is None:
        return "taken"
    # Consent went between the check above and the claim: the claim held the line.
    await conn.execute(sql("record_failed"), message_id, "suppressed", None, reason)
    await conn.execute(sql("queue_done"), message_id)
    return "suppressed"


async def _stop_waiting(d: Deps, phone: str) -> bool:
    try:
        return await opt_out_buffered(d.redis, phone)
    except (OSError, RedisError):
        return False  # Redis is down: no text can have been buffered since it went


def _blocked(row: asyncpg.Record) -> str | None:
    """Why this text must not go out now, checked at send time on every path."""
    if row["opted_out_at"] is not None and row["kind"] not in ALLOWED_WHEN_OPTED_OUT:
        return "recipient opted out"
    if row["user_status"] == "undeliverable":
        return "recipient number is undeliverable"
    return None


async def _failed(
    ctx: dict[str, Any], d: Deps, row: asyncpg.Record, exc: ChannelError, pace: _Pace
) -> str:
    message_id: UUID = row["id"]
    async with d.pool.acquire() as conn, conn.transaction():
        if exc.retryable:
            await conn.execute(sql("release_claim"), message_id)
        elif exc.ambiguous:
            await conn.execute(sql("record_failed"), message_id, "unknown", exc.code, str(exc))
            await conn.execute(sql("queue_done"), message_id)
        else:
            await conn.execute(sql("record_failed"), message_id, "failed", exc.code, str(exc))
            await conn.execute(sql("queue_done"), message_id)
            if exc.code in OPTED_OUT_CODES:
                await conn.execute(sql("opt_out_user"), row["user_id"])
            elif exc.code in UNDELIVERABLE_CODES:
                await conn.execute(sql("mark_user_undeliverable"), row["user_id"])
    if exc.retryable and rate_limited(exc):
        # Too many requests: nothing was sent (the claim is released above). Every worker's
        # sends from this sender pause, and this job comes back after it, spending no try.
        pause = await pace.back_off(row)
        log.warning("message %s: %s; the sender pauses %.1fs", message_id, exc, pause)
        raise Paced(pause, now().timestamp() + pause, bulk=pacing.is_bulk(row["kind"]))
    if exc.retryable:
        tries = int(ctx.get("job_try") or 1)
        delay = min(2 ** tries, 300)
        if exc.status is not None and exc.status >= 500:
            # A 5xx may still have created the message. Its status callback (whose URL carries
            # our message id) moves the row past 'pending' if so, and the retry then sends
            # nothing: wait long enough for that callback to arrive.
            delay = max(delay, SERVER_ERROR_RETRY_S)
        log.warning("message %s: %s; retrying in %ss", message_id, exc, delay)
        raise Retry(defer=delay)
    log.warning("message %s not sent: %s (code %s)", message_id, exc, exc.code)
    return "failed"
