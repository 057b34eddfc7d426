"""Real life, applied to the plan: swaps, travel, pain, new training days, a new goal.

Each function changes the athlete's sessions through named SQL and returns what it changed, so
the coach can say exactly what is different and why. Replacement exercises always come from the
library and the athlete's constraints (same movement pattern, equipment they have now, nothing
loading an injured area), never from the model's imagination.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from worker.coach.logbook import item_named, work_items
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.library.seed import resolve_exercise
from worker.planning.candidates import candidates_for
from worker.planning.engine import LOADABLE, pick
from worker.planning.steps import library_facts
from worker.profiles import latest_profile

#: How far ahead a pain report or a travel week rewrites sessions already written.
REFIT_DAYS = 14


def _level(item: Mapping[str, Any], library: Mapping[str, Mapping[str, Any]]) -> int:
    return int(library.get(str(item.get("exercise")), {}).get("difficulty") or 3)


def refit_blocks(
    blocks: list[dict[str, Any]],
    candidates: Sequence[Mapping[str, Any]],
    library: Mapping[str, Mapping[str, Any]],
    *,
    only: frozenset[str] | None = None,
) -> tuple[list[dict[str, Any]], list[tuple[str, str | None]]]:
    """Replace every exercise the candidates exclude by the nearest one of the same pattern.

    ``only`` limits the change to those slugs (a swap touches one exercise, whatever else the
    session holds). Returns the new blocks and (old name, new name or None if dropped) for each
    change.
    """
    allowed = {str(c["slug"]) for c in candidates}
    # With dumbbells in a hotel gym, a barbell squat becomes a goblet squat, not a pistol.
    loaded = any(set(c.get("equipment") or []) & LOADABLE for c in candidates)
    used = {str(e["exercise"]) for b in blocks for e in b.get("exercises") or []} & allowed
    changes: list[tuple[str, str | None]] = []
    out = []
    for block in blocks:
        exercises = []
        for item in block.get("exercises") or []:
            slug = str(item["exercise"])
            if slug in allowed or (only is not None and slug not in only):
                exercises.append(item)
                continue
            old = str(item.get("name") or slug)
            fact = library.get(slug)
            choice = pick(candidates, str(fact["pattern"]), _level(item, library), used,
                          prefer_loaded=loaded) if fact else None
            if choice is None:
                changes.append((old, None))
                continue
            used.add(str(choice["slug"]))
            exercises.append({**item, "exercise": choice["slug"], "name": choice["name"],
                              "unit": choice["unit"],
                              "target_min": choice["default_min"] or item.get("target_min"),
                              "target_max": choice["default_max"] or item.get("target_max"),
                              "load": None, "load_unit": None})
            changes.append((old, str(choice["name"])))
        if exercises:
            out.append({**block, "exercises": exercises})
    return out, changes


async def refit_sessions(
    conn: Conn, user_id: UUID, start: date, end: date, candidates: Sequence[Mapping[str, Any]],
    note: str,
) -> dict[str, Any]:
    """Rewrite the sessions in [start, end) to use only ``candidates``."""
    rows = await conn.fetch(sql("workouts_from"), user_id, start, end)
    slugs = [str(e["exercise"]) for r in rows for b in r["blocks"] for e in b.get("exercises")
             or []]
    library = await library_facts(conn, slugs)
    sessions = 0
    changes: dict[str, str | None] = {}
    for row in rows:
        blocks, changed = refit_blocks(list(row["blocks"]), candidates, library)
        if not changed:
            continue
        await conn.execute(sql("replace_workout_blocks"), user_id, row["id"], blocks, note)
        sessions += 1
        changes.update(changed)
    return {"sessions_changed": sessions, "from": start.isoformat(),
            "until": (end - timedelta(days=1)).isoformat(),
            "changes": [{"from": old, "to": new} for old, new in changes.items()]}


async def adapt_equipment(
    conn: Conn, user_id: UUID, start: date, equipment: Sequence[str], until: date, reason: str,
) -> dict[str, Any]:
    """Travel: sessions in [start, until] use only ``equipment`` (the profile is unchanged).

    Sessions already written are rewritten now; the override is kept with the plan so a week
    written later (travel next week) is fitted the same way when it is written.
    """
    override = {"from": start.isoformat(), "until": until.isoformat(),
                "equipment": sorted(equipment), "reason": reason}
    await conn.execute(sql("add_equipment_override"), user_id, [override])
    result = await apply_override(conn, user_id, override, start, until + timedelta(days=1))
    return {**result, "equipment": sorted(equipment), "from": start.isoformat()}


async def apply_override(
    conn: Conn, user_id: UUID, override: Mapping[str, Any], start: date, end: date
) -> dict[str, Any]:
    """Fit the sessions in [start, end) that fall inside ``override`` to its equipment."""
    first = max(start, date.fromisoformat(override["from"]))
    stop = min(end, date.fromisoformat(override["until"]) + timedelta(days=1))
    profile = await latest_profile(conn, user_id) or {}
    candidates = await candidates_for(conn, list(override["equipment"]),
                                      profile.get("injuries") or [])
    return await refit_sessions(conn, user_id, first, max(first, stop), candidates,
                                f"adapted: {override.get('reason') or 'travel'}")


async def avoid_area(conn: Conn, user_id: UUID, today: date, note: str) -> dict[str, Any]:
    """After an injury is recorded: upcoming sessions lose what loads the injured areas.

    Days inside a travel override are fitted to the travel equipment again afterwards, so a
    knee-safe swap in a hotel week is not a machine the hotel does not have.
    """
    profile = await latest_profile(conn, user_id) or {}
    candidates = await candidates_for(conn, profile.get("equipment") or [],
                                      profile.get("injuries") or [])
    end = today + timedelta(days=REFIT_DAYS)
    result = await refit_sessions(conn, user_id, today, end, candidates, note)
    for override in await _overrides(conn, user_id):
        await apply_override(conn, user_id, override, today, end)
    return result


async def _overrides(conn: Conn, user_id: UUID) -> list[dict[str, Any]]:
    plan = await conn.fetchrow(sql("active_plan"), user_id)
    return list((plan["details"] or {}).get("equipment_overrides") or []) if plan else []


async def equipment_on(conn: Conn, user_id: UUID, day: date) -> list[str]:
    """What the athlete has on a day: a travel override covering it (the latest), else the
    profile's equipment."""
    for override in reversed(await _overrides(conn, user_id)):
        if date.fromisoformat(override["from"]) <= day <= date.fromisoformat(override["until"]):
            return list(override["equipment"])
    profile = await latest_profile(conn, user_id) or {}
    return list(profile.get("equipment") or [])


async def swap_exercise(
    conn: Conn, user_id: UUID, day: date, name: str, reason: str | None
) -> dict[str, Any]:
    """One exercise of a day's session for a library alternative of the same pattern."""
    workout = await conn.fetchrow(sql("workout_on"), user_id, day)
    if workout is None or workout["is_rest_day"]:
        return {"done": False, "reason": f"no session on {day.isoformat()}"}
    if workout["status"] != "scheduled":
        return {"done": False, "reason": f"that session is already {workout['status']}"}
    wanted = await resolve_exercise(conn, name)
    items = work_items(workout["blocks"])
    target = next((i for i in items if wanted is not None and i["exercise"] == wanted["slug"]),
                  None) or item_named(name, items)
    if target is None:
        names = ", ".join(str(i.get("name") or i["exercise"]) for i in items)
        return {"done": False, "reason": f"{name} is not in that session ({names})"}
    profile = await latest_profile(conn, user_id) or {}
    candidates = [c for c in await candidates_for(conn, await equipment_on(conn, user_id, day),
                                                  profile.get("injuries") or [])
                  if c["slug"] != target["exercise"]]
    blocks, changes = refit_blocks(list(workout["blocks"]), candidates,
                                   await library_facts(conn, [str(target["exercise"])]),
                                   only=frozenset({str(target["exercise"])}))
    if not changes or changes[0][1] is None:
        return {"done": False, "reason": f"no alternative to {name} with your equipment"}
    await conn.execute(sql("replace_workout_blocks"), user_id, workout["id"], blocks,
                       f"swapped {changes[0][0]} for {changes[0][1]}"
                       + (f": {reason}" if reason else ""))
    return {"done": True, "action": "swap", "date": day.isoformat(), "from": changes[0][0],
            "to": changes[0][1]}


async def change_training_days(
    conn: Conn, user_id: UUID, today: date, days: Sequence[int]
) -> dict[str, Any]:
    """New days from tomorrow: sessions not yet done are laid out again on the new days."""
    plan = await conn.fetchrow(sql("active_plan"), user_id)
    if plan is None:
        return {"done": False, "reason": "no active plan yet"}
    chosen = sorted({int(d) for d in days if 1 <= int(d) <= 7})
    await conn.execute(sql("set_plan_training_days"), user_id, chosen)
    await conn.execute(sql("drop_future_workouts"), user_id, today, plan["id"])
    weeks = await conn.fetch(sql("replan_weeks_from"), user_id, today, chosen)
    return {"done": True, "training_days": chosen, "from": (today + timedelta(days=1))
            .isoformat(), "weeks_replanned": len(weeks)}


async def change_goal(conn: Conn, user_id: UUID, today: date, goal: str) -> dict[str, Any]:
    """A new goal: the current plan ends today (history kept) and a new one is written."""
    plan = await conn.fetchrow(sql("active_plan"), user_id)
    if plan is None:
        return {"done": False, "reason": "no active plan yet"}
    # The plan row first: a week being written holds it, and this waits rather than deadlocks.
    await conn.execute(sql("supersede_plan"), user_id, today, f"new goal: {goal}")
    await conn.execute(sql("drop_future_workouts"), user_id, today, plan["id"])
    return {"done": True, "goal": goal, "old_plan_ends": today.isoformat(),
            "new_plan_from": (today + timedelta(days=1)).isoformat()}
