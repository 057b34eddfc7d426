"""When things may be sent: each athlete's morning-text instant, and quiet hours.

Nothing scheduled goes out before 08:00 or after 21:00 athlete-local (TCPA), so a send time is
kept inside that window. The next morning text is stored as one UTC instant per athlete
(``users.next_daily_at``), computed here with zoneinfo, so daylight-saving changes move it the
way the athlete's wall clock moves.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from worker.clock import now
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.settings import process_settings

QUIET_ENDS = time(8, 0)
QUIET_STARTS = time(21, 0)
LATEST_SEND = time(20, 30)

#: Kinds the product initiates; only these are held to quiet hours (a reply to a text the
#: athlete just sent is not).
SCHEDULED_KINDS = frozenset({"daily_workout", "weekly_recap", "check_in"})


def clamp_send_time(wanted: time) -> time:
    """A send time inside the allowed window (08:00-20:30)."""
    if wanted < QUIET_ENDS:
        return QUIET_ENDS
    if wanted > LATEST_SEND:
        return LATEST_SEND
    return wanted


def in_quiet_hours(moment: datetime, timezone: str) -> bool:
    local = moment.astimezone(ZoneInfo(timezone)).time()
    return local < QUIET_ENDS or local >= QUIET_STARTS


def sending_window(
    user: Any, due_column: str, moment: datetime, cutoff_hours: float
) -> str:
    """Where a scheduled text stands: 'closed' (athlete inactive or opted out), 'not due',
    'missed' (past the cutoff, or quiet hours now) or 'open'. Shared by every scheduled kind,
    so morning texts and recaps follow the same rules."""
    if user["status"] != "active" or user["opted_out_at"] is not None:
        return "closed"
    due: datetime | None = user[due_column]
    if due is None or due > moment:
        return "not due"
    if moment > due + timedelta(hours=cutoff_hours) or in_quiet_hours(moment, user["timezone"]):
        return "missed"
    return "open"


def seconds_until_quiet_ends(moment: datetime, timezone: str) -> float:
    """How long until 08:00 athlete-local (0 if it is not before 08:00)."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    if local.time() >= QUIET_ENDS:
        return 0.0
    opens = datetime.combine(local.date(), QUIET_ENDS, zone)
    return max(0.0, (opens - moment).total_seconds())


def next_daily_instant(
    send_time: time, timezone: str, after: datetime, *, first_date: date | None = None
) -> datetime:
    """The first local ``send_time`` strictly after ``after`` (and on or after ``first_date``)."""
    zone = ZoneInfo(timezone)
    day = after.astimezone(zone).date()
    if first_date is not None and first_date > day:
        day = first_date
    at = clamp_send_time(send_time)
    for offset in range(3):
        candidate = datetime.combine(day + timedelta(days=offset), at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: three days always contain a later send time")


def next_weekly_instant(timezone: str, after: datetime) -> datetime:
    """The first recap slot (default Sunday 18:00) athlete-local strictly after ``after``."""
    settings = process_settings()
    weekday, at = settings.weekly_recap_weekday, settings.weekly_recap_time
    zone = ZoneInfo(timezone)
    day = after.astimezone(zone).date()
    for offset in range(15):
        candidate_day = day + timedelta(days=offset)
        if candidate_day.isoweekday() != weekday:
            continue
        candidate = datetime.combine(candidate_day, at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: two weeks always contain a later recap slot")


async def reschedule(
    conn: Conn, user_id: UUID, *, after: datetime | None = None, first_date: date | None = None
) -> datetime | None:
    """Recompute the athlete's next morning text and weekly recap from their send time and zone."""
    row = await conn.fetchrow(sql("daily_athlete"), user_id)
    if row is None:
        return None
    moment = after or now()
    instant = next_daily_instant(row["send_time"], row["timezone"], moment, first_date=first_date)
    await conn.execute(sql("set_next_daily"), user_id, instant)
    await conn.execute(sql("set_next_weekly"), user_id,
                       next_weekly_instant(row["timezone"], moment))
    return instant
