"""Fitness profiles: append-only versions built from what the athlete tells the coach.

Every change writes a new version (history is how a coach explains a plan months later); a text
that states nothing new writes nothing. Identity fields that live on ``users`` (name, time zone,
send time, units) are updated in the same transaction.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from worker.agents.schemas import ProfileUpdate
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.localtime import parse_clock_time
from worker.schedule import clamp_send_time, reschedule

#: The library's equipment vocabulary (migrations/0002 equipment_names()).
EQUIPMENT = frozenset({
    "dumbbell", "barbell", "ez_bar", "kettlebell", "machine", "cable", "smith_machine",
    "squat_rack", "bench", "box", "bands", "rings", "suspension_trainer", "pull_up_bar",
    "parallel_bars", "parallettes", "low_bar", "ab_wheel", "medicine_ball", "sandbag",
    "weight_vest", "dip_belt", "jump_rope", "sled", "cardio_machine", "treadmill", "bike",
    "rower", "pool",
})

#: What a commercial gym has, for "I train at a gym".
GYM_EQUIPMENT = frozenset({
    "dumbbell", "barbell", "ez_bar", "kettlebell", "machine", "cable", "smith_machine",
    "squat_rack", "bench", "box", "bands", "pull_up_bar", "parallel_bars", "ab_wheel",
    "medicine_ball", "cardio_machine", "treadmill", "bike", "rower", "jump_rope",
})

_SYNONYMS = {
    "dumbbells": "dumbbell", "db": "dumbbell", "dbs": "dumbbell", "weights": "dumbbell",
    "barbells": "barbell", "kettlebells": "kettlebell", "kb": "kettlebell", "kbs": "kettlebell",
    "band": "bands", "resistance_bands": "bands", "resistance_band": "bands",
    "pullup_bar": "pull_up_bar", "pull_up_bars": "pull_up_bar", "chin_up_bar": "pull_up_bar",
    "bar": "pull_up_bar", "ring": "rings", "gymnastic_rings": "rings", "trx": "suspension_trainer",
    "dip_bars": "parallel_bars", "dip_station": "parallel_bars", "parallette": "parallettes",
    "machines": "machine", "cables": "cable", "cable_machine": "cable", "rack": "squat_rack",
    "power_rack": "squat_rack", "benches": "bench", "boxes": "box", "plyo_box": "box",
    "rope": "jump_rope", "skipping_rope": "jump_rope", "bikes": "bike", "spin_bike": "bike",
    "rowing_machine": "rower", "erg": "rower", "treadmills": "treadmill",
    "elliptical": "cardio_machine", "med_ball": "medicine_ball",
}

IDENTITY_FIELDS = frozenset({"name", "timezone", "send_time", "units"})
PROFILE_FIELDS = (
    "primary_goal", "experience", "days_per_week", "session_minutes", "equipment", "injuries",
)


def normalize_equipment(items: list[str]) -> list[str]:
    """Free words ("dumbbells", "pull-up bar", "TRX") -> the library's vocabulary, sorted."""
    found: set[str] = set()
    for item in items:
        slug = re.sub(r"[^a-z0-9]+", "_", item.lower()).strip("_")
        if slug in ("gym", "full_gym", "commercial_gym"):
            found |= GYM_EQUIPMENT
            continue
        slug = _SYNONYMS.get(slug, slug)
        if slug in EQUIPMENT:
            found.add(slug)
    return sorted(found)


#: Answers that may legitimately be empty or defaulted ("no equipment", "no injuries", the
#: time zone guessed from the area code), so only a flag says the athlete actually gave them.
STATED_FLAGS = {
    "equipment": "equipment_stated",
    "injuries": "injuries_stated",
    "timezone": "timezone_confirmed",
    "send_time": "send_time_stated",
}


def missing_fields(profile: dict[str, Any] | None, name: str | None) -> list[str]:
    """What a coach still needs before writing a plan, in the order worth asking."""
    missing = [] if name else ["name"]
    preferences = (profile or {}).get("preferences") or {}
    for field in (*PROFILE_FIELDS, "timezone", "send_time"):
        flag = STATED_FLAGS.get(field)
        if flag is not None:
            if not preferences.get(flag):
                missing.append(field)
        elif profile is None or profile.get(field) in (None, "", []):
            missing.append(field)
    return missing


async def latest_profile(conn: Conn, user_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(sql("latest_profile"), user_id)
    return dict(row) if row is not None else None


async def apply_profile_update(
    conn: Conn, user_id: UUID, update: ProfileUpdate, *, source_message_id: UUID | None = None
) -> dict[str, Any]:
    """Merge ``update`` into the latest profile; write a new version only if something changed."""
    current = await latest_profile(conn, user_id) or {}
    preferences = dict(current.get("preferences") or {})
    merged: dict[str, Any] = {
        "goals": list(current.get("goals") or []),
        "primary_goal": current.get("primary_goal"),
        "experience": current.get("experience"),
        "days_per_week": current.get("days_per_week"),
        "training_days": list(current.get("training_days") or []),
        "session_minutes": current.get("session_minutes"),
        "equipment": list(current.get("equipment") or []),
        "training_location": current.get("training_location"),
        "injuries": list(current.get("injuries") or []),
    }
    changed: list[str] = []

    def put(field: str, value: Any) -> None:
        if value is not None and merged.get(field) != value:
            merged[field] = value
            changed.append(field)

    put("primary_goal", update.primary_goal)
    if update.goal_detail and update.goal_detail not in merged["goals"]:
        merged["goals"] = [*merged["goals"], update.goal_detail]
        changed.append("goals")
    put("experience", update.experience)
    put("days_per_week", update.days_per_week)
    if update.training_days is not None:
        put("training_days", sorted({d for d in update.training_days if 1 <= d <= 7}))
    put("session_minutes", update.session_minutes)
    put("training_location", update.training_location)
    if update.equipment is not None:
        equipment = normalize_equipment(update.equipment)
        if update.training_location == "gym" and not equipment:
            equipment = sorted(GYM_EQUIPMENT)
        put("equipment", equipment)
        if not preferences.get("equipment_stated"):
            preferences["equipment_stated"] = True
            changed.append("equipment")
    elif update.training_location == "gym" and not merged["equipment"]:
        put("equipment", sorted(GYM_EQUIPMENT))
        preferences["equipment_stated"] = True
    if update.injuries is not None:
        injuries = [i.model_dump() for i in update.injuries]
        known = {(i.get("area"), i.get("note")) for i in merged["injuries"]}
        fresh = [i for i in injuries if (i["area"], i["note"]) not in known]
        if fresh:
            merged["injuries"] = [*merged["injuries"], *fresh]
            changed.append("injuries")
        if not preferences.get("injuries_stated"):
            preferences["injuries_stated"] = True
            changed.append("injuries")

    for field, stated in (("timezone", update.timezone), ("send_time", update.send_time)):
        if stated and not preferences.get(STATED_FLAGS[field]):
            preferences[STATED_FLAGS[field]] = True
            changed.append(f"{field}_confirmed")

    identity = await conn.fetchrow(
        sql("update_user_identity"), user_id, update.name, update.timezone,
        _time_or_none(update.send_time), update.units,
    )
    if identity is not None:
        for field in ("name", "timezone", "send_time", "units"):
            if identity[field] != identity[f"old_{field}"]:
                changed.append(field)
        if {"timezone", "send_time"} & set(changed):
            await _reschedule_if_active(conn, user_id)
    version = current.get("version")
    if set(changed) - IDENTITY_FIELDS:  # profile fields or stated-flags: a new version
        row = await conn.fetchrow(
            sql("insert_profile_version"), user_id, merged["goals"], merged["primary_goal"],
            merged["experience"], merged["days_per_week"], merged["training_days"],
            merged["session_minutes"], merged["equipment"], merged["training_location"],
            merged["injuries"], preferences, current.get("summary"), source_message_id,
        )
        assert row is not None
        version = row["version"]
    name = identity["name"] if identity else None
    profile = {**merged, "preferences": preferences}
    return {
        "name": name,
        "changed": sorted({c.removesuffix("_confirmed") for c in changed}),
        "profile_version": version,
        "missing": missing_fields(profile, name),
    }


def _time_or_none(text: str | None) -> Any:
    if not text:
        return None
    try:
        return clamp_send_time(parse_clock_time(text))
    except ValueError:
        return None


async def _reschedule_if_active(conn: Conn, user_id: UUID) -> None:
    status = await conn.fetchval(sql("user_status"), user_id)
    if status == "active":
        await reschedule(conn, user_id)
