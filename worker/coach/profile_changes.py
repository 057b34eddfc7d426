"""Applying what an athlete said about themselves: a new profile version and its effects.

The extractor (a model or the offline reader) says what the texts state; this module decides
what that changes, the same way for every provider:

* :func:`worker.domain.merge.merge` builds the new profile (equipment merged unless "only",
  corrections replace, every change keeps its source text);
* while the athlete is on a trip, equipment and zone statements describe the trip, not home;
* the daily-text time is kept inside 05:00-22:00 (asking is consent) and the schedule moves;
* with a plan running, a new goal starts a new plan; new days, equipment, session length,
  injuries or fixed activities lay the rest of the plan out again from today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any
from uuid import UUID

from worker.clock import now
from worker.coach.nutrition import refresh_if_active
from worker.db.pool import Conn
from worker.db.profiles import insert_profile_version, latest_profile
from worker.db.queries import sql
from worker.domain.merge import Merged, merge
from worker.domain.profile import Profile, ProfileUpdate, Source, format_time
from worker.domain.travel import trip_on
from worker.domain.vocabulary import normalize_equipment
from worker.domain.windows import clamp_send_time
from worker.localtime import parse_clock_time
from worker.planning.archetypes import PREHAB
from worker.schedule import reschedule, trips_for

#: Changes that lay the rest of the plan out again.
REPLAN_FIELDS = frozenset({"training_days", "days_per_week", "excluded_days", "equipment",
                           "session_minutes", "injuries", "activities", "load_caps"})


@dataclass
class ProfileChange:
    """What a turn's facts changed: fields, what happened to the plan, notes for the reply."""

    changed: list[str] = field(default_factory=list)
    profile: Profile = field(default_factory=Profile)
    #: The facts as applied (on a trip, equipment and zone went to the trip instead).
    applied: ProfileUpdate = field(default_factory=ProfileUpdate)
    replanned_from: date | None = None
    new_goal: str | None = None
    trip_updated: bool = False
    send_time: str | None = None
    send_time_adjusted: bool = False
    notes: list[str] = field(default_factory=list)


async def apply_update(
    conn: Conn, user_id: UUID, update: ProfileUpdate, *, today: date, source: Source,
    source_message_id: UUID | None, plan_active: bool,
) -> ProfileChange:
    """Merge ``update`` into the athlete's profile and carry out what it changes (call inside
    a transaction)."""
    profile = await latest_profile(conn, user_id) or Profile()
    change = ProfileChange(profile=profile)
    update = await _trip_facts(conn, user_id, update, today, change)
    change.applied = update
    merged = merge(profile, update, source)
    identity: dict[str, Any] = dict(merged.identity)
    if "send_time" in identity:
        identity["send_time"] = _send_time(str(identity["send_time"]), change)
    row = await conn.fetchrow(
        sql("update_user_identity"), user_id, identity.get("name"), identity.get("timezone"),
        identity.get("send_time"), identity.get("units"),
    )
    assert row is not None
    identity_changed = [f for f in ("name", "timezone", "send_time", "units")
                        if row[f] != row[f"old_{f}"]]
    if merged.profile_changed or (not profile.version and (merged.changed or identity)):
        change.profile = await insert_profile_version(conn, user_id, merged.profile,
                                                      source_message_id)
    change.changed = sorted({*_visible(merged), *identity_changed})
    status = await conn.fetchval(sql("user_status"), user_id)
    if {"timezone", "send_time"} & set(identity_changed) and status == "active":
        await reschedule(conn, user_id)
    if update.body_weight is not None:  # a measurement, kept with the others, not a profile fact
        await conn.execute(sql("insert_metric"), user_id, "body_weight", update.body_weight.value,
                           update.body_weight.unit, now(), {}, source_message_id)
    if update.body_weight is not None or {"primary_goal", "days_per_week", "training_days",
                                          "age", "injuries"} & set(change.changed):
        await refresh_if_active(conn, user_id, today)  # targets follow a new weight or goal
    if plan_active:
        await _plan_effects(conn, user_id, profile, merged, today, change)
    return change


def _visible(merged: Merged) -> list[str]:
    return [c for c in merged.changed if not c.endswith("_stated")]


def _send_time(text: str, change: ProfileChange) -> time | None:
    """The asked-for text time, kept inside the athlete's window (05:00-22:00)."""
    try:
        wanted = parse_clock_time(text)
    except ValueError:
        return None
    kept = clamp_send_time(wanted)
    change.send_time = format_time(kept)
    change.send_time_adjusted = kept != wanted
    return kept


async def _trip_facts(
    conn: Conn, user_id: UUID, update: ProfileUpdate, today: date, change: ProfileChange
) -> ProfileUpdate:
    """On a trip, "the hotel has dumbbells" and "I'm 7 hours ahead" describe the trip."""
    if update.equipment is None and update.timezone is None and not update.equipment_removed:
        return update
    rows = await conn.fetch(sql("athlete_trips"), user_id, today)
    trips = await trips_for(conn, user_id, today)
    trip = trip_on(trips, today)
    if trip is None or update.correction:
        return update
    row = next(r for r in rows if r["starts_on"] == trip.starts_on and r["ends_on"] ==
               trip.ends_on)
    equipment = normalize_equipment(update.equipment) if update.equipment is not None else None
    if equipment is not None and update.equipment_removed:
        equipment = [e for e in equipment
                     if e not in normalize_equipment(update.equipment_removed)]
    await conn.execute(sql("update_trip"), user_id, row["id"], update.timezone, equipment, None)
    change.trip_updated = True
    await replan_after(conn, user_id, max(today - timedelta(days=1), trip.starts_on), change)
    return update.model_copy(update={"equipment": None, "timezone": None, "load_caps": None,
                                     "equipment_only": None, "equipment_removed": None})


async def _plan_effects(
    conn: Conn, user_id: UUID, profile_before: Profile, merged: Merged, today: date,
    change: ProfileChange,
) -> None:
    changed = set(merged.changed)
    if "primary_goal" in changed and merged.profile.primary_goal is not None:
        plan = await conn.fetchrow(sql("active_plan"), user_id)
        if plan is not None and plan["goal"] != merged.profile.primary_goal \
                and not await _program_serves(conn, user_id, merged.profile.primary_goal):
            # The plan row first: a week being written holds it, so this waits, never deadlocks.
            await conn.execute(sql("supersede_plan"), user_id, today,
                               f"new goal: {merged.profile.primary_goal}")
            await conn.execute(sql("drop_future_workouts"), user_id, today, plan["id"])
            # A programme the plan followed ends with it: the new goal's plan is the coach's.
            await conn.execute(sql("end_enrollment_of_plan"), user_id, plan["id"], now())
            change.new_goal = merged.profile.primary_goal
            return
    if "injuries" in changed and not _injuries_matter(profile_before, merged):
        changed.discard("injuries")  # a healed injury or a mild ache informs; no session moves
    if changed & REPLAN_FIELDS:
        # An injury changes today's session too; the rest from tomorrow.
        start = today - timedelta(days=1) if "injuries" in changed else today
        await replan_after(conn, user_id, start, change)


async def _program_serves(conn: Conn, user_id: UUID, goal: str) -> bool:
    """Whether the programme the athlete follows was written for ``goal`` too: a runner on a
    couch-to-5k who mentions running has not changed goal, and keeps their programme."""
    enrolled = await conn.fetchrow(sql("active_enrollment"), user_id)
    return enrolled is not None and goal in enrolled["content"]["audience"]["goals"]


def _injuries_matter(before: Profile, merged: Merged) -> bool:
    """New or changed injuries that change sessions: not healed ones, and not a mild ache
    with no movement ruled out and no prehab for it (that is noted, and watched)."""
    old = {i.area: i for i in before.injuries}
    rank = {None: 1, "mild": 0, "moderate": 1, "severe": 2}
    for injury in merged.profile.injuries:
        known = old.get(injury.area)
        if injury.status == "past":
            continue
        if known is None:
            if injury.severity == "mild" and not injury.avoid and injury.area not in PREHAB:
                continue
            return True
        if (set(injury.avoid or []) - set(known.avoid or [])
                or rank[injury.severity] > rank[known.severity]
                or injury.status != known.status):
            return True
    return False


async def replan_after(conn: Conn, user_id: UUID, after: date, change: ProfileChange) -> None:
    """Sessions after ``after`` with nothing logged are written again from the new facts."""
    plan = await conn.fetchrow(sql("active_plan"), user_id)
    if plan is None:
        return
    profile = await latest_profile(conn, user_id)
    days = (profile.training_days if profile else []) or list(
        (plan["details"] or {}).get("training_days") or [])
    await conn.execute(sql("drop_future_workouts"), user_id, after, plan["id"])
    await conn.execute(sql("replan_weeks_from"), user_id, after, days)
    change.replanned_from = after + timedelta(days=1)


async def onboarding_asks(conn: Conn, user_id: UUID) -> dict[str, int]:
    """How many times each profile field has been asked, from the outbound rows."""
    return {r["field"]: r["asks"] for r in await conn.fetch(sql("onboarding_asks"), user_id)}


def describe_time(value: str | None) -> str:
    return format_time(parse_clock_time(value)) if value else ""
