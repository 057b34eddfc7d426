"""A programme rubric: any week, whoever wrote it, scored as an exercise scientist would.

Written programmes are judged on FITT-VP (frequency, intensity, time, type, volume,
progression) plus how well they fit the person (individualisation) and whether they are safe
for them. ``score_week`` returns the hard violations (things a coach would refuse to send: a
session on a day they can't train, kit they don't own, a move their injury or a promise rules
out, a load heavier than their dumbbells, a session far off the time they have, a full-body
session without a push, a pull or a leg pattern) and a 0-100 score with reasons per dimension.
A week with any violation scores at most ``VIOLATION_CAP``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from worker.domain.vocabulary import LOADABLE
from worker.domain.workouts import DayPlan, WeekPlan
from worker.localtime import WEEKDAY_ABBR
from worker.planning.archetypes import LOWER, PULL, PUSH
from worker.planning.candidates import injured_areas
from worker.planning.constraints import Candidate
from worker.planning.engine import (
    TIME_TOLERANCE,
    Plan,
    covers,
    estimate_minutes,
    target_lift,
)
from worker.planning.repair import MAX_WEEKLY_SETS_PER_PATTERN

VIOLATION_CAP = 49
#: Skill practice is submaximal: more sets a week than hard strength sets, but not unlimited.
SKILL_PATTERNS = frozenset({"handstand", "static_holds", "dynamic_skills"})
SKILL_WEEKLY_SETS = 30
#: Minutes a session may run past the time asked (rounding, a slow transition), no more.
OVER_MINUTES = 1
#: Conditioning, mobility and balance are not counted as hard sets.
UNCOUNTED = frozenset({"locomotion", "mobility", "balance", "flow", "wrist"})
WEIGHTS: dict[str, int] = {
    "frequency": 15, "intensity": 15, "time": 10, "type": 15, "volume": 15,
    "progression": 10, "individualisation": 10, "safety": 10,
}
#: Sessions a week by level (ACSM 2009): novice 2-3, intermediate 3-4, advanced 4-5.
SESSIONS_BY_LEVEL: dict[str, tuple[int, int]] = {
    "beginner": (2, 3), "intermediate": (3, 4), "advanced": (4, 5)}
#: Rep ranges of the main work that serve each programme.
MAIN_REPS: dict[str, tuple[int, int]] = {
    "strength": (1, 6), "hypertrophy": (5, 15), "fat_loss": (6, 20), "general": (5, 15),
    "skill": (1, 12), "endurance": (3, 12), "gentle": (6, 15), "return": (6, 20),
}


@dataclass(frozen=True)
class Violation:
    rule: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "detail": self.detail}


@dataclass
class Dimension:
    score: float = 1.0
    reasons: list[str] = field(default_factory=list)

    def dock(self, amount: float, reason: str) -> None:
        self.score = max(0.0, self.score - amount)
        self.reasons.append(reason)


@dataclass
class Score:
    total: int
    violations: list[Violation]
    dimensions: dict[str, Dimension]

    def as_dict(self) -> dict[str, Any]:
        return {name: {"score": round(d.score * WEIGHTS[name]), "of": WEIGHTS[name],
                       "reasons": d.reasons} for name, d in self.dimensions.items()}

    def lines(self) -> list[str]:
        found = [f"score {self.total}/100"]
        found += [f"VIOLATION {v.rule}: {v.detail}" for v in self.violations]
        for name, d in self.dimensions.items():
            found.append(f"{name:<18} {round(d.score * WEIGHTS[name]):>2}/{WEIGHTS[name]}"
                         + (f"  {'; '.join(d.reasons)}" if d.reasons else ""))
        return found


def score_week(week: WeekPlan, plan: Plan, library: Mapping[str, Candidate], *,
               equipment: Sequence[str] | None = None,
               trip_equipment: Mapping[int, Sequence[str]] | None = None) -> Score:
    """Score one week for the athlete ``plan`` describes; ``library`` holds every exercise
    (not only the ones the athlete may do), so a forbidden one is recognised."""
    dims = {name: Dimension() for name in WEIGHTS}
    violations: list[Violation] = []
    sessions = [d for d in week.days if not d.is_rest_day and d.blocks]
    owned = set(equipment if equipment is not None else plan.profile.equipment)
    injured = set(injured_areas(plan.profile.current_injuries()))

    violations += _days(plan, sessions)
    for day in sessions:
        kit = set(trip_equipment[day.weekday]) if trip_equipment and \
            day.weekday in trip_equipment else owned
        violations += _exercises(plan, day, library, kit, injured)
        violations += _session_time(plan, week, day, library, dims["time"])
        if _full_body(plan, day):
            missing = [k for k, v in covers(_patterns(day, library)).items() if not v]
            if missing:
                violations.append(Violation("balance", f"{_day(day)} has no "
                                            f"{' or '.join(missing)} exercise"))
    totals = _weekly_sets(sessions, library)
    for pattern, sets in totals.items():
        limit = SKILL_WEEKLY_SETS if pattern in SKILL_PATTERNS else MAX_WEEKLY_SETS_PER_PATTERN
        if pattern not in UNCOUNTED and sets > limit:
            violations.append(Violation("volume", f"{sets} sets of {pattern} in a week"))
    violations += _programme(plan, sessions, library)

    _frequency(plan, sessions, library, dims["frequency"])
    _intensity(plan, sessions, library, dims["intensity"])
    _type(plan, sessions, library, dims["type"])
    _volume(plan, totals, dims["volume"], week.is_deload)
    _progression(plan, week, sessions, library, dims["progression"])
    _individual(plan, sessions, library, dims["individualisation"])
    if violations:
        dims["safety"].dock(1.0, f"{len(violations)} hard violation(s)")
    total = round(sum(d.score * WEIGHTS[n] for n, d in dims.items()))
    if violations:
        total = min(total, VIOLATION_CAP)
    return Score(total, violations, dims)


# --- Hard rules ------------------------------------------------------------------------------


def _day(day: DayPlan) -> str:
    return WEEKDAY_ABBR[day.weekday - 1]


def _days(plan: Plan, sessions: Sequence[DayPlan]) -> list[Violation]:
    found = []
    named = set(plan.profile.training_days)
    excluded = set(plan.profile.excluded_days)
    for day in sessions:
        if day.weekday not in plan.days:
            found.append(Violation("days", f"a session on {_day(day)}, not a training day"))
        if day.weekday in excluded:
            found.append(Violation("days", f"a session on {_day(day)}, a day they can't train"))
        if day.weekday in named:
            continue  # the athlete chose it
        for activity in plan.profile.activities:
            if not activity.hard:
                continue
            if activity.weekday == day.weekday:
                found.append(Violation("days", f"a session on {_day(day)}, their "
                                       f"{activity.what} day"))
            elif "long" in activity.what.lower() and (activity.weekday - day.weekday) % 7 == 1:
                found.append(Violation("days", f"a session on {_day(day)}, the day before "
                                       f"their {activity.what}"))
    return found


def _exercises(plan: Plan, day: DayPlan, library: Mapping[str, Candidate], kit: set[str],
               injured: set[str]) -> list[Violation]:
    found = []
    for block in day.blocks:
        for item in block.exercises:
            fact = library.get(item.exercise)
            if fact is None:
                found.append(Violation("library", f"{item.exercise} is not a library exercise"))
                continue
            if not fact.equipment <= kit:
                need = ", ".join(sorted(fact.equipment - kit))
                found.append(Violation("equipment", f"{fact.name} needs {need} ({_day(day)})"))
            if fact.contraindications & injured:
                areas = ", ".join(sorted(fact.contraindications & injured))
                found.append(Violation("injury", f"{fact.name} loads the {areas} "
                                       f"({_day(day)})"))
            rule = plan.constraints.forbids(fact)
            if rule is not None:
                found.append(Violation("promise", f"{fact.name}: {rule.why} ({_day(day)})"))
            elif fact.tags & plan.archetype.forbid:
                found.append(Violation("promise", f"{fact.name} is "
                                       f"{', '.join(sorted(fact.tags & plan.archetype.forbid))}"
                                       f", not for this programme ({_day(day)})"))
            if item.load is not None:
                for kind in sorted(fact.equipment & set(plan.caps)):
                    cap = plan.caps[kind]
                    limit = cap.max_load if (item.load_unit or cap.unit) == cap.unit else (
                        cap.max_load * 2.20462 if item.load_unit == "lb" else
                        cap.max_load / 2.20462)
                    if item.load > limit + 1e-6:
                        found.append(Violation("load_cap", f"{fact.name} at {item.load:g}"
                                               f"{item.load_unit or ''}, heavier than their "
                                               f"{cap.max_load:g}{cap.unit} {kind}"))
    return found


def _session_time(plan: Plan, week: WeekPlan, day: DayPlan, library: Mapping[str, Candidate],
                  dim: Dimension) -> list[Violation]:
    unilateral = frozenset(s for s, c in library.items() if c.unilateral)
    minutes = estimate_minutes(day.blocks, unilateral)
    asked = plan.minutes
    slack = max(2, round(asked * TIME_TOLERANCE))
    off = minutes - asked
    if off > 0 or -off > slack // 2:
        dim.dock(min(0.5, abs(off) / asked), f"{_day(day)} {minutes} min for {asked} asked")
    if off > OVER_MINUTES:  # the time they have is a limit, not a target to pass
        return [Violation("time", f"{_day(day)} is {minutes} min, more than the {asked} "
                          "they have")]
    if off < -slack and not week.is_deload:
        return [Violation("time", f"{_day(day)} is {minutes} min, asked {asked} "
                          f"(within {slack})")]
    return []


def _full_body(plan: Plan, day: DayPlan) -> bool:
    """Whether the programme's session for this day trains the whole body."""
    sessions = plan.archetype.weeks[max(1, min(7, len(plan.days)))]
    if day.weekday not in plan.days:
        return len(plan.days) <= 3
    index = plan.days.index(day.weekday)
    return index < len(sessions) and sessions[index].full_body


def _patterns(day: DayPlan, library: Mapping[str, Candidate]) -> set[str]:
    """Movement patterns a session trains (isolation moves train none: a curl is no pull)."""
    return {library[i.exercise].pattern for b in day.blocks if b.kind != "warmup"
            for i in b.exercises if i.exercise in library
            and "isolation" not in library[i.exercise].tags}


def _weekly_sets(sessions: Sequence[DayPlan], library: Mapping[str, Candidate]
                 ) -> Counter[str]:
    totals: Counter[str] = Counter()
    for day in sessions:
        for block in day.blocks:
            if block.kind == "warmup":
                continue
            for item in block.exercises:
                fact = library.get(item.exercise)
                totals[fact.pattern if fact else item.exercise] += item.sets
    return totals


def _programme(plan: Plan, sessions: Sequence[DayPlan], library: Mapping[str, Candidate]
               ) -> list[Violation]:
    found = []
    if plan.archetype.key == "skill" and sessions and not any(
            b.kind == "skill" for d in sessions for b in d.blocks):
        found.append(Violation("goal", "a skills programme with no skill practice"))
    target = target_lift(plan)
    if target is not None and not any(i.exercise == target for d in sessions
                                      for b in d.blocks for i in b.exercises):
        found.append(Violation("goal", f"the target lift ({target.replace('_', ' ')}) is "
                               "not in the week"))
    return found


# --- Scores ----------------------------------------------------------------------------------


def _group_sessions(sessions: Sequence[DayPlan], library: Mapping[str, Candidate]
                    ) -> Counter[str]:
    counts: Counter[str] = Counter()
    for day in sessions:
        for name, present in covers(_patterns(day, library)).items():
            counts[name] += present
    return counts


def _frequency(plan: Plan, sessions: Sequence[DayPlan], library: Mapping[str, Candidate],
               dim: Dimension) -> None:
    low, high = SESSIONS_BY_LEVEL.get(plan.level, (2, 3))
    if plan.archetype.key in ("endurance", "gentle", "return"):
        low, high = 2, 3
    # The athlete's own number of days is theirs to choose; more than suits the level is not.
    if len(sessions) > high + 1 or (len(sessions) < low and len(sessions) < len(plan.days)):
        dim.dock(0.2, f"{len(sessions)} sessions a week ({low}-{high} suit this level)")
    counts = _group_sessions(sessions, library)
    for name in ("push", "pull", "lower"):
        if len(sessions) >= 2 and counts[name] < 2 and plan.archetype.key != "endurance":
            dim.dock(0.15, f"{name} trained {counts[name]}x a week (2x is better)")
    target = target_lift(plan)
    if target is not None:
        times = sum(any(i.exercise == target for b in d.blocks for i in b.exercises)
                    for d in sessions)
        if times < min(2, len(sessions)):
            dim.dock(0.3, f"target lift {times}x a week")


def _work(sessions: Sequence[DayPlan]) -> list[tuple[str, Any]]:
    return [(b.kind, i) for d in sessions for b in d.blocks if b.kind != "warmup"
            for i in b.exercises]


def _intensity(plan: Plan, sessions: Sequence[DayPlan], library: Mapping[str, Candidate],
               dim: Dimension) -> None:
    work = _work(sessions)
    if not work:
        dim.dock(1.0, "no work sets")
        return
    off = [i for _, i in work if i.rir is not None and not 0 <= i.rir <= 4]
    if off:
        dim.dock(0.3, f"{len(off)} exercises outside 0-4 reps in reserve")
    low, high = MAIN_REPS.get(plan.archetype.key, (5, 15))
    mains = [d.blocks for d in sessions]
    main_items = [i for blocks in mains for b in blocks if b.name == "Main"
                  for i in b.exercises if i.unit == "reps" and i.exercise in library
                  and library[i.exercise].equipment & LOADABLE]
    if main_items:
        fit = sum(low <= i.target_min and i.target_max <= high + 5 for i in main_items)
        share = fit / len(main_items)
        if share < 0.75:
            dim.dock(0.4 * (1 - share), f"main reps fit the goal in {fit}/{len(main_items)}")
    known = [i for _, i in work if i.exercise in plan.maxes]
    if known and any(i.load is None for i in known):
        dim.dock(0.2, "a lift with a known number has no load")


def _type(plan: Plan, sessions: Sequence[DayPlan], library: Mapping[str, Candidate],
          dim: Dimension) -> None:
    key = plan.archetype.key
    tags = [[library[i.exercise].tags for b in d.blocks if b.kind != "warmup"
             for i in b.exercises if i.exercise in library] for d in sessions]
    every = len(sessions) or 1
    if key == "skill":
        first = sum(bool(d.blocks) and next((b.kind for b in d.blocks if b.kind != "warmup"),
                                            "") == "skill" for d in sessions)
        if first < every:
            dim.dock(0.5 * (1 - first / every), f"skill practice first in {first}/{every}")
    if key == "gentle":
        functional = sum(any("functional" in t for t in day) for day in tags)
        balance = sum(any(b.kind != "warmup" and library.get(i.exercise) is not None
                          and library[i.exercise].pattern == "balance"
                          for b in d.blocks for i in b.exercises) for d in sessions)
        if functional < every:
            dim.dock(0.3, f"everyday movements in {functional}/{every} sessions")
        if balance < every:
            dim.dock(0.3, f"balance work in {balance}/{every} sessions")
    if key == "fat_loss" and not any(b.kind == "conditioning" for d in sessions
                                     for b in d.blocks):
        dim.dock(0.3, "no conditioning for fat loss")
    if key == "hypertrophy" and not any("isolation" in t for day in tags for t in day):
        dim.dock(0.2, "no isolation work for size")
    if key == "strength":
        loaded = [i for d in sessions for b in d.blocks if b.name == "Main" for i in b.exercises
                  if library.get(i.exercise) is not None
                  and library[i.exercise].equipment & LOADABLE]
        if not loaded and plan.loadable:
            dim.dock(0.4, "no loaded main lifts for a strength goal")
    if key == "endurance":
        single = any(library[i.exercise].unilateral for d in sessions for b in d.blocks
                     for i in b.exercises if i.exercise in library)
        if not single:
            dim.dock(0.3, "no single-leg strength for a runner")
    isolated_main = [i.exercise for d in sessions for b in d.blocks if b.name == "Main"
                     for i in b.exercises if i.exercise in library
                     and "isolation" in library[i.exercise].tags]
    if isolated_main:
        dim.dock(0.2, f"isolation moves as main lifts ({', '.join(isolated_main[:2])})")


def _volume(plan: Plan, totals: Counter[str], dim: Dimension, deload: bool) -> None:
    if deload:
        return
    low, high = plan.archetype.weekly_sets
    groups = {"push": sum(totals[p] for p in PUSH), "pull": sum(totals[p] for p in PULL),
              "lower": sum(totals[p] for p in LOWER)}
    for name, sets in groups.items():
        if sets < low:
            dim.dock(min(0.33, 0.33 * (low - sets) / low),
                     f"{sets} hard {name} sets a week (aim {low}-{high})")
        elif sets > high + 4:
            dim.dock(min(0.33, 0.33 * (sets - high) / high),
                     f"{sets} hard {name} sets a week (aim {low}-{high})")
    if groups["lower"] > 1.6 * max(1, groups["push"] + groups["pull"]) / 2 \
            and plan.archetype.key == "endurance":
        dim.dock(0.3, "leg volume high for a runner")


def _progression(plan: Plan, week: WeekPlan, sessions: Sequence[DayPlan],
                 library: Mapping[str, Candidate], dim: Dimension) -> None:
    if week.target_rir != plan.rir:
        dim.dock(0.3, f"week at RIR {week.target_rir}, the plan says {plan.rir}")
    if plan.week_index == 1 and not week.is_deload:
        loaded = [i for _, i in _work(sessions) if i.exercise in library
                  and library[i.exercise].equipment & LOADABLE and i.unit == "reps"]
        untold = [i for i in loaded if i.load is None and not i.notes]
        if loaded and len(untold) == len(loaded):
            dim.dock(0.3, "no starting loads and no test set to find them")


def _individual(plan: Plan, sessions: Sequence[DayPlan], library: Mapping[str, Candidate],
                dim: Dimension) -> None:
    named = sorted(set(plan.profile.training_days))
    if named and len(named) == len(plan.days) and sorted(d.weekday for d in sessions) != named:
        dim.dock(0.4, "not on the days they named")
    if plan.loadable and plan.archetype.prefer_loaded:
        work = [i for _, i in _work(sessions) if i.exercise in library]
        loaded = sum(bool(library[i.exercise].equipment) for i in work)
        if work and loaded / len(work) < 0.3:
            dim.dock(0.3, "their equipment hardly used")
