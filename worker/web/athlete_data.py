"""What the athlete's own page shows, read for one athlete: the one in the browser session.

Every query here takes the athlete's id from the caller, who takes it from the session (never
from the URL or a form), so nothing a visitor types can select another athlete's rows. Dates
are the athlete's local dates: "this week" is Monday to Sunday where they live, the same week
the Sunday recap closes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from worker.clock import now
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.onboarding import KG_PER_LB
from worker.llm.offline.formatting import exercise_line
from worker.web.charts import MAX_LINES, Point, Series, WeekCount

#: The sessions chart's weeks, this one included.
CHART_WEEKS = 8
#: How far back the loads and weight charts, and the list of changes, look.
HISTORY_DAYS = 12 * 7
CHANGES_DAYS = 28

#: How a progression step reads on the page, by its action.
STEP_WORDS = {
    "up_rung": "Moved up", "add_load": "More weight", "add_reps": "More reps",
    "down_rung": "Stepped back", "reduce_load": "Lighter",
}


@dataclass(frozen=True)
class DayWorkout:
    """One training day of this week, as the athlete sees it."""

    on: date
    title: str
    #: done, partial, missed, moved, today or upcoming.
    status: str
    exercises: tuple[str, ...]
    minutes: int | None
    note: str | None


@dataclass(frozen=True)
class Change:
    """Something the coach changed, and the reason it gave."""

    on: date
    what: str
    why: str


@dataclass(frozen=True)
class AthletePage:
    name: str | None
    today: date
    monday: date
    #: 'kg' or 'lb': the athlete's units, which loads and weights are shown in.
    unit: str
    #: This week has no sessions, so ``workouts`` are next week's.
    upcoming_week: bool
    workouts: tuple[DayWorkout, ...]
    changes: tuple[Change, ...]
    weeks: tuple[WeekCount, ...]
    loads: tuple[Series, ...]
    rungs: tuple[Series, ...]
    weights: tuple[Point, ...]


async def load_page(conn: Conn, user_id: UUID) -> AthletePage | None:
    """The page of ``user_id``, or None when there is no such (undeleted) athlete."""
    athlete = await conn.fetchrow(sql("athlete_page_athlete"), user_id)
    if athlete is None:
        return None
    zone = ZoneInfo(athlete["timezone"])
    today = now().astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    since = today - timedelta(days=HISTORY_DAYS)
    unit = "kg" if athlete["units"] == "metric" else "lb"
    week = await conn.fetch(sql("athlete_page_week"), user_id, monday, monday + timedelta(7))
    upcoming_week = not week
    if upcoming_week:  # a plan starting next Monday: show its first week, not an empty one
        week = await conn.fetch(sql("athlete_page_week"), user_id, monday + timedelta(7),
                                monday + timedelta(14))
    counts = await conn.fetch(sql("athlete_page_sessions_by_week"), user_id,
                              monday - timedelta(weeks=CHART_WEEKS - 1), monday)
    loads = await conn.fetch(sql("athlete_page_loads"), user_id, since, unit)
    rungs = await conn.fetch(sql("athlete_page_rungs"), user_id, since)
    weights = await conn.fetch(sql("athlete_page_weights"), user_id,
                               datetime.combine(since, time(0), zone))
    return AthletePage(
        name=athlete["name"], today=today, monday=monday, unit=unit,
        upcoming_week=upcoming_week and bool(week),
        workouts=tuple(_workout(row, today) for row in week),
        changes=await _changes(conn, user_id, today, zone),
        weeks=tuple(WeekCount(r["monday"], r["planned"], r["done"]) for r in counts),
        loads=_main_series(loads, "exercise", "load", suffix=f" ({unit})"),
        rungs=_main_series(rungs, "chain", "rung", suffix=" (rung)", humanise=True),
        weights=tuple(_weights(weights, unit, zone)),
    )


def _workout(row: Any, today: date) -> DayWorkout:
    exercises = tuple(
        exercise_line(exercise)
        for block in row["blocks"] or [] if block.get("kind") not in ("warmup", "cooldown")
        for exercise in block.get("exercises") or []
    )
    return DayWorkout(on=row["date"], title=row["title"] or "Session",
                      status=day_status(row["status"], row["date"], today), exercises=exercises,
                      minutes=row["estimated_minutes"], note=row["notes"])


def day_status(status: str, on: date, today: date) -> str:
    """A workout's status as the athlete reads it: a day gone by with nothing logged is
    missed even before the recap marks it so."""
    if status == "completed":
        return "done"
    if status in ("partial", "moved"):
        return status
    if status == "skipped" or on < today:
        return "missed"
    return "today" if on == today else "upcoming"


def _main_series(rows: list[Any], key: str, value: str, *, suffix: str,
                 humanise: bool = False) -> tuple[Series, ...]:
    """One line per exercise (or chain), the most often logged first: the main lifts are the
    ones trained every week, and a one-off would be a line of one dot."""
    points: dict[str, list[Point]] = defaultdict(list)
    for row in rows:
        points[row[key]].append(Point(row["performed_on"], float(row[value])))
    ranked = sorted(points.items(), key=lambda item: (-len(item[1]), item[0]))[:MAX_LINES]
    return tuple(
        Series((name.replace("_", " ").capitalize() if humanise else name) + suffix,
               tuple(line))
        for name, line in ranked
    )


def _weights(rows: list[Any], unit: str, zone: ZoneInfo) -> list[Point]:
    """Readings in the athlete's unit; a reading in a unit that is neither (stones) is left
    out rather than guessed at."""
    found = []
    for row in rows:
        given = (row["unit"] or unit).strip().lower()
        reading = "kg" if given.startswith("k") else "lb" if given[:1] in ("l", "p") else None
        if reading is None:
            continue
        value = float(row["value"])
        if reading != unit:
            value = value * KG_PER_LB if unit == "kg" else value / KG_PER_LB
        found.append(Point(row["measured_at"].astimezone(zone).date(), round(value, 1)))
    return found


async def _changes(conn: Conn, user_id: UUID, today: date, zone: ZoneInfo) -> tuple[Change, ...]:
    """Progressions, lighter weeks and plan changes of the last weeks, newest first."""
    since = today - timedelta(days=CHANGES_DAYS)
    changes = [_step(row) for row in await conn.fetch(sql("athlete_page_steps"), user_id, since)]
    for row in await conn.fetch(sql("athlete_page_deloads"), user_id, since,
                                today + timedelta(days=14)):
        changes.append(Change(row["start_date"], f"Lighter week from {row['start_date']:%a %d %b}",
                              row["reason"] or "A planned recovery week: fewer sets, easier "
                                               "effort, so the next block starts fresh."))
    for row in await conn.fetch(sql("athlete_page_adjustments"), user_id):
        at = _parse_instant(row["at"])
        on = at.astimezone(zone).date() if at is not None else today
        if row["change"] and on >= since:
            changes.append(Change(on, f"Plan change: {row['change']}",
                                  row["reason"] or "You asked for it."))
    return tuple(sorted(changes, key=lambda change: change.on, reverse=True))


def _step(row: Any) -> Change:
    what = STEP_WORDS.get(row["action"], "Changed")
    if row["from_name"] != row["to_name"]:
        what += f": {row['from_name']} → {row['to_name']}"
    else:
        what += f": {row['to_name']}"
    if row["load"] is not None:
        what += f" at {row['load']:g} {row['load_unit']}"
    return Change(row["decided_on"], what, row["reason"])


def _parse_instant(value: str | None) -> datetime | None:
    try:
        found = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if found is not None and found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    return found
