"""Starting loads from the numbers athletes state, and the rate a target date asks for.

"Bench 85 kg for 5", "I squat 140", "deadlift 180 for a single": each is an estimated one-rep
max (Epley: load x (1 + reps / 30), trusted up to 10 reps). A working set of r reps with k reps
in reserve is the load the athlete could lift r + k times: e1RM / (1 + (r + k) / 30), rounded
down to the plates they have (2.5 kg / 5 lb). A load never goes above the heaviest dumbbell or
kettlebell the athlete owns. A target ("deadlift 200 by July") becomes a weekly rate of e1RM
gain, which the weeks before any log use, and which says whether the date is realistic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from worker.domain.profile import Lift, LoadCap, Profile, Target
from worker.domain.workouts import LoadUnit
from worker.library.seed import load_library_file, normalize_alias

#: Epley's estimate is trusted up to this many reps; beyond it a set says little about a max.
MAX_ESTIMATE_REPS = 10
#: Smallest plate jump per unit.
STEP: dict[str, float] = {"kg": 2.5, "lb": 5.0}
#: A realistic e1RM gain per week for a trained lifter (about 0.5-1 %), beyond which a
#: target date is called ambitious.
REALISTIC_WEEKLY_GAIN = 0.01
#: Under this load a stated "squat" is the athlete's bodyweight squat, not a barbell lift.
BARBELL_FLOOR = 20.0

#: A bare lift name with a load means the barbell lift ("I squat 140" is a back squat).
LOADED_FAMILY: dict[str, str] = {
    "squat": "back_squat", "bodyweight_squat": "back_squat", "air_squat": "back_squat",
    "bench": "bench_press", "press": "overhead_press", "row": "barbell_row",
    "deadlift": "deadlift", "dl": "deadlift", "pull_up": "pull_up", "hip_thrust": "hip_thrust",
}
#: Lifts that share a maximum closely enough to seed each other's first working load.
RELATED: dict[str, tuple[str, ...]] = {
    "back_squat": ("front_squat", "smith_machine_squat"),
    "bench_press": ("incline_bench_press",),
    "deadlift": ("sumo_deadlift", "romanian_deadlift"),
    "overhead_press": ("push_press",),
}
#: How much of the parent lift's maximum the related lift carries.
RELATED_SHARE: dict[str, float] = {"front_squat": 0.8, "smith_machine_squat": 0.9,
                                   "incline_bench_press": 0.85, "sumo_deadlift": 1.0,
                                   "romanian_deadlift": 0.65, "push_press": 1.1}


@dataclass(frozen=True)
class Max:
    """An estimated one-rep max for one library exercise."""

    slug: str
    e1rm: float
    unit: LoadUnit
    source: str


@cache
def _aliases() -> dict[str, str]:
    lib = load_library_file()
    found: dict[str, str] = {}
    for exercise in lib.exercises:
        found[normalize_alias(exercise.slug)] = exercise.slug
        found[normalize_alias(exercise.name)] = exercise.slug
        for alias in exercise.aliases:
            found[normalize_alias(alias)] = exercise.slug
    return found


def lift_slug(name: str, *, loaded: bool) -> str | None:
    """The library exercise a stated lift names ("bench" -> bench_press, "squat 140" ->
    back_squat)."""
    key = normalize_alias(name)
    slug = _aliases().get(key) or _aliases().get(key.rstrip("s"))
    words = name.lower().replace("-", " ").split()
    base = "_".join(words)
    if loaded:
        family = LOADED_FAMILY.get(slug or "") or LOADED_FAMILY.get(base) or LOADED_FAMILY.get(
            base.rstrip("s"))
        if family:
            return family
    return slug


def e1rm(load: float, reps: int) -> float:
    return load * (1 + min(reps, MAX_ESTIMATE_REPS) / 30) if reps > 1 else load


def working_load(max_: float, reps: int, rir: int, unit: str) -> float:
    """The load for ``reps`` reps with ``rir`` in reserve, rounded down to a plate."""
    raw = max_ / (1 + (reps + rir) / 30)
    step = STEP.get(unit, 2.5)
    return max(step, math.floor(raw / step) * step)


def maxes(profile: Profile) -> dict[str, Max]:
    """Estimated maxes by library slug, from the lifts the athlete stated (current ones)."""
    found: dict[str, Max] = {}
    for lift in profile.lifts:
        estimate = _estimate(lift)
        if estimate is None:
            continue
        slug = lift_slug(lift.exercise, loaded=(lift.load or 0) >= BARBELL_FLOOR)
        if slug is None:
            continue
        unit: LoadUnit = lift.unit or "kg"
        known = found.get(slug)
        if known is None or estimate > known.e1rm:
            found[slug] = Max(slug, estimate, unit, _said(lift))
    for parent, related in RELATED.items():
        if parent in found:
            for slug in related:
                if slug not in found:
                    share = RELATED_SHARE.get(slug, 0.8)
                    found[slug] = Max(slug, found[parent].e1rm * share, found[parent].unit,
                                      f"from your {found[parent].source}")
    return found


def _estimate(lift: Lift) -> float | None:
    if lift.load is None or lift.load <= 0 or lift.past:
        return None
    return e1rm(lift.load, lift.reps or 1)


def _said(lift: Lift) -> str:
    reps = f" x{lift.reps}" if lift.reps and lift.reps > 1 else ""
    unit = lift.unit or ""
    return f"{lift.exercise} {lift.load:g}{unit}{reps}"


def capped(load: float, equipment: Sequence[str], caps: Mapping[str, LoadCap],
           unit: str) -> float:
    """A load no heavier than the heaviest dumbbell or kettlebell the athlete owns."""
    for item in equipment:
        cap = caps.get(item)
        if cap is not None:
            limit = cap.max_load if cap.unit == unit else _convert(cap.max_load, cap.unit, unit)
            load = min(load, limit)
    return load


def _convert(value: float, unit: str, to: str) -> float:
    if unit == to:
        return value
    return value * 2.20462 if to == "lb" else value / 2.20462


@dataclass(frozen=True)
class TargetRate:
    """What a lift target asks for each week, and whether that is realistic."""

    slug: str
    unit: LoadUnit
    start: float
    goal: float
    weeks: float
    per_week: float
    realistic: bool

    def words(self) -> str:
        lift = self.slug.replace("_", " ")
        if self.per_week < WITHIN_REACH_PER_WEEK:
            # An estimate from a set of 3-5 is not a tested single: say what the plan is for.
            return (f"{lift}: your numbers put a single near {self.start:.0f}{self.unit} "
                    f"already, so {self.goal:g}{self.unit} is within reach; the plan builds "
                    "you to a true single")
        pace = "realistic" if self.realistic else "ambitious, so we'll see how the first weeks go"
        return (f"{lift}: about {self.start:.0f}{self.unit} for one now, {self.goal:g}"
                f"{self.unit} is +{self.per_week:.1f}{self.unit} a week ({pace})")


#: Below this weekly gain a target is as good as reached, on paper.
WITHIN_REACH_PER_WEEK = 0.25


def target_rates(profile: Profile, today: date) -> list[TargetRate]:
    """Each lift target with a date and a known current number, as a weekly rate."""
    known = maxes(profile)
    found: list[TargetRate] = []
    for target in profile.targets:
        rate = _rate(target, known, today)
        if rate is not None:
            found.append(rate)
    return found


def _rate(target: Target, known: Mapping[str, Max], today: date) -> TargetRate | None:
    if target.value is None or target.change or target.by is None:
        return None
    slug = lift_slug(target.what, loaded=target.value >= BARBELL_FLOOR)
    current = known.get(slug or "")
    if slug is None or current is None:
        return None
    try:
        by = date.fromisoformat(target.by)
    except ValueError:
        return None
    weeks = max(1.0, (by - today).days / 7)
    per_week = max(0.0, (target.value - current.e1rm) / weeks)
    return TargetRate(slug, current.unit, current.e1rm, target.value, weeks, per_week,
                      per_week <= current.e1rm * REALISTIC_WEEKLY_GAIN)


def planned_max(current: Max, rates: Sequence[TargetRate], week_index: int) -> float:
    """The maximum a week's loads are taken from: the stated one, raised by the target's rate
    (no faster than is realistic) for each week since the plan began."""
    rate = next((r for r in rates if r.slug == current.slug), None)
    if rate is None or week_index <= 1:
        return current.e1rm
    per_week = min(rate.per_week, current.e1rm * REALISTIC_WEEKLY_GAIN)
    return current.e1rm + per_week * (week_index - 1)
