"""Property tests: over generated athletes, every week written has no hard violation.

The rubric (:mod:`worker.planning.rubric`) is the oracle: whatever the profile (goal, equipment,
days, minutes, injuries and promises, the heaviest dumbbell owned, stated lifts, a long-run
day, age) and whatever a model might write, the week an athlete receives trains only on their
days, uses only exercises they can do and may do, never loads past their dumbbells, fits the
time they have within 10%, covers a push, a pull and the legs in every full-body session and
keeps weekly volume within limits.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worker.agents.plans import planning_profile
from worker.domain.profile import Activity, Injury, Lift, LoadCap, Profile
from worker.domain.workouts import DayPlan, PrescribedExercise, WeekPlan, WorkoutBlock
from worker.library.seed import load_library_file
from worker.planning.candidates import injured_areas
from worker.planning.constraints import Candidate
from worker.planning.engine import Plan, build_week
from worker.planning.repair import repair_week
from worker.planning.rubric import score_week

KITS = [[], ["dumbbell"], ["dumbbell", "bench"], ["kettlebell"], ["bands", "pull_up_bar"],
        ["barbell", "squat_rack", "bench", "dumbbell", "cable", "machine", "pull_up_bar"],
        ["pull_up_bar", "parallel_bars", "rings"], ["dumbbell", "kettlebell", "bands"],
        ["treadmill", "bike", "dumbbell", "bench"]]
GOALS = ["strength", "hypertrophy", "fat_loss", "endurance", "general_fitness", "skill",
         "mobility", "sport"]
INJURIES = [
    [],
    [Injury(area="knee", note="sore knee", status="current", severity="moderate")],
    [Injury(area="lower_back", note="disc bulge", status="current", severity="moderate",
            avoid=["deadlift"])],
    [Injury(area="knee", note="knee replacement", status="replaced")],
    [Injury(area="shoulder", note="cranky shoulder", status="current", severity="mild",
            avoid=["overhead press"])],
    [Injury(area="abdomen", note="postpartum diastasis", status="condition")],
    [Injury(area="knee", note="old meniscus", status="past", avoid=["deep lunges"])],
]


@cache
def library() -> dict[str, dict[str, Any]]:
    return {e.slug: {"slug": e.slug, "name": e.name, "pattern": e.pattern,
                     "equipment": list(e.equipment),
                     "contraindications": list(e.contraindications),
                     "difficulty": e.difficulty, "unit": e.unit, "default_min": e.default_min,
                     "default_max": e.default_max, "tags": list(e.tags),
                     "is_unilateral": e.is_unilateral}
            for e in load_library_file().exercises}


@cache
def typed_library() -> dict[str, Candidate]:
    return {slug: Candidate.of(row) for slug, row in library().items()}


profiles = st.builds(
    Profile,
    primary_goal=st.sampled_from(GOALS),
    experience=st.sampled_from(["beginner", "intermediate", "advanced"]),
    training_days=st.lists(st.integers(1, 7), min_size=1, max_size=6, unique=True),
    session_minutes=st.sampled_from([20, 25, 30, 40, 45, 60, 75, 90]),
    equipment=st.sampled_from(KITS),
    injuries=st.sampled_from(INJURIES),
    age=st.sampled_from([None, 24, 45, 66, 78]),
    load_caps=st.sampled_from([[], [LoadCap(equipment="dumbbell", max_load=10, unit="kg")],
                               [LoadCap(equipment="dumbbell", max_load=50, unit="lb")]]),
    lifts=st.sampled_from([[], [Lift(exercise="deadlift", load=180, unit="kg", reps=3),
                                Lift(exercise="bench", load=85, unit="kg", reps=5)]]),
    activities=st.sampled_from([[], [Activity(weekday=7, what="long run", hard=True)]]),
)


def variables(profile: Profile, week_in_phase: int) -> dict[str, Any]:
    """What the week writer gives the generator, with the library_candidates query in
    Python (the profile's promises are applied by the engine's Plan, as in production)."""
    planning = planning_profile(profile.model_copy(update={
        "days_per_week": len(profile.training_days)}))
    injured = set(injured_areas(profile.current_injuries()))
    candidates = [e for e in library().values()
                  if set(e["equipment"]) <= set(profile.equipment)
                  and not set(e["contraindications"]) & injured]
    return {
        "profile": planning,
        "week": {"index": week_in_phase, "week_in_phase": week_in_phase,
                 "is_deload": week_in_phase == 4, "start_date": "2026-03-02",
                 "training_days": planning["training_days"]},
        "candidates": candidates,
        "last_week_logs": [],
    }


def violations(week: WeekPlan, v: dict[str, Any]) -> list[str]:
    verdict = score_week(week, Plan.from_variables(v), typed_library())
    return [f"{x.rule}: {x.detail}" for x in verdict.violations]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles, st.integers(1, 4))
def test_engine_weeks_have_no_hard_violation(profile: Profile, week_in_phase: int) -> None:
    v = variables(profile, week_in_phase)
    assert violations(build_week(v), v) == []


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_a_deload_keeps_the_exercises_and_about_halves_the_sets(profile: Profile) -> None:
    loading, deload = build_week(variables(profile, 3)), build_week(variables(profile, 4))

    def sets(week: WeekPlan) -> dict[tuple[int, str], int]:
        return {(d.weekday, i.exercise): i.sets for d in week.days for b in d.blocks
                if b.kind not in ("warmup", "conditioning") for i in b.exercises}

    assert [d.weekday for d in deload.days if not d.is_rest_day] == \
        [d.weekday for d in loading.days if not d.is_rest_day]
    light, heavy = sets(deload), sets(loading)
    assert sum(light.values()) <= sum(heavy.values())
    for key in light.keys() & heavy.keys():
        assert light[key] <= max(2, math.ceil(heavy[key] * 0.6)), key
    assert all(i.rir in (None, 4) for d in deload.days for b in d.blocks for i in b.exercises)


@st.composite
def model_weeks(draw: st.DrawFn) -> WeekPlan:
    """Weeks as a careless model might write them: any exercise, any day, any volume."""
    slugs = [*library(), "made up lift", "Push Ups", "squats"]

    def item() -> PrescribedExercise:
        low = draw(st.integers(1, 30))
        return PrescribedExercise(
            exercise=draw(st.sampled_from(slugs)), sets=draw(st.integers(1, 10)),
            target_min=low, target_max=low + draw(st.integers(0, 20)),
            unit=draw(st.sampled_from(["reps", "seconds", "distance"])),
            rest_seconds=draw(st.integers(0, 600)), rir=draw(st.none() | st.integers(0, 5)),
            notes=None, load=draw(st.none() | st.floats(1, 300)), load_unit="kg")

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


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles, st.integers(1, 4), model_weeks())
def test_repair_leaves_no_hard_violation_in_any_week(profile: Profile, week_in_phase: int,
                                                      week: WeekPlan) -> None:
    v = variables(profile, week_in_phase)
    repaired, _notes = repair_week(week, v, library())
    assert violations(repaired, v) == []


def _athlete(**facts: Any) -> Profile:
    base: dict[str, Any] = {"primary_goal": "strength", "experience": "intermediate",
                            "training_days": [1, 3, 5], "session_minutes": 45,
                            "equipment": ["dumbbell", "bench"]}
    return Profile.model_validate(base | facts)


def test_repair_keeps_a_good_week_as_it_is() -> None:
    v = variables(_athlete(injuries=[Injury(area="knee", note="sore knee",
                                            severity="moderate")]), 2)
    week = build_week(v)
    repaired, notes = repair_week(week, v, library())
    assert notes == []
    assert repaired == week


def test_repair_swaps_an_exercise_for_the_nearest_the_athlete_can_do() -> None:
    v = variables(_athlete(equipment=["dumbbell"], training_days=[2], session_minutes=60,
                           experience="beginner"), 1)
    week = build_week(v)
    day = week.days[1]
    main = next(b for b in day.blocks if b.name == "Main")
    swapped = main.exercises[0].model_copy(update={"exercise": "back_squat"})
    bad = week.model_copy(update={"days": [
        *week.days[:1],
        day.model_copy(update={"blocks": [
            main.model_copy(update={"exercises": [swapped, *main.exercises[1:]]})
            if b is main else b for b in day.blocks]}),
        *week.days[2:]]})
    repaired, notes = repair_week(bad, v, library())
    first = next(b for b in repaired.days[1].blocks if b.name == "Main").exercises[0].exercise
    assert first != "back_squat"
    assert library()[first]["pattern"] == "squat"
    assert any("back_squat" in n for n in notes)
