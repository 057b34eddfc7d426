"""Real life, applied to one session: swaps, and refits of sessions already written.

Replacement exercises always come from the library and the athlete's constraints (same
movement pattern, equipment they have that day, nothing loading an injured area), never from
the model's imagination. Lasting changes (new days, equipment, injuries, a new goal) lay the
plan out again instead (:mod:`worker.coach.profile_changes`), and trips rewrite their own days
(:mod:`worker.coach.travel`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from worker.coach.logbook import item_named, work_items
from worker.coach.results import SessionChange
from worker.db.pool import Conn
from worker.db.profiles import latest_profile
from worker.db.queries import sql
from worker.domain.profile import Profile
from worker.domain.travel import equipment_on
from worker.domain.vocabulary import LOADABLE
from worker.library.seed import resolve_exercise
from worker.planning.candidates import candidates_for
from worker.planning.engine import pick
from worker.planning.steps import library_facts
from worker.schedule import trips_for


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


async def day_equipment(conn: Conn, user_id: UUID, day: date, profile: Profile) -> list[str]:
    """What the athlete has on ``day``: a trip's equipment on its days, else their own."""
    return equipment_on(profile.equipment, await trips_for(conn, user_id, day), day)


async def swap_exercise(
    conn: Conn, user_id: UUID, day: date, name: str, reason: str | None
) -> SessionChange:
    """One exercise of a day's session for a library alternative of the same pattern."""
    workout = await conn.fetchrow(sql("workout_on"), user_id, day)
    refused = SessionChange(done=False, action="swap", date=day.isoformat())
    if workout is None or workout["is_rest_day"]:
        return refused.model_copy(update={"reason": f"no session on {day:%a %d %b}"})
    if workout["status"] != "scheduled":
        return refused.model_copy(update={"reason": f"that session is already "
                                                    f"{workout['status']}"})
    wanted = await resolve_exercise(conn, name)
    items = work_items(workout["blocks"])
    target = next((i for i in items if wanted is not None and i["exercise"] == wanted["slug"]),
                  None) or item_named(name, items)
    if target is None:
        names = ", ".join(str(i.get("name") or i["exercise"]) for i in items)
        return refused.model_copy(update={"reason": f"{name} is not in that session "
                                                    f"({names})"})
    profile = await latest_profile(conn, user_id) or Profile()
    candidates = [c for c in await candidates_for(
        conn, await day_equipment(conn, user_id, day, profile), profile)
        if c["slug"] != target["exercise"]]
    blocks, changes = refit_blocks(list(workout["blocks"]), candidates,
                                   await library_facts(conn, [str(target["exercise"])]),
                                   only=frozenset({str(target["exercise"])}))
    if not changes or changes[0][1] is None:
        return refused.model_copy(update={"reason": "no alternative with your equipment"})
    await conn.execute(sql("replace_workout_blocks"), user_id, workout["id"], blocks,
                       f"swapped {changes[0][0]} for {changes[0][1]}"
                       + (f": {reason}" if reason else ""))
    return SessionChange(done=True, action="swap", date=day.isoformat(),
                         swapped_from=changes[0][0], swapped_to=changes[0][1])
