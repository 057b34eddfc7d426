"""Answers to the questions athletes text, from the library, the plan and their own logs.

"What's a Romanian deadlift?" is answered from the library (what it trains, the cue, easier and
harder rungs); "how heavy should I go?" from today's prescription, the target effort and what
the athlete last lifted. The coach words the answer; these functions supply the facts.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from worker.coach.logbook import resolve_logged, work_items
from worker.coach.results import ExerciseExplained, LoadAdvice, LoadTip
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.vocabulary import LOADABLE
from worker.planning.progression import next_load
from worker.planning.steps import positions

#: Words of the coach's own texts an athlete may ask about, in plain words. Checked before the
#: library, so "what's a hip hinge?" is not answered as "not in my library".
TERMS: dict[str, tuple[str, str]] = {
    "hinge": ("A hip hinge", "bending at the hips, not the waist: push your bottom back as if "
              "closing a car door with it, knees soft, back flat, then stand tall by squeezing "
              "your glutes. You should feel it in the back of the thighs, not the lower back; "
              "it's how you pick things up safely"),
    "rir": ("RIR (reps in reserve)", "how many more reps you could have done when you stop the "
            "set: 2 RIR means you stop with about 2 good reps left, short of failure"),
    "rpe": ("RPE", "how hard a set felt from 1 to 10: 10 is nothing left, 8 is about 2 reps "
            "left in the tank"),
    "amrap": ("AMRAP", "as many reps as possible with good form"),
    "superset": ("A superset", "two exercises done back to back, then the rest"),
    "deload": ("A deload", "a lighter week (fewer sets, lighter loads) so your body catches up "
               "and the next block goes better"),
    "tempo": ("Tempo", "how fast each part of a rep goes; slower lowering makes a light weight "
              "work harder"),
    "emom": ("EMOM", "every minute on the minute: start a set at the top of each minute and rest "
             "for what's left of it"),
    "false grip": ("A false grip", "wrist over the bar or ring so the bar sits in the heel of "
                   "your palm, not your fingers. It lets you turn over the top in a muscle-up; "
                   "practise it in dead hangs and slow pull-ups first, it feels awkward at the "
                   "start"),
    "kipping": ("Kipping", "using a swing of the hips to help a pull-up or muscle-up; strict "
                "reps (no swing) build the strength, so the plan counts those"),
}
_TERM_WORDS: dict[str, str] = {
    "hip hinge": "hinge", "hinge": "hinge", "hinging": "hinge", "rir": "rir",
    "reps in reserve": "rir", "rpe": "rpe", "amrap": "amrap", "superset": "superset",
    "supersets": "superset", "deload": "deload", "deload week": "deload", "tempo": "tempo",
    "emom": "emom", "false grip": "false grip", "kipping": "kipping", "kip": "kipping",
}


def explain_term(name: str) -> ExerciseExplained | None:
    """The meaning of a training term in the coach's texts, or None if it is not one."""
    key = " ".join(name.lower().replace("'", " ").replace('"', " ").split())
    key = key.removeprefix("a ").removeprefix("an ").removeprefix("the ")
    term = _TERM_WORDS.get(key)
    if term is None:
        return None
    title, meaning = TERMS[term]
    return ExerciseExplained(found=True, name=title, term=meaning)


async def explain_exercise(conn: Conn, name: str) -> ExerciseExplained:
    term = explain_term(name)
    if term is not None:
        return term
    # "romanian deadlift and": the library name inside what was asked
    row = await resolve_logged(conn, name, [])
    if row is None:
        return ExerciseExplained(found=False)
    details = await conn.fetchrow(sql("exercise_details"), [row["slug"]])
    assert details is not None
    chains = details["chains"]
    easier = harder = None
    names = {}
    for chain in chains:
        rungs = list(chain["rungs"])
        index = rungs.index(row["slug"])
        if index > 0 and easier is None:
            easier = rungs[index - 1]
        if index + 1 < len(rungs) and harder is None:
            harder = rungs[index + 1]
    if easier or harder:
        names = {str(r["slug"]): str(r["name"]) for r in await conn.fetch(
            sql("exercise_details"), [s for s in (easier, harder) if s])}
    return ExerciseExplained(
        found=True, name=row["name"], slug=row["slug"],
        pattern=str(row["pattern"]).replace("_", " "),
        equipment=list(row["equipment"] or []), cue=row["cue"],
        description=details["description"], unit=row["unit"],
        range=[row["default_min"], row["default_max"]],
        easier=names.get(easier or ""), harder=names.get(harder or ""),
    )


async def load_advice(
    conn: Conn, user_id: UUID, today: date, exercise: str | None
) -> LoadAdvice:
    """For each loaded exercise of today's session (or the one asked about): what to lift."""
    workout = await conn.fetchrow(sql("workout_on"), user_id, today)
    items = work_items(workout["blocks"]) if workout and not workout["is_rest_day"] else []
    if exercise:
        row = await resolve_logged(conn, exercise, items)
        slug = str(row["slug"]) if row else None
        items = [i for i in items if i.get("exercise") == slug] or (
            [{"exercise": slug, "name": row["name"], "target_min": row["default_min"],
              "target_max": row["default_max"], "rir": 2}] if row and slug else [])
    facts = {str(r["slug"]): r for r in await conn.fetch(
        sql("exercise_details"), [str(i["exercise"]) for i in items])}
    equipment = {slug: set(r["equipment"] or []) for slug, r in facts.items()}
    bodyweight = [str(i.get("name") or i["exercise"]) for i in items
                  if not equipment.get(str(i["exercise"]), set()) & LOADABLE]
    items = [i for i in items if equipment.get(str(i["exercise"]), set()) & LOADABLE]
    advice = []
    history = await conn.fetch(sql("exercise_history"), user_id,
                               [str(i["exercise"]) for i in items], date.min)
    where = await positions(conn, user_id, [str(i["exercise"]) for i in items], follow=False)
    for item in items:
        slug = str(item["exercise"])
        loaded = [r for r in history if r["slug"] == slug and r["top_load"] is not None]
        rir = item.get("rir") if item.get("rir") is not None else 2
        entry: dict[str, Any] = {"exercise": item.get("name") or slug,
                                 "reps": f"{item.get('target_min')}-{item.get('target_max')}",
                                 "rir": rir}
        position = where.get(slug)
        if item.get("load"):
            entry["load"] = float(item["load"])
            entry["load_unit"] = item.get("load_unit") or "kg"
            entry["basis"] = "prescribed"
        elif position is not None and position.load is not None:
            entry["load"], entry["load_unit"], entry["basis"] = (
                position.load, position.load_unit, "progression")
        elif loaded:
            last = loaded[-1]
            reps = [int(s.get("reps") or 0) for s in last["sets"] or []]
            load = float(last["top_load"])
            unit: Literal["kg", "lb"] = "lb" if last["load_unit"] == "lb" else "kg"
            top = int(item.get("target_max") or 0)
            filled = bool(reps) and min(reps) >= top > 0
            pattern = str(facts[slug]["pattern"]) if slug in facts else ""
            entry["load"] = next_load(load, unit, pattern, up=True) if filled else load
            entry["load_unit"] = unit
            entry["basis"] = "last time" + (" (you filled the range)" if filled else "")
            entry["last"] = f"{load:g}{unit} for {','.join(map(str, reps)) or 'done'}"
        else:
            entry["basis"] = "first time"
        advice.append(entry)
    return LoadAdvice(date=today.isoformat(), advice=[LoadTip.model_validate(a) for a in advice],
                      bodyweight=bodyweight,
                      rule="a weight you could lift for about target-max + RIR reps; "
                           "the last rep slow but clean")
