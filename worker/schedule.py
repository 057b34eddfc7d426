"""When each athlete's scheduled texts go out: the next morning text and recap, trips included.

The next morning text is stored as one UTC instant per athlete (``users.next_daily_at``),
computed here with zoneinfo from their send time and the zone they are in on that local date
(home, or a trip's), so daylight-saving changes and trips move it the way the athlete's wall
clock moves. The windows themselves (05:00-22:00 for the text they timed, 08:00-21:00 for the
rest) are :mod:`worker.domain.windows`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from worker.clock import now
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.travel import Trip, zone_on
from worker.domain.windows import UNSOLICITED, clamp_send_time, window_for
from worker.settings import process_settings


async def trips_for(conn: Conn, user_id: UUID, since: date) -> list[Trip]:
    """The athlete's trips that end on or after ``since`` (home-zone dates)."""
    return [trip_from_row(r) for r in await conn.fetch(sql("athlete_trips"), user_id, since)]


def trip_from_row(row: Any) -> Trip:
    """A ``trips`` row (or record) as the domain's Trip."""
    equipment = tuple(row["equipment"]) if row["equipment"] is not None else None
    return Trip(row["starts_on"], row["ends_on"], row["timezone"], equipment, row["place"])


def zone_at(home: str, trips: Sequence[Trip], moment: datetime) -> str:
    """The zone the athlete is in at ``moment``: the trip's zone on its days, else home."""
    return zone_on(home, trips, moment.astimezone(ZoneInfo(home)).date())


def sending_window(
    user: Any, due_column: str, moment: datetime, cutoff_hours: float, kind: str,
    zone: str | None = None,
) -> str:
    """Where a scheduled text stands: 'closed' (athlete inactive or opted out), 'not due',
    'missed' (past the cutoff, or outside its window now) or 'open'. Shared by every scheduled
    kind, so morning texts and recaps follow the same rules."""
    if user["status"] != "active" or user["opted_out_at"] is not None:
        return "closed"
    due: datetime | None = user[due_column]
    if due is None or due > moment:
        return "not due"
    window = window_for(kind) or UNSOLICITED
    local = moment.astimezone(ZoneInfo(zone or user["timezone"])).time()
    if moment > due + timedelta(hours=cutoff_hours) or not window.contains(local):
        return "missed"
    return "open"


def seconds_until_open(kind: str, moment: datetime, timezone: str) -> float:
    """How long until ``kind``'s window opens athlete-local (0 if it is open or closed for
    the day: a text held past its window's end is not sent tonight)."""
    window = window_for(kind)
    if window is None:
        return 0.0
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    if local.time() >= window.opens:
        return 0.0
    opens = datetime.combine(local.date(), window.opens, zone)
    return max(0.0, (opens - moment).total_seconds())


def next_daily_instant(
    send_time: time, home: str, after: datetime, *, trips: Sequence[Trip] = (),
    first_date: date | None = None,
) -> datetime:
    """The first local ``send_time`` strictly after ``after`` (and on or after ``first_date``),
    each candidate day in the zone the athlete is in that day."""
    day = after.astimezone(ZoneInfo(home)).date() - timedelta(days=1)
    if first_date is not None and first_date > day:
        day = first_date
    at = clamp_send_time(send_time)
    for offset in range(4):
        candidate_day = day + timedelta(days=offset)
        zone = ZoneInfo(zone_on(home, trips, candidate_day))
        candidate = datetime.combine(candidate_day, at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: four days always contain a later send time")


def local_date_of(due: datetime, home: str, trips: Sequence[Trip]) -> date:
    """The local date a morning-text instant belongs to (the zone depends on the date)."""
    home_day = due.astimezone(ZoneInfo(home)).date()
    for day in (home_day + timedelta(days=1), home_day, home_day - timedelta(days=1)):
        if due.astimezone(ZoneInfo(zone_on(home, trips, day))).date() == day:
            return day
    return home_day


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
    """Recompute the athlete's next morning text and weekly recap from their send time, zone
    and trips."""
    row = await conn.fetchrow(sql("daily_athlete"), user_id)
    if row is None:
        return None
    moment = after or now()
    home = row["timezone"]
    trips = await trips_for(conn, user_id, moment.astimezone(ZoneInfo(home)).date()
                            - timedelta(days=1))
    instant = next_daily_instant(row["send_time"], home, moment, trips=trips,
                                 first_date=first_date)
    await conn.execute(sql("set_next_daily"), user_id, instant)
    await conn.execute(sql("set_next_weekly"), user_id,
                       next_weekly_instant(zone_at(home, trips, moment), moment))
    return instant
