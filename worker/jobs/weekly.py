"""The weekly recap: how the week went and what next week holds.

Sent on the athlete's local Sunday at 18:00 by default (TEXTCOACH_WEEKLY_RECAP_WEEKDAY and
TEXTCOACH_WEEKLY_RECAP_TIME move it); "sunday" below is that recap day, whichever it is.

Found by the same minute fan-out as the morning text (``users.next_weekly_at``), written once per
athlete per local Sunday under a UNIQUE dedupe key, with next week's workouts written first if
they are not yet. Every second week it asks a short check-in (energy, soreness, sleep, 1-10);
the coach records the answer, and low recovery makes the next unwritten week a deload.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

from worker import constants
from worker.agents.plans import write_week
from worker.agents.runtime import deadline_after
from worker.clock import now
from worker.coach.achievements import take_unannounced
from worker.coach.links import LINK_OFFER, offers_link
from worker.coach.missed import mark_missed
from worker.db.queries import sql
from worker.jobs.context import deps
from worker.jobs.daily import paused_by_subscription
from worker.outbox import conversation_for, write_outbound
from worker.planning.steps import take_progress_notes, with_notes
from worker.queue import enqueue_send
from worker.schedule import next_weekly_instant, sending_window

CHECK_IN_QUESTION = (
    "Quick check-in: rate your energy, soreness and sleep this week, 1-10 each (e.g. 7 4 8)."
)


def wants_check_in(local_sunday: date) -> bool:
    """Every second week (even ISO weeks), so answers stay worth giving."""
    return local_sunday.isocalendar().week % 2 == 0


async def send_weekly(ctx: dict[str, Any], user_id: str) -> str:
    with deadline_after(constants.DAILY_TIMEOUT_S):
        return await _send_weekly(ctx, user_id)


async def _send_weekly(ctx: dict[str, Any], user_id: str) -> str:
    d = deps(ctx)
    athlete = UUID(user_id)
    moment = now()
    async with d.pool.acquire() as conn:
        user = await conn.fetchrow(sql("weekly_athlete"), athlete, moment)
    if user is None:
        return "no such athlete"
    window = sending_window(user, "next_weekly_at", moment, d.settings.daily_cutoff_hours,
                            "weekly_recap")
    if window in ("closed", "not due"):
        return window
    due: datetime = user["next_weekly_at"]
    next_at = next_weekly_instant(user["timezone"], max(due, moment))
    if window == "missed":
        await d.pool.execute(sql("set_next_weekly"), athlete, next_at)
        return "missed the window"
    if user["taken_over"]:
        # A person is talking with the athlete: a recap now would talk over them.
        await d.pool.execute(sql("set_next_weekly"), athlete, next_at)
        return "skipped: a person has taken over"
    if await paused_by_subscription(d, athlete, user["phone"], moment):
        await d.pool.execute(sql("set_next_weekly"), athlete, next_at)
        return "subscription lapsed: no recap"
    sunday = due.astimezone(ZoneInfo(user["timezone"])).date()

    async with d.pool.acquire() as conn:
        planned = await conn.fetch(sql("planned_weeks_between"), athlete,
                                   sunday + timedelta(days=1), sunday + timedelta(days=8))
    for week in planned:  # next week is written before it is previewed
        await write_week(d.pool, d.agents(), week["id"], trace_id=uuid.uuid4())

    async with d.pool.acquire() as conn:
        await mark_missed(conn, athlete, sunday)
        summary = await conn.fetchrow(sql("week_summary"), athlete,
                                      sunday - timedelta(days=6), sunday + timedelta(days=1))
        upcoming = await conn.fetch(sql("workouts_between"), athlete, sunday + timedelta(days=1),
                                    sunday + timedelta(days=8))
        deload = await conn.fetchval(sql("deload_reason_between"), athlete,
                                     sunday + timedelta(days=1), sunday + timedelta(days=8))
    if summary is None or summary["sessions"] == 0:
        # Nothing was scheduled (the plan starts tomorrow, or they were paused): a "week
        # done" text would recap nothing; the morning texts preview the week instead.
        await d.pool.execute(sql("set_next_weekly"), athlete, next_at)
        return "nothing to recap"
    body = recap_text(user["name"], summary, upcoming)
    if deload:
        body += f" {deload}"
    check_in = wants_check_in(sunday)
    if check_in:
        body = f"{body} {CHECK_IN_QUESTION}"

    trace = uuid.uuid4()
    try:
        async with d.pool.acquire() as conn, conn.transaction():
            body = with_notes(body, await take_progress_notes(conn, athlete))
            milestones = [a["name"] for a in await take_unannounced(conn, athlete)]
            if milestones:
                body += f" Milestones: {', '.join(milestones)}!"
            if not check_in and await offers_link(conn, athlete):  # one ask per recap
                body += f" {LINK_OFFER}"
            ids = await write_outbound(
                conn, user_id=athlete, conversation_id=await conversation_for(conn, athlete),
                from_number=d.settings.coach_number, to_number=user["phone"], body=body,
                kind="weekly_recap", turn_id=trace, dedupe_key=f"weekly:{athlete}:{sunday}",
            )
            if check_in:
                await conn.execute(sql("insert_check_in"), athlete, sunday)
            await conn.execute(sql("set_next_weekly"), athlete, next_at)
    except asyncpg.UniqueViolationError:
        await d.pool.execute(sql("set_next_weekly"), athlete, next_at)
        return "already sent"
    if ids:  # one job, the last part's: it sends every part in order (see send_daily)
        await enqueue_send(d.redis, ids[-1])
    return f"recap for week ending {sunday}"


def recap_text(name: str | None, summary: Any, upcoming: list[Any]) -> str:
    who = f", {name}" if name else ""
    sessions, done = summary["sessions"], summary["completed"] + summary["partial"]
    if sessions == 0:
        recap = f"Week done{who}."
    elif done >= sessions:
        every = {1: "your session", 2: "both sessions"}.get(sessions, f"all {sessions} sessions")
        recap = f"Week done{who}: {every}, brilliant consistency."
    elif done == 0:
        recap = (f"New week ahead{who}. Last week got away from you; that happens. "
                 "Let's get the first session in.")
    elif done * 4 >= sessions * 3:
        recap = f"Week done{who}: {done} of {sessions} sessions, a solid week."
    elif done * 2 >= sessions:
        every = "both" if sessions == 2 else f"all {sessions}"
        recap = (f"Week done{who}: {done} of {sessions} sessions. Let's aim for {every} this "
                 "week; tell me if the days don't suit you.")
    else:
        recap = (f"Week done{who}: {done} of {sessions} sessions, a thin week. No guilt; if "
                 "the plan doesn't fit your life, tell me and I'll change the days or length.")
    days = [f"{w['date']:%a} {w['title']}" for w in upcoming if not w["is_rest_day"]]
    preview = f" Next week: {', '.join(days)}." if days else ""
    return recap + preview
