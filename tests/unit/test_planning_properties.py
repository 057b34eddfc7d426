"""Property tests: over many random athletes, engine-written and repaired weeks stay in bounds.

Whatever the profile (equipment, injuries, training days, session length, level, deload or not),
and whatever a model might write, the week an athlete receives trains only on their days, uses
only exercises they can do, fits their session length and keeps weekly volume within limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worker.domain.workouts import DayPlan, PrescribedExercise, WeekPlan, WorkoutBlock
from worker.library.seed import load_library_file
from worker.planning.engine import build_week
from worker.planning.repair import MAX_WEEKLY_SETS_PER_PATTERN, repair_week, weekly_sets

EQUIPMENT = ["dumbbell", "barbell", "kettlebell", "bands", "pull_up_bar", "bench", "rings",
             "machine", "cable", "squat_rack", "box", "parallel_bars", "jump_rope", "treadmill"]
AREAS = ["knee", "shoulder", "lower_back", "wrist", "elbow", "hip", "ankle", "neck"]
MIN_SESSION = 20


@cache
def library() -> list[dict[str, Any]]:
    lib = load_library_file()
    return [
        {"slug": e.slug, "name": e.name, "pattern": e.pattern, "equipment": list(e.equipment),
         "contraindications": list(e.contraindications), "difficulty": e.difficulty,
         "unit": e.unit, "default_min": e.default_min, "default_max": e.default_max}
        for e in lib.exercises
    ]


def candidates(equipment: list[str], injured: list[str]) -> list[dict[str, Any]]:
    """What the library_candidates query returns, computed in Python."""
    return [e for e in library()
            if set(e["equipment"]) <= set(equipment)
            and not set(e["contraindications"]) & set(injured)]


profiles = st.fixed_dictionaries({
    "equipment": st.lists(st.sampled_from(EQUIPMENT), unique=True, max_size=8),
    "injured": st.lists(st.sampled_from(AREAS), unique=True, max_size=3),
    "training_days": st.lists(st.integers(1, 7), min_size=1, max_size=7, unique=True),
    "session_minutes": st.integers(MIN_SESSION, 120),
    "experience": st.sampled_from(["beginner", "intermediate", "advanced"]),
    "primary_goal": st.sampled_from(["strength", "hypertrophy", "fat_loss", "endurance",
                                     "general_fitness", "skill"]),
    "week_in_phase": st.integers(1, 4),
})


def variables(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "profile": {"training_days": sorted(p["training_days"]),
                    "days_per_week": len(p["training_days"]),
                    "session_minutes": p["session_minutes"], "experience": p["experience"],
                    "primary_goal": p["primary_goal"]},
        "week": {"week_in_phase": p["week_in_phase"], "is_deload": p["week_in_phase"] == 4},
        "candidates": candidates(p["equipment"], p["injured"]),
        "last_week_logs": [],
    }


def assert_in_bounds(week: WeekPlan, v: Mapping[str, Any]) -> None:
    days = set(v["profile"]["training_days"])
    allowed = {c["slug"] for c in v["candidates"]}
    assert len(week.days) == 7
    assert [d.weekday for d in week.days] == list(range(1, 8))
    for day in week.days:
        if day.weekday not in days:
            assert day.is_rest_day and not day.blocks
            continue
        assert not day.is_rest_day
        work = [e for b in day.blocks if b.kind != "warmup" for e in b.exercises]
        assert work, f"day {day.weekday} has no work"
        assert day.estimated_minutes <= v["profile"]["session_minutes"]
        for block in day.blocks:
            for item in block.exercises:
                assert item.exercise in allowed
                assert 1 <= item.sets <= 5
                assert item.target_min <= item.target_max
                if week.is_deload and block.kind != "warmup":
                    assert item.sets <= 2
    assert all(n <= MAX_WEEKLY_SETS_PER_PATTERN
               for n in weekly_sets(week, v["candidates"]).values())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_engine_weeks_respect_the_athlete(p: dict[str, Any]) -> None:
    v = variables(p)
    assert_in_bounds(build_week(v), v)


@st.composite
def model_weeks(draw: st.DrawFn) -> WeekPlan:
    """Weeks as a careless model might write them: any exercise, any day, any volume."""
    slugs = [e["slug"] for e in library()] + ["made up lift", "Push Ups", "squats"]

    def item() -> PrescribedExercise:
        low = draw(st.integers(1, 30))
        return PrescribedExercise(
            exercise=draw(st.sampled_from(slugs)), sets=draw(st.integers(1, 10)),
            target_min=low, target_max=low + draw(st.integers(0, 20)),
            unit=draw(st.sampled_from(["reps", "seconds", "distance"])),
            rest_seconds=draw(st.integers(0, 600)), rir=draw(st.none() | st.integers(0, 5)),
            notes=None)

    days = []
    for weekday in range(1, 8):
        rest = draw(st.booleans())
        blocks = [] if rest else [
            WorkoutBlock(name="Main", kind=draw(st.sampled_from(["strength", "circuit",
                                                                 "warmup"])),
                         exercises=[item() for _ in range(draw(st.integers(1, 8)))])
            for _ in range(draw(st.integers(1, 3)))
        ]
        days.append(DayPlan(weekday=weekday, title="Session", focus="x", is_rest_day=rest,
                            estimated_minutes=draw(st.integers(0, 300)), blocks=blocks))
    return WeekPlan(theme="model", is_deload=draw(st.booleans()), target_rir=2, days=days)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles, model_weeks())
def test_repair_brings_any_week_within_bounds(p: dict[str, Any], week: WeekPlan) -> None:
    v = variables(p)
    index = {e["slug"]: e for e in library()}
    repaired, _notes = repair_week(week, v, index)
    assert_in_bounds(repaired, v)


def test_repair_keeps_a_good_week_as_it_is() -> None:
    v = variables({"equipment": ["dumbbell", "bench"], "injured": ["knee"],
                   "training_days": [1, 3, 5], "session_minutes": 45,
                   "experience": "intermediate", "primary_goal": "strength",
                   "week_in_phase": 2})
    week = build_week(v)
    repaired, notes = repair_week(week, v, {e["slug"]: e for e in library()})
    assert notes == []
    assert repaired == week


def test_repair_swaps_an_exercise_for_the_nearest_the_athlete_can_do() -> None:
    v = variables({"equipment": ["dumbbell"], "injured": [], "training_days": [2],
                   "session_minutes": 60, "experience": "beginner",
                   "primary_goal": "strength", "week_in_phase": 1})
    week = build_week(v)
    day = week.days[1]
    main = day.blocks[-1]
    swapped = main.exercises[0].model_copy(update={"exercise": "back_squat"})
    bad = week.model_copy(update={"days": [
        *week.days[:1],
        day.model_copy(update={"blocks": [*day.blocks[:-1], main.model_copy(
            update={"exercises": [swapped, *main.exercises[1:]]})]}),
        *week.days[2:]]})
    repaired, notes = repair_week(bad, v, {e["slug"]: e for e in library()})
    first = repaired.days[1].blocks[-1].exercises[0].exercise
    assert first != "back_squat"
    assert next(e for e in library() if e["slug"] == first)["pattern"] == "squat"
    assert any("back_squat" in n for n in notes)
