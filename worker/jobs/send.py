"""send_message: hand one outbound row to the SMS channel, exactly once, in order.

Exactly once comes from the row, not from the queue: the job moves the row pending -> submitting
(the intent) before calling the provider, and stores the SID after. A re-run that finds a row
already past pending does not send it. A row found still ``submitting`` means a worker died
mid-call: the provider may have sent it, so it becomes ``unknown`` and is never sent again; the
status callback, which carries our message id, can still settle it.

Order comes from ``message_queues``: under the athlete's send lock the job sends every earlier
queued row of that athlete first, so parts of a split reply arrive in order.
"""

from __future__ import annotations

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
from worker.db.queries import sql
from worker.domain.windows import SCHEDULED_KINDS, allowed_now, window_for
from worker.errors import ChannelError
from worker.inbound_buffer import opt_out_buffered
from worker.jobs.context import Deps, deps
from worker.schedule import seconds_until_open, trips_for, zone_at
from worker.sms.channel import OPTED_OUT_CODES, UNDELIVERABLE_CODES

log = logging.getLogger(__name__)

SERVER_ERROR_RETRY_S = 60

#: The only kind that may reach someone who opted out: the confirmation of that opt-out.
ALLOWED_WHEN_OPTED_OUT = frozenset({"opt_out_confirmation", "help"})


async def send_message(ctx: dict[str, Any], message_id: str) -> str:
    d = deps(ctx)
    target = UUID(message_id)
    async with d.pool.acquire() as conn:
        row = await conn.fetchrow(sql("outbound_for_send"), target)
        seq = await conn.fetchval(sql("queue_position"), target)
    if row is None or seq is None:
        return "no such outbound message"
    async with athlete_lock(
        d.pool, constants.LOCK_NS_SEND, row["user_id"], wait_s=constants.INBOX_LOCK_WAIT_S
    ) as locked:
        if not locked:
            raise Retry(defer=constants.LOCK_BUSY_RETRY_S)
        async with d.pool.acquire() as conn:
            waiting = await conn.fetch(sql("queue_pending_upto"), row["user_id"], seq)
        outcomes = []
        for entry in waiting:
            outcomes.append(await _deliver(ctx, d, entry["message_id"]))
    return ", ".join(outcomes) or "already sent"


async def _deliver(ctx: dict[str, Any], d: Deps, message_id: UUID) -> str:
    async with d.pool.acquire() as conn:
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
        claimed = await conn.fetchval(sql("claim_for_send"), message_id,
                                      sorted(ALLOWED_WHEN_OPTED_OUT))
        if claimed is None:
            again = await conn.fetchrow(sql("outbound_for_send"), message_id)
            reason = _blocked(again) if again is not None and again["status"] == "pending" \
                else None
            if reason is None:
                return "taken"
            # Consent went between the check above and the claim: the claim held the line.
            await conn.execute(sql("record_failed"), message_id, "suppressed", None, reason)
            await conn.execute(sql("queue_done"), message_id)
            return "suppressed"

    try:
        result = await d.channel.send(
            to=row["to_number"], from_=row["from_number"], body=row["body"], message_id=message_id
        )
    except ChannelError as exc:
        return await _failed(ctx, d, row, exc)

    async with d.pool.acquire() as conn, conn.transaction():
        await conn.execute(sql("record_sent"), message_id, result.sid, result.status)
        await conn.execute(sql("queue_done"), message_id)
    return "sent"


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


async def _failed(ctx: dict[str, Any], d: Deps, row: asyncpg.Record, exc: ChannelError) -> str:
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
