"""Workouts as SMS text: compact enough for two segments, clear enough to train from."""

from __future__ import annotations

from typing import Any

from worker.planning.engine import STOCK_NOTES

#: A single set longer than this is steady work: "Brisk walk 2 km", "Elliptical 12 min".
STEADY_METRES = 200
STEADY_SECONDS = 120


def _target(exercise: dict[str, Any]) -> str:
    low, high = exercise.get("target_min"), exercise.get("target_max")
    unit = exercise.get("unit", "reps")
    sets = int(exercise.get("sets") or 1)
    top = float(high or 0)
    if sets == 1 and unit == "distance" and top > STEADY_METRES:
        return f"{top / 1000:.1f} km".replace(".0 km", " km")
    if sets == 1 and unit == "seconds" and top > STEADY_SECONDS:
        return f"{round(top / 60)} min"
    span = f"{low}" if low == high or high is None else f"{low}-{high}"
    suffix = {"seconds": "s", "distance": "m"}.get(unit, "")
    return f"{exercise.get('sets', 1)}x{span}{suffix}"


def exercise_line(exercise: dict[str, Any]) -> str:
    name = exercise.get("name") or str(exercise.get("exercise", "")).replace("_", " ")
    line = f"{name} {_target(exercise)}"
    if exercise.get("load"):
        line += f" @{float(exercise['load']):g}{exercise.get('load_unit') or ''}"
    notes = str(exercise.get("notes") or "")
    if exercise.get("sets") == 1 and exercise.get("unit") in ("seconds", "distance") \
            and notes and notes not in STOCK_NOTES:
        line += f" ({notes})"  # a programme's week: "run 60 s, walk 90 s, 8 times"
    return line


def workout_text(workout: dict[str, Any], *, detail: bool = False) -> str:
    """One session: title, then blocks as 'Name 3x8-12, Name 3x30s'."""
    if workout.get("is_rest_day"):
        return "Rest day: an easy walk or some mobility if you feel like it."
    title = workout.get("title") or "Today's session"
    minutes = workout.get("estimated_minutes")
    head = f"{title} ({minutes} min)" if minutes else title
    parts = []
    for block in workout.get("blocks") or []:
        names = ", ".join(exercise_line(e) for e in block.get("exercises") or [])
        if not names:
            continue
        if detail or block.get("kind") not in ("warmup", "cooldown"):
            label = block.get("name") or block.get("kind", "")
            parts.append(f"{label}: {names}" if detail else names)
    rir = next(
        (e.get("rir") for b in workout.get("blocks") or [] for e in b.get("exercises") or []
         if e.get("rir") is not None),
        None,
    )
    effort = f" Leave ~{rir} reps in reserve." if rir is not None else ""
    if any(str(e.get("notes") or "").startswith("first week") for b in workout.get("blocks")
           or [] for e in b.get("exercises") or []):
        effort += " New lifts: start light and text me the weight you used."
    return f"{head}: " + "; ".join(parts) + "." + effort
