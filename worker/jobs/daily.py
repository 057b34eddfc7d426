"""The morning workout text: fan-out every minute, one job per due athlete, once per local day.

The cron only finds due athletes (one index range scan on ``users.next_daily_at``) and enqueues
a job per athlete with its own retries. The job writes the text under a UNIQUE dedupe key
``daily:<athlete>:<local date>`` in the same transaction that moves ``next_daily_at`` to the next
day, so any number of workers, ticks, retries or crashes produce at most one text per athlete
per local date. A missed tick is caught up later the same day until the cutoff, never in quiet
hours; consent and quiet hours are checked again when the text is sent.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from worker import constants
from worker.agents.context import athlete_context
from worker.agents.plans import write_week
from worker.agents.runtime import Call, deadline_after
from worker.clock import now
from worker.coach.missed import mark_missed
from worker.coach.subscriptions import standing, tell_lapsed
from worker.db.queries import sql
from worker.domain.replies import DailyMessage
from worker.domain.travel import Trip
from worker.jobs.context import Deps, deps
from worker.outbox import conversation_for, write_outbound
from worker.planning.steps import take_progress_notes, with_notes, work_slugs
from worker.queue import daily_job, enqueue_many, enqueue_send, weekly_job
from worker.schedule import (
    local_date_of,
    next_daily_instant,
    reschedule,
    sending_window,
    trips_for,
    zone_at,
)
from worker.sms.pacing import fan_out_offsets

log = logging.getLogger(__name__)


def daily_key(user_id: UUID, local_date: date) -> str:
    return f"daily:{user_id}:{local_date.isoformat()}"


async def fan_out_daily(ctx: dict[str, Any]) -> str:
    """Cron, every minute: one send_daily (or send_weekly) job per athlete that is due."""
    d = deps(ctx)
    moment = now()
    async with d.pool.acquire() as conn:
        for row in await conn.fetch(sql("expire_pauses"), moment):
            # From the end of the pause: the first morning after it is due already.
            await reschedule(conn, row["id"], after=row["paused_until"])
        due = await conn.fetch(sql("due_daily"), moment, constants.DAILY_FANOUT_BATCH)
        weekly = await conn.fetch(sql("due_weekly"), moment, constants.DAILY_FANOUT_BATCH)
    # Paced, the due athletes are spread over the minute, or over as long as the sender's rate
    # needs, in due order: texts become ready about as fast as the bucket lets them out, so
    # the ready queue never holds a morning's backlog for replies to wait behind.
    rate = d.settings.send_rate
    offsets = fan_out_offsets(len(due) + len(weekly), rate)
    await enqueue_many(
        d.redis,
        [daily_job(row["id"], row["next_daily_at"], defer_s=offset)
         for row, offset in zip(due, offsets, strict=False)]
        + [weekly_job(row["id"], row["next_weekly_at"], defer_s=offset)
           for row, offset in zip(weekly, offsets[len(due):], strict=True)],
    )
    summary = f"{len(due)} daily, {len(weekly)} weekly due"
    if not offsets or rate <= 0:
        return summary
    spread = offsets[-1]
    if spread > d.settings.daily_cutoff_hours * 3600:
        log.warning("%d scheduled texts due need %.0f min at %g a second: those past the %g h "
                    "cutoff will be skipped (TEXTCOACH_SEND_RATE_PER_SECOND)", len(offsets),
                    spread / 60, rate, d.settings.daily_cutoff_hours)
    return f"{summary}, spread over {spread:.0f}s"


#: The morning text is written to fit two SMS; at most this many "what changed" notes follow.
DAILY_NOTES = 1


async def send_daily(ctx: dict[str, Any], user_id: str) -> str:
    with deadline_after(constants.DAILY_TIMEOUT_S):
        return await _send_daily(ctx, user_id)


async def _send_daily(ctx: dict[str, Any], user_id: str) -> str:
    d = deps(ctx)
    athlete = UUID(user_id)
    moment = now()
    async with d.pool.acquire() as conn:
        user = await conn.fetchrow(sql("daily_athlete"), athlete)
        if user is None:
            return "no such athlete"
        home = user["timezone"]
        trips = await trips_for(conn, athlete,
                                moment.astimezone(ZoneInfo(home)).date() - timedelta(days=2))
    window = sending_window(user, "next_daily_at", moment, d.settings.daily_cutoff_hours,
                            "daily_workout", zone_at(home, trips, moment))
    if window in ("closed", "not due"):
        return window
    due: datetime = user["next_daily_at"]
    local_date = local_date_of(due, home, trips)
    async with d.pool.acquire() as conn:
        await mark_missed(conn, athlete, local_date)
    if window == "missed":
        await _advance(d, athlete, user, moment, trips)
        log.warning("daily text for %s on %s missed its window", athlete, local_date)
        return "missed the window"
    if await d.pool.fetchval(sql("takeover_holds_morning"), athlete, moment):
        return await _held(d, athlete, user, due, trips, local_date)
    if await paused_by_subscription(d, athlete, user["phone"], moment):
        await _advance(d, athlete, user, due, trips)
        return "subscription lapsed: no workout"

    async with d.pool.acquire() as conn:
        if await conn.fetchval(sql("scheduled_kinds_sent"), daily_key(athlete, local_date)):
            await _advance(d, athlete, user, due, trips)
            return "already sent"
        workout = await conn.fetchrow(sql("workout_on"), athlete, local_date)
        week = None
        if workout is None:
            week = await conn.fetchval(sql("planned_week_on"), athlete, local_date)
    if workout is None and week is not None:  # the week was not written ahead: write it now
        await write_week(d.pool, d.agents(), week, trace_id=uuid.uuid4())
        async with d.pool.acquire() as conn:
            workout = await conn.fetchrow(sql("workout_on"), athlete, local_date)
    if workout is None or (workout["is_rest_day"] and not user["rest_day_texts"]):
        await _advance(d, athlete, user, due, trips)
        return "nothing to send today"
    if workout["status"] in SETTLED_AHEAD:
        # "Sat -> Sun this week", "skip tomorrow": the athlete already said what happens to
        # this day, so its morning text would only contradict them.
        await _advance(d, athlete, user, due, trips)
        return f"today's session was {workout['status']}"

    trace = uuid.uuid4()
    async with d.pool.acquire() as conn:
        context = await athlete_context(conn, athlete)
    run = await d.agents().run(
        "daily_message", Call(user_id=athlete, trace_id=trace, timezone=context.athlete.timezone,
                              turn_id=trace), context.variables())
    assert isinstance(run.output, DailyMessage)

    try:
        async with d.pool.acquire() as conn, conn.transaction():
            if await conn.fetchval(sql("takeover_holds_morning"), athlete, now()):
                raise _Held  # a person took over while the text was being written
            notes = await take_progress_notes(conn, athlete, work_slugs(workout["blocks"]))
            ids = await write_outbound(
                conn, user_id=athlete, conversation_id=await conversation_for(conn, athlete),
                from_number=d.settings.coach_number, to_number=user["phone"],
                body=with_notes(run.output.message, notes, limit=DAILY_NOTES),
                kind="daily_workout", turn_id=trace,
                dedupe_key=daily_key(athlete, local_date),
            )
            await conn.execute(sql("set_next_daily"), athlete, _next(user, due, trips))
    except _Held:
        return await _held(d, athlete, user, due, trips, local_date)
    except asyncpg.UniqueViolationError:
        await _advance(d, athlete, user, due, trips)
        return "already sent"
    # One job, the last part's: it sends every part in order, under one turn of the sender's
    # rate, so a paced morning text's parts are not split by the texts queued between them.
    if ids:
        await enqueue_send(d.redis, ids[-1])
    return f"sent {len(ids)} part(s) for {local_date}"


async def paused_by_subscription(d: Deps, athlete: UUID, phone: str, moment: datetime) -> bool:
    """Subscriptions are required and ``athlete``'s lapsed: no scheduled coaching text, and
    the lapse's one text (where to renew) instead, if it was not sent already. It goes at the
    scheduled text's own time, which its window has just allowed."""
    async with d.pool.acquire() as conn:
        subscription = await standing(conn, athlete, moment, d.settings)
        if subscription.entitled:
            return False
        ids = await tell_lapsed(conn, athlete, subscription, settings=d.settings,
                                to_number=phone)
    if ids:
        await enqueue_send(d.redis, ids[-1])
    return True


class _Held(Exception):
    """The write found a takeover holding morning texts: nothing is written."""


async def _held(d: Deps, athlete: UUID, user: Any, due: datetime, trips: Sequence[Trip],
                local_date: date) -> str:
    """The operator who took over chose to hold morning texts: today's is not sent."""
    await _advance(d, athlete, user, due, trips)
    log.info("daily text for %s on %s held: a person has taken over", athlete, local_date)
    return "held: a person has taken over"


#: Workout statuses settled before the day comes: no morning text for them.
SETTLED_AHEAD = frozenset({"moved", "skipped"})


def _next(user: Any, due: datetime, trips: Sequence[Trip]) -> datetime:
    return next_daily_instant(user["send_time"], user["timezone"], due, trips=trips)


async def _advance(
    d: Deps, athlete: UUID, user: Any, after: datetime, trips: Sequence[Trip]
) -> None:
    """Move the athlete's next text to the first send time after ``after``."""
    async with d.pool.acquire() as conn:
        await conn.execute(sql("set_next_daily"), athlete, _next(user, after, trips))
