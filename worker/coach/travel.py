"""Trips as a record: planned ahead, applied on their days, reverted after.

A trip changes nothing before it starts. On its days the morning text follows the trip's zone
(:func:`worker.domain.travel.zone_on`) and sessions use the trip's equipment (the week writer
builds each day with the equipment of that day); the sessions already written for those days
are written again now. After the last day both revert by themselves: nothing to undo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from asyncpg import Record

from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.vocabulary import HOTEL_EQUIPMENT, normalize_equipment
from worker.schedule import reschedule

#: A trip with no end given lasts this long.
DEFAULT_TRIP_DAYS = 7
#: Longest trip the coach plans around; beyond that it is a move, a new home zone.
MAX_TRIP_DAYS = 60


@dataclass(frozen=True)
class PlannedTrip:
    starts_on: date
    ends_on: date
    place: str | None
    timezone: str | None
    equipment: list[str] | None
    sessions_rewritten: int


async def plan_trip(
    conn: Conn, user_id: UUID, *, today: date, starts_on: date | None, ends_on: date | None,
    place: str | None, timezone: str | None, equipment: list[str] | None, hotel_gym: bool,
    reason: str | None, source_message_id: UUID | None,
) -> PlannedTrip:
    """Record a trip and rewrite the sessions already written for its days (in a
    transaction)."""
    start = max(starts_on or today, today)
    end = ends_on or start + timedelta(days=DEFAULT_TRIP_DAYS - 1)
    end = min(max(end, start), start + timedelta(days=MAX_TRIP_DAYS))
    kit = normalize_equipment(equipment) if equipment is not None else (
        sorted(HOTEL_EQUIPMENT) if hotel_gym else None)
    current = await _current_trip(conn, user_id, today)
    if current is not None and starts_on is None and place in (None, current["place"]) \
            and timezone in (None, current["timezone"]):
        # "hotel gym legit tiny, dbs up to 25" from the trip: more about this trip, not another
        row = await conn.fetchrow(sql("update_trip"), user_id, current["id"], None, kit, ends_on)
        assert row is not None
        start, end, place, timezone = (row["starts_on"], row["ends_on"], row["place"],
                                       row["timezone"])
    else:
        await conn.execute(sql("insert_trip"), user_id, start, end, place, timezone, kit,
                           reason, source_message_id)
    rewritten = 0
    plan = await conn.fetchrow(sql("active_plan"), user_id)
    if plan is not None and kit is not None:
        # Drop the unlogged sessions of the trip's days; their weeks are written again with
        # the trip's equipment.
        dropped = await conn.fetch(sql("drop_workouts_between"), user_id, start, end,
                                   plan["id"])
        rewritten = len(dropped)
        await conn.execute(sql("replan_weeks_between"), user_id, start, end)
    if await conn.fetchval(sql("user_status"), user_id) == "active":
        await reschedule(conn, user_id)
    return PlannedTrip(start, end, place, timezone, kit, rewritten)


async def _current_trip(conn: Conn, user_id: UUID, today: date) -> Record | None:
    """The trip the athlete is on today (the one planned last, where two overlap)."""
    rows = await conn.fetch(sql("athlete_trips"), user_id, today)
    on = [r for r in rows if r["starts_on"] <= today <= r["ends_on"]]
    return on[-1] if on else None
