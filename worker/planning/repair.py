"""Validate and repair a week, whoever wrote it.

A model can name an exercise the athlete cannot do, put a session on a day they cannot train,
stack 30 sets of pressing or write a 90-minute session for a 30-minute athlete. Nothing it writes
reaches an athlete without passing through here: days are put on the athlete's training days,
every exercise becomes one the athlete can do (the nearest of the same movement pattern), and
sets, reps, effort, rest, weekly volume and session length are brought within bounds.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from worker.domain.vocabulary import LOADABLE
from worker.domain.workouts import DayPlan, PrescribedExercise, WeekPlan, WorkoutBlock
from worker.planning.engine import (
    MIN_WORK_EXERCISES,
    Choice,
    Plan,
    build_week,
    default_training_days,
    estimate_minutes,
    finish_day,
    pattern_of,
    target_rir,
)

MAX_SETS = 5
MAX_WEEKLY_SETS_PER_PATTERN = 20
MIN_REST, MAX_REST = 30, 300
#: The longest session a day can record (a model's 6-hour day is cut down before this).
MAX_MINUTES = 300


@dataclass
class Repairs:
    notes: list[str] = field(default_factory=list)

    def add(self, note: str) -> None:
        self.notes.append(note)


@dataclass(frozen=True)
class WeekRules:
    training_days: list[int]
    session_minutes: int
    is_deload: bool
    target_rir: int

    @classmethod
    def from_variables(cls, variables: Mapping[str, Any]) -> WeekRules:
        profile: Mapping[str, Any] = variables.get("profile") or {}
        week: Mapping[str, Any] = variables.get("week") or {}
        days = sorted(set(week.get("training_days") or profile.get("training_days") or [])) \
            or default_training_days(int(profile.get("days_per_week") or 3))
        is_deload = bool(week.get("is_deload"))
        rir = week.get("target_rir")
        if rir is None:
            rir = target_rir(int(week.get("week_in_phase") or 1), is_deload)
        return cls(days, int(profile.get("session_minutes") or 45), is_deload, int(rir))


class Substitutes:
    """Finds the exercise an athlete can do that is nearest to the one asked for."""

    def __init__(
        self, candidates: Sequence[Mapping[str, Any]], library: Mapping[str, Mapping[str, Any]]
    ) -> None:
        self.candidates = {str(c["slug"]): c for c in candidates}
        self.library = library
        self.by_name = {str(c["name"]).lower(): str(c["slug"]) for c in candidates}

    def resolve(self, wanted: str) -> str | None:
        key = wanted.strip().lower()
        if key in self.candidates:
            return key
        slug = key.replace(" ", "_").replace("-", "_")
        if slug in self.candidates:
            return slug
        if key in self.by_name:
            return self.by_name[key]
        known = self.library.get(slug)
        if known is not None:  # a real exercise the athlete cannot do: same pattern, nearest
            return self.nearest(str(known["pattern"]), int(known["difficulty"]))
        names = difflib.get_close_matches(key, list(self.by_name), n=1, cutoff=0.6)
        return self.by_name[names[0]] if names else None

    def nearest(self, pattern: str, difficulty: int) -> str | None:
        options = [c for c in self.candidates.values() if c["pattern"] == pattern]
        if not options:
            return None
        best = min(options, key=lambda c: (abs(int(c["difficulty"]) - difficulty),
                                           int(c["difficulty"]), str(c["slug"])))
        return str(best["slug"])


def repair_week(
    week: WeekPlan,
    variables: Mapping[str, Any],
    library: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[WeekPlan, list[str]]:
    """A week that satisfies the athlete's constraints, and what had to change to get there."""
    rules = WeekRules.from_variables(variables)
    plan = Plan.from_variables(variables)
    allowed = {c.slug for c in plan.candidates}
    candidates = [c for c in variables.get("candidates") or [] if c["slug"] in allowed]
    subs = Substitutes(candidates, library or {})
    repairs = Repairs()
    fallback = build_week(variables)
    choice = Choice()

    sessions = [d for d in sorted(week.days, key=lambda d: d.weekday)
                if not d.is_rest_day and d.blocks]
    days: list[DayPlan] = []
    for weekday in range(1, 8):
        if weekday not in rules.training_days:
            days.append(DayPlan(weekday=weekday, title="Rest day", focus="recovery",
                                is_rest_day=True, estimated_minutes=0, blocks=[]))
            continue
        if sessions:
            source = sessions.pop(0)
            if source.weekday != weekday:
                repairs.add(f"moved {source.title} from day {source.weekday} to {weekday}")
        else:
            source = fallback.days[weekday - 1]
            repairs.add(f"day {weekday}: no session written; the engine's used")
        days.append(_repair_day(source, weekday, rules, subs, fallback, repairs))
    if sessions:
        repairs.add(f"dropped {len(sessions)} session(s) beyond the athlete's training days")
    days = _cap_weekly_volume(days, candidates, repairs, plan.unilateral())
    for i, day in enumerate(days):  # each session counts the others as already finished
        days[i] = _finish(day, plan, days, choice, rules, repairs)
    # Finishing a day can add the pattern it lacked (a squat on every day of six); the week as
    # a whole is held to the cap once more, and a day the cut left short is finished again,
    # now counting the real week, so it grows with other patterns.
    capped = _cap_weekly_volume(days, candidates, repairs, plan.unilateral())
    for i, (before, after) in enumerate(zip(days, capped, strict=True)):
        capped[i] = after if after == before else _finish(after, plan, capped, choice, rules,
                                                          repairs)
    days = capped
    repaired = WeekPlan(theme=week.theme, is_deload=rules.is_deload,
                        target_rir=rules.target_rir, days=days)
    return repaired, repairs.notes


def _finish(day: DayPlan, plan: Plan, week: Sequence[DayPlan], choice: Choice,
            rules: WeekRules, repairs: Repairs) -> DayPlan:
    """Hold one repaired session to the programme (balance, time), counting the week's other
    sessions so nothing it adds breaks the weekly volume cap."""
    if day.is_rest_day:
        return day
    patterns = pattern_of(plan)
    others: Counter[str] = Counter()
    for other in week:
        if other.weekday == day.weekday:
            continue
        for block in other.blocks:
            if block.kind != "warmup":
                for item in block.exercises:
                    others[patterns.get(item.exercise, item.exercise)] += item.sets
    choice.week_sets = others
    unilateral = plan.unilateral()
    before = estimate_minutes(day.blocks, unilateral)
    finished = finish_day(plan, day.blocks, day.weekday, choice)
    after = estimate_minutes(finished, unilateral)
    if finished != day.blocks:
        repairs.add(f"day {day.weekday}: fitted to the programme and {rules.session_minutes} "
                    f"min ({before} -> {after} min)")
    return day.model_copy(update={"blocks": finished, "estimated_minutes": after})


def _repair_day(
    day: DayPlan, weekday: int, rules: WeekRules, subs: Substitutes, fallback: WeekPlan,
    repairs: Repairs,
) -> DayPlan:
    blocks: list[WorkoutBlock] = []
    used: set[str] = set()
    for block in day.blocks:
        items: list[PrescribedExercise] = []
        for item in block.exercises:
            slug = subs.resolve(item.exercise)
            if slug is None or slug in used:
                repairs.add(f"day {weekday}: dropped {item.exercise!r} (not available)")
                continue
            if slug != item.exercise:
                repairs.add(f"day {weekday}: {item.exercise!r} -> {slug}")
            used.add(slug)
            items.append(_repair_item(item, subs.candidates[slug], block.kind, rules))
        if items:
            blocks.append(WorkoutBlock(name=block.name, kind=block.kind, exercises=items))
    work = [b for b in blocks if b.kind != "warmup"]
    if sum(len(b.exercises) for b in work) < MIN_WORK_EXERCISES:
        repairs.add(f"day {weekday}: too little work written; the engine's session used")
        engine_day = fallback.days[weekday - 1]
        if not engine_day.is_rest_day:
            blocks = list(engine_day.blocks)
    return DayPlan(weekday=weekday, title=day.title, focus=day.focus, is_rest_day=False,
                   estimated_minutes=min(estimate_minutes(blocks), MAX_MINUTES), blocks=blocks)


#: The longest steady bout a week may hold, by unit: 90 minutes, or 15 km.
STEADY_CEILING: dict[str, int] = {"seconds": 90 * 60, "distance": 15_000}


def _repair_item(
    item: PrescribedExercise, exercise: Mapping[str, Any], kind: str, rules: WeekRules
) -> PrescribedExercise:
    low = int(exercise.get("default_min") or item.target_min)
    high = int(exercise.get("default_max") or item.target_max)
    ceiling = high * 2
    unit = exercise.get("unit") or item.unit
    if kind == "conditioning" and item.sets == 1 and unit in STEADY_CEILING:
        # One steady bout (a 25-minute run-walk) is not a set of the exercise's range.
        ceiling = max(ceiling, STEADY_CEILING[unit])
    target_min = min(max(item.target_min, max(1, low // 3)), ceiling)  # heavy triples stay
    target_max = min(max(item.target_max, target_min), ceiling)
    sets = min(max(item.sets, 1), MAX_SETS)
    if rules.is_deload and kind != "warmup":
        sets = min(sets, max(1, MAX_SETS // 2))
    return PrescribedExercise(
        exercise=str(exercise["slug"]),
        sets=sets,
        target_min=target_min,
        target_max=target_max,
        unit=unit,
        rest_seconds=0 if kind == "warmup" else min(max(item.rest_seconds, MIN_REST), MAX_REST),
        rir=None if kind == "warmup" else rules.target_rir,
        notes=item.notes,
        # A load only on a loadable lift counted in reps (caps are applied when the day is
        # finished).
        load=item.load if exercise.get("unit") == "reps" and set(
            exercise.get("equipment") or []) & LOADABLE else None,
        load_unit=item.load_unit if item.load is not None else None,
    )


def _cap_weekly_volume(
    days: list[DayPlan], candidates: Sequence[Mapping[str, Any]], repairs: Repairs,
    unilateral: frozenset[str] = frozenset(),
) -> list[DayPlan]:
    """No movement pattern gets more than MAX_WEEKLY_SETS_PER_PATTERN hard sets a week.

    Over-limit patterns are scaled down across the whole week, then trimmed from the busiest
    sessions, never emptying a session: the cut is shared out, not taken from the last days.
    """
    pattern_of = {str(c["slug"]): str(c["pattern"]) for c in candidates}
    # (day, block, item) -> sets, for work sets only
    work: dict[tuple[int, int, int], PrescribedExercise] = {
        (di, bi, ei): item
        for di, day in enumerate(days) for bi, block in enumerate(day.blocks)
        if block.kind != "warmup" for ei, item in enumerate(block.exercises)
    }
    removed: set[tuple[int, int, int]] = set()
    sets = {key: item.sets for key, item in work.items()}
    totals: Counter[str] = Counter()
    for item in work.values():
        totals[pattern_of.get(item.exercise, item.exercise)] += item.sets
    for pattern, total in totals.items():
        if total <= MAX_WEEKLY_SETS_PER_PATTERN:
            continue
        repairs.add(f"{pattern}: {total} sets a week brought down to "
                    f"{MAX_WEEKLY_SETS_PER_PATTERN}")
        keys = [k for k, item in work.items()
                if pattern_of.get(item.exercise, item.exercise) == pattern]
        for key in keys:
            sets[key] = max(1, sets[key] * MAX_WEEKLY_SETS_PER_PATTERN // total)
        while sum(sets[k] for k in keys if k not in removed) > MAX_WEEKLY_SETS_PER_PATTERN:
            live = [k for k in keys if k not in removed]
            per_day = Counter(k[0] for k in work if k not in removed)
            reducible = [k for k in live if sets[k] > 1]
            if reducible:
                key = max(reducible, key=lambda k: (sets[k], per_day[k[0]]))
                sets[key] -= 1
                continue
            droppable = [k for k in live if per_day[k[0]] > 1]
            if not droppable:
                break
            removed.add(max(droppable, key=lambda k: per_day[k[0]]))
    result: list[DayPlan] = []
    for di, day in enumerate(days):
        blocks: list[WorkoutBlock] = []
        for bi, block in enumerate(day.blocks):
            items = [
                item if block.kind == "warmup"
                else item.model_copy(update={"sets": sets[(di, bi, ei)]})
                for ei, item in enumerate(block.exercises) if (di, bi, ei) not in removed
            ]
            if items:
                blocks.append(WorkoutBlock(name=block.name, kind=block.kind, exercises=items))
        if blocks == day.blocks:
            result.append(day)
            continue
        result.append(day.model_copy(update={
            "blocks": blocks,
            "estimated_minutes": min(estimate_minutes(blocks, unilateral), MAX_MINUTES)
            if blocks else 0,
        }))
    return result


def weekly_sets(week: WeekPlan, candidates: Sequence[Mapping[str, Any]]) -> Counter[str]:
    """Hard sets per movement pattern in a week (warm-ups excluded)."""
    pattern_of = {str(c["slug"]): str(c["pattern"]) for c in candidates}
    totals: Counter[str] = Counter()
    for day in week.days:
        for block in day.blocks:
            if block.kind == "warmup":
                continue
            for item in block.exercises:
                totals[pattern_of.get(item.exercise, item.exercise)] += item.sets
    return totals
