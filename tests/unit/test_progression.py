"""The progression engine: one test per rule of training.md, then properties over any history.

Whatever an athlete logs (no numbers, nonsense numbers, pain, odd loads), the engine answers
without raising, only ever moves to an adjacent rung the athlete can do, never progresses through
pain, keeps loads on the plate step, and explains itself in a short sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worker.domain.vocabulary import LOADABLE
from worker.library.seed import load_library_file
from worker.planning.progression import (
    DOWN_ACTIONS,
    PLATE_STEP,
    UP_ACTIONS,
    Decision,
    ExerciseInfo,
    LoadUnit,
    Session,
    Target,
    decide,
    needs_deload,
    next_load,
)

WALL = ExerciseInfo("wall_push_up", "Wall push-up", "horizontal_push", "reps", 10, 15, False)
INCLINE = ExerciseInfo("incline_push_up", "Incline push-up", "horizontal_push", "reps", 8, 15,
                       False)
PUSH_UP = ExerciseInfo("push_up", "Push-up", "horizontal_push", "reps", 6, 12, False)
DIAMOND = ExerciseInfo("diamond_push_up", "Diamond push-up", "horizontal_push", "reps", 6, 12,
                       False)
PUSH_UPS = (WALL, INCLINE, PUSH_UP, DIAMOND)
GOBLET = ExerciseInfo("goblet_squat", "Goblet squat", "squat", "reps", 8, 12, True)
SQUAT = ExerciseInfo("back_squat", "Back squat", "squat", "reps", 3, 5, True)
SQUATS = (GOBLET, SQUAT)
BENCH = ExerciseInfo("bench_press", "Bench press", "horizontal_push", "reps", 5, 8, True)
PLANK = ExerciseInfo("plank", "Plank", "core_stability", "seconds", 20, 45, False)
EVERYTHING = (*PUSH_UPS, *SQUATS, BENCH, PLANK)
DAY = date(2025, 3, 3)
MAX_REASON = 140


def log(
    done: Sequence[int],
    low: int,
    high: int,
    *,
    day: int = 0,
    sets: int = 3,
    load: float | None = None,
    unit: LoadUnit | None = None,
    rpe: float | None = None,
    pain: bool = False,
    as_prescribed: bool = False,
) -> Session:
    return Session(
        performed_on=DAY + timedelta(days=day), done=tuple(done),
        target=Target(sets, low, high, load, unit), load=load, load_unit=unit, rpe=rpe,
        pain=pain, as_prescribed=as_prescribed,
    )


def push_up(done: Sequence[int], **kw: Any) -> Session:
    return log(done, 6, 12, **kw)


def squat(done: Sequence[int], load: float, unit: LoadUnit = "kg", **kw: Any) -> Session:
    return log(done, 3, 5, load=load, unit=unit, **kw)


def only(*slugs: str) -> Callable[[str], bool]:
    return lambda slug: slug in slugs


# -- No history ------------------------------------------------------------------------------


def test_no_sessions_holds() -> None:
    d = decide(PUSH_UP, [], chain=PUSH_UPS)
    assert (d.action, d.new_exercise, d.new_load) == ("hold", "push_up", None)
    assert "no sessions logged yet" in d.reason
    assert not d.changed


# -- Pain ------------------------------------------------------------------------------------


def test_pain_steps_back_a_rung() -> None:
    d = decide(PUSH_UP, [push_up([8, 8, 8], pain=True)], chain=PUSH_UPS)
    assert (d.action, d.new_exercise, d.new_load) == ("down_rung", "incline_push_up", None)
    assert d.reason == ("Push-up: you felt pain, so we step back to Incline push-up "
                        "until it settles.")
    assert d.due_to_pain and d.changed


def test_pain_beats_a_filled_range() -> None:
    history = [push_up([12, 12, 12]), push_up([14, 14, 14], pain=True)]
    assert decide(PUSH_UP, history, chain=PUSH_UPS).action == "down_rung"


def test_pain_on_a_loaded_lift_takes_ten_percent_off() -> None:
    d = decide(SQUAT, [squat([5, 5, 5], 100, pain=True)], chain=SQUATS)
    assert (d.action, d.new_exercise, d.new_load, d.load_unit) == (
        "reduce_load", "back_squat", 90, "kg")
    assert "pain" in d.reason and "90kg" in d.reason


def test_pain_with_no_easier_rung_holds_and_says_so() -> None:
    d = decide(WALL, [log([15, 15, 15], 10, 15, pain=True)], chain=PUSH_UPS)
    assert (d.action, d.new_exercise) == ("hold", "wall_push_up")
    assert "pain" in d.reason and d.due_to_pain


def test_pain_with_the_easier_rung_unavailable_holds() -> None:
    d = decide(PUSH_UP, [push_up([8, 8, 8], pain=True)], chain=PUSH_UPS,
               available=only("push_up", "diamond_push_up"))
    assert (d.action, d.new_exercise) == ("hold", "push_up")
    assert "pain" in d.reason


# -- Two sessions below the range ------------------------------------------------------------


def test_two_sessions_below_the_range_steps_back_a_rung() -> None:
    pull_up = ExerciseInfo("pull_up", "Pull-up", "vertical_pull", "reps", 5, 10, False)
    negative = ExerciseInfo("pull_up_negative", "Pull-up negative", "vertical_pull", "reps", 3,
                            6, False)
    history = [log([5, 4, 3], 5, 10), log([4, 4, 3], 5, 10, day=2)]
    d = decide(pull_up, history, chain=(negative, pull_up))
    assert (d.action, d.new_exercise) == ("down_rung", "pull_up_negative")
    assert d.reason == ("Pull-up: two sessions under 5 reps, so we step back to Pull-up negative "
                        "to build up.")
    assert not d.due_to_pain


def test_one_session_below_the_range_holds() -> None:
    d = decide(PUSH_UP, [push_up([8, 8, 8]), push_up([7, 6, 5], day=2)], chain=PUSH_UPS)
    assert (d.action, d.new_exercise) == ("hold", "push_up")
    assert "try again" in d.reason


def test_two_sessions_below_on_a_loaded_lift_reduce_load_rounded_down() -> None:
    history = [squat([3, 2, 2], 105), squat([3, 2, 1], 105, day=3)]
    d = decide(SQUAT, history, chain=SQUATS)
    assert (d.action, d.new_load, d.load_unit) == ("reduce_load", 92.5, "kg")  # 94.5 -> 92.5


def test_two_sessions_below_in_pounds() -> None:
    history = [squat([2, 2, 2], 225, "lb"), squat([2, 2, 1], 225, "lb", day=3)]
    d = decide(SQUAT, history, chain=SQUATS)
    assert (d.action, d.new_load, d.load_unit) == ("reduce_load", 200, "lb")  # 202.5 -> 200
    assert "200lb" in d.reason


def test_two_sessions_below_at_the_bottom_of_the_chain_holds() -> None:
    history = [log([8, 7, 6], 10, 15), log([9, 7, 6], 10, 15, day=2)]
    d = decide(WALL, history, chain=PUSH_UPS)
    assert (d.action, d.new_exercise) == ("hold", "wall_push_up")


def test_as_prescribed_sessions_are_never_below() -> None:
    history = [push_up([2, 2, 2]), push_up([], as_prescribed=True, day=2)]
    assert decide(PUSH_UP, history, chain=PUSH_UPS).action == "hold"


# -- Double progression ----------------------------------------------------------------------


def test_filling_the_range_moves_up_a_rung() -> None:
    d = decide(PUSH_UP, [push_up([12, 12, 12])], chain=PUSH_UPS)
    assert (d.action, d.new_exercise, d.new_load) == ("up_rung", "diamond_push_up", None)
    assert d.reason == ("Push-up: you hit 12 reps on every set, so next time you move up to "
                        "Diamond push-up.")


def test_filling_the_range_needs_every_prescribed_set() -> None:
    d = decide(PUSH_UP, [push_up([12, 12])], chain=PUSH_UPS)
    assert d.action == "hold"
    assert "2 of 3 sets" in d.reason


def test_filling_the_range_on_a_squat_adds_five_percent() -> None:
    d = decide(SQUAT, [squat([5, 5, 5], 100)], chain=SQUATS)
    assert (d.action, d.new_exercise, d.new_load, d.load_unit) == (
        "add_load", "back_squat", 105, "kg")
    assert d.reason == ("Back squat: 100kg moved well (5,5,5 at the top of the range), "
                        "so next time it's 105kg.")


def test_filling_the_range_on_a_squat_in_pounds_rounds_to_five() -> None:
    d = decide(SQUAT, [squat([5, 5, 5], 225, "lb")], chain=SQUATS)
    assert (d.new_load, d.load_unit) == (235, "lb")  # 236.25 -> 235


def test_upper_body_adds_two_and_a_half_percent() -> None:
    d = decide(BENCH, [log([8, 8, 8], 5, 8, load=100, unit="kg")])
    assert (d.action, d.new_load) == ("add_load", 102.5)


def test_a_small_load_still_goes_up_a_whole_plate_step() -> None:
    d = decide(BENCH, [log([8, 8, 8], 5, 8, load=20, unit="kg")])
    assert d.new_load == 22.5  # 2.5% of 20kg is 0.5kg


def test_a_loadable_lift_with_no_logged_load_moves_up_the_chain() -> None:
    d = decide(GOBLET, [log([12, 12, 12], 8, 12)], chain=SQUATS)
    assert (d.action, d.new_exercise, d.new_load) == ("up_rung", "back_squat", None)


# -- Beating the top by two, two sessions running --------------------------------------------


def test_last_set_beating_the_top_twice_progresses_despite_a_short_set() -> None:
    history = [push_up([10, 9, 14]), push_up([11, 9, 14], day=2)]
    d = decide(PUSH_UP, history, chain=PUSH_UPS)
    assert (d.action, d.new_exercise) == ("up_rung", "diamond_push_up")
    assert "two sessions running" in d.reason and "2-for-2" not in d.reason


def test_beating_the_top_once_holds() -> None:
    history = [push_up([10, 9, 11]), push_up([11, 9, 14], day=2)]
    assert decide(PUSH_UP, history, chain=PUSH_UPS).action == "hold"


def test_beating_the_top_through_earlier_pain_does_not_count() -> None:
    history = [push_up([10, 9, 14], pain=True), push_up([11, 9, 14], day=2)]
    assert decide(PUSH_UP, history, chain=PUSH_UPS).action == "hold"


# -- "Did it" with no numbers ----------------------------------------------------------------


def test_as_prescribed_never_progresses() -> None:
    history = [push_up([14, 14, 14], as_prescribed=True),
               push_up([14, 14, 14], as_prescribed=True, day=2)]
    d = decide(PUSH_UP, history, chain=PUSH_UPS)
    assert d.action == "hold"
    assert "send your numbers" in d.reason


def test_as_prescribed_after_a_good_session_holds() -> None:
    history = [push_up([14, 12, 14]), push_up([], as_prescribed=True, day=2)]
    assert decide(PUSH_UP, history, chain=PUSH_UPS).action == "hold"


# -- Top of the chain, unavailable rungs, timed work -----------------------------------------


def test_top_of_the_chain_adds_reps() -> None:
    d = decide(DIAMOND, [push_up([12, 12, 12])], chain=PUSH_UPS)
    assert (d.action, d.new_exercise) == ("add_reps", "diamond_push_up")
    assert "add a rep or two per set" in d.reason
    assert d.changed


def test_an_unavailable_next_rung_adds_reps() -> None:
    d = decide(PUSH_UP, [push_up([12, 12, 12])], chain=PUSH_UPS,
               available=only("push_up"))
    assert (d.action, d.new_exercise) == ("add_reps", "push_up")


def test_no_chain_adds_reps() -> None:
    assert decide(PUSH_UP, [push_up([12, 12, 12])]).action == "add_reps"


def test_a_timed_plank_adds_seconds() -> None:
    d = decide(PLANK, [log([45, 45, 45], 20, 45)])
    assert d.action == "add_reps"
    assert d.reason == "Plank: you held 45s on every set, so keep it and add 5-10 seconds per set."


# -- Effort ----------------------------------------------------------------------------------


def test_a_near_max_just_filled_range_takes_the_smallest_step() -> None:
    d = decide(SQUAT, [squat([5, 5, 5], 100, rpe=10)], chain=SQUATS)
    assert (d.action, d.new_load) == ("add_load", 102.5)
    assert "small step" in d.reason


def test_a_near_max_set_past_the_top_takes_the_normal_step() -> None:
    d = decide(SQUAT, [squat([5, 6, 7], 100, rpe=9.5)], chain=SQUATS)
    assert d.new_load == 105


def test_an_easy_filled_range_takes_double_the_step() -> None:
    d = decide(SQUAT, [squat([5, 5, 5], 100, rpe=6)], chain=SQUATS)
    assert (d.action, d.new_load) == ("add_load", 110)
    assert "easy" in d.reason


# -- next_load -------------------------------------------------------------------------------


@pytest.mark.parametrize(("load", "unit", "pattern", "up", "expected"), [
    (100, "kg", "squat", True, 105),
    (100, "kg", "hinge", True, 105),
    (100, "kg", "horizontal_push", True, 102.5),
    (60, "kg", "vertical_push", True, 62.5),
    (225, "lb", "squat", True, 235),
    (135, "lb", "horizontal_pull", True, 140),
    (47, "kg", "squat", True, 50),
    (100, "kg", "squat", False, 90),
    (105, "kg", "squat", False, 92.5),
    (225, "lb", "hinge", False, 200),
    (2.5, "kg", "squat", False, 2.5),
    (5, "lb", "squat", False, 5),
])
def test_next_load(load: float, unit: LoadUnit, pattern: str, up: bool, expected: float) -> None:
    assert next_load(load, unit, pattern, up=up) == expected


def test_next_load_rejects_a_non_number() -> None:
    with pytest.raises(ValueError, match="finite"):
        next_load(float("nan"), "kg", "squat", up=True)


# -- Unscheduled deload ----------------------------------------------------------------------


def down(slug: str, *, pain: bool = False) -> Decision:
    return Decision(slug, "down_rung", slug + "_easier", None, None, "stepped back", pain)


def test_two_exercises_down_call_for_a_deload() -> None:
    kept = Decision("plank", "hold", "plank", None, None, "kept")
    reason = needs_deload([down("push_up"), down("pull_up"), kept], [])
    assert reason is not None and "lighter" in reason
    assert len(reason) <= MAX_REASON


def test_one_exercise_down_is_not_a_deload() -> None:
    assert needs_deload([down("push_up")], []) is None


def test_the_same_exercise_twice_is_one_exercise() -> None:
    assert needs_deload([down("push_up"), down("push_up")], []) is None


def test_downs_for_pain_are_not_a_deload() -> None:
    assert needs_deload([down("push_up", pain=True), down("lunge", pain=True)], []) is None


def test_pain_driven_decisions_from_decide_are_marked() -> None:
    decisions = [decide(PUSH_UP, [push_up([8, 8, 8], pain=True)], chain=PUSH_UPS),
                 decide(SQUAT, [squat([5, 5, 5], 100, pain=True)], chain=SQUATS)]
    assert all(d.action in DOWN_ACTIONS for d in decisions)
    assert needs_deload(decisions, []) is None


def test_an_all_out_week_with_missed_reps_calls_for_a_deload() -> None:
    recent = [push_up([12, 11, 10], rpe=9.5), squat([5, 4, 2], 100, rpe=10, day=2)]
    reason = needs_deload([], recent)
    assert reason is not None and "lighter" in reason


def test_an_all_out_week_that_hit_its_reps_is_not_a_deload() -> None:
    assert needs_deload([], [push_up([12, 11, 10], rpe=10), squat([5, 5, 4], 100, rpe=10)]) is None


def test_only_the_last_week_counts_towards_effort() -> None:
    recent = [push_up([5, 5, 5], rpe=10), push_up([5, 5, 5], rpe=10, day=1),
              push_up([8, 8, 8], rpe=7, day=9), push_up([9, 8, 8], rpe=7, day=11)]
    assert needs_deload([], recent) is None


def test_one_all_out_session_is_not_a_deload() -> None:
    assert needs_deload([], [push_up([5, 4, 3], rpe=10)]) is None


# -- Properties ------------------------------------------------------------------------------

loads = st.none() | st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 400).map(
    lambda n: n * 2.5)
units: st.SearchStrategy[LoadUnit | None] = st.sampled_from([None, "kg", "lb"])
rarely = st.sampled_from([False, False, False, True])


@st.composite
def sessions(draw: st.DrawFn, load: st.SearchStrategy[float | None] = loads,
             unit: st.SearchStrategy[LoadUnit | None] = units) -> Session:
    low = draw(st.integers(0, 30))
    high = low + draw(st.integers(0, 15))
    # Sets shaped like the cases the rules tell apart, or anything at all.
    reps = draw(st.sampled_from([
        st.integers(max(0, low - 3), high + 4),  # around the range
        st.integers(high, high + 3),  # filling it
        st.integers(-1, 100),  # nonsense
    ]))
    sets = draw(st.integers(0, 6))
    return Session(
        performed_on=DAY + timedelta(days=draw(st.integers(0, 60))),
        done=tuple(draw(st.lists(reps, min_size=min(sets, 6), max_size=6))),
        target=Target(sets, low, high, draw(load), draw(unit)),
        load=draw(load), load_unit=draw(unit),
        rpe=draw(st.none() | st.floats(0, 10, allow_nan=False)), pain=draw(rarely),
        as_prescribed=draw(rarely),
    )


histories = st.lists(sessions(), max_size=6)
exercises = st.sampled_from(EVERYTHING)
chains: st.SearchStrategy[tuple[ExerciseInfo, ...]] = st.sampled_from(
    [(), PUSH_UPS, SQUATS, (PLANK,)])
allowed = st.sets(st.sampled_from([e.slug for e in EVERYTHING]))
PROPS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def current_load(exercise: ExerciseInfo, latest: Session) -> float | None:
    return latest.load if latest.load is not None else latest.target.load


@PROPS
@given(exercises, histories, chains, allowed)
def test_decide_always_answers_with_a_short_reason(
    exercise: ExerciseInfo, history: list[Session], chain: tuple[ExerciseInfo, ...],
    can: set[str],
) -> None:
    d = decide(exercise, history, chain=chain, available=lambda s: s in can)
    assert d.exercise == exercise.slug
    assert d.reason.startswith(exercise.name + ": ")
    assert len(d.reason) <= MAX_REASON
    assert d.changed == (d.action != "hold")


@PROPS
@given(exercises, histories, chains, allowed)
def test_moves_are_to_an_adjacent_rung_the_athlete_can_do(
    exercise: ExerciseInfo, history: list[Session], chain: tuple[ExerciseInfo, ...],
    can: set[str],
) -> None:
    d = decide(exercise, history, chain=chain, available=lambda s: s in can)
    slugs = [e.slug for e in chain]
    if d.new_exercise == exercise.slug:
        assert d.action not in ("up_rung", "down_rung")
        return
    assert d.new_exercise in can
    index = slugs.index(exercise.slug)
    expected = slugs[index + 1] if d.action == "up_rung" else slugs[index - 1]
    assert d.action in ("up_rung", "down_rung")
    assert d.new_exercise == expected
    assert d.new_load is None


@PROPS
@given(exercises, histories, chains)
def test_nothing_goes_up_after_a_painful_session(
    exercise: ExerciseInfo, history: list[Session], chain: tuple[ExerciseInfo, ...]
) -> None:
    if history:
        history[-1] = replace(history[-1], pain=True)
    d = decide(exercise, history, chain=chain)
    if history:
        assert d.action not in UP_ACTIONS
        assert d.due_to_pain


on_plates = st.integers(1, 400).map(lambda n: n * 2.5)


@PROPS
@given(exercises, st.lists(sessions(load=st.none() | on_plates, unit=st.just("kg")),
                           max_size=6), chains)
def test_loads_stay_on_the_plate_step(
    exercise: ExerciseInfo, history: list[Session], chain: tuple[ExerciseInfo, ...]
) -> None:
    d = decide(exercise, history, chain=chain)
    if d.new_load is not None:
        assert d.load_unit == "kg"
        assert d.new_load > 0
        assert (d.new_load / PLATE_STEP["kg"]).is_integer()


@PROPS
@given(exercises, histories, chains)
def test_load_changes_go_the_way_they_say(
    exercise: ExerciseInfo, history: list[Session], chain: tuple[ExerciseInfo, ...]
) -> None:
    d = decide(exercise, history, chain=chain)
    if d.action not in ("add_load", "reduce_load"):
        return
    before = current_load(exercise, history[-1])
    assert before is not None and d.new_load is not None and d.load_unit is not None
    assert (d.new_load / PLATE_STEP[d.load_unit]).is_integer()
    if d.action == "add_load":
        assert d.new_load >= before + PLATE_STEP[d.load_unit] - 1e-9
    else:
        assert 0 < d.new_load < before


@st.composite
def steady_histories(draw: st.DrawFn) -> list[Session]:
    """Pain-free sessions with every set inside the range but short of the top."""
    out = []
    for day in range(draw(st.integers(1, 6))):
        low = draw(st.integers(1, 30))
        high = low + draw(st.integers(1, 15))
        sets = draw(st.integers(1, 5))
        done = draw(st.lists(st.integers(low, high - 1), min_size=1, max_size=6))
        out.append(Session(DAY + timedelta(days=day), tuple(done), Target(sets, low, high),
                           load=draw(st.none() | on_plates), load_unit="kg",
                           rpe=draw(st.none() | st.floats(0, 10)),
                           as_prescribed=draw(st.booleans())))
    return out


@PROPS
@given(exercises, steady_histories(), chains)
def test_work_inside_the_range_holds(
    exercise: ExerciseInfo, history: list[Session], chain: tuple[ExerciseInfo, ...]
) -> None:
    assert decide(exercise, history, chain=chain).action == "hold"


@PROPS
@given(st.floats(0.01, 5000), st.sampled_from(["kg", "lb"]),
       st.sampled_from(["squat", "hinge", "carry", "horizontal_push", "vertical_pull"]))
def test_next_load_is_on_the_step_and_moves_the_right_way(
    load: float, unit: LoadUnit, pattern: str
) -> None:
    step = PLATE_STEP[unit]
    heavier = next_load(load, unit, pattern, up=True)
    lighter = next_load(load, unit, pattern, up=False)
    assert (heavier / step).is_integer() and (lighter / step).is_integer()
    assert heavier >= load + step - 1e-9
    assert step <= lighter <= max(step, load)


@PROPS
@given(st.lists(st.builds(Decision, st.sampled_from([e.slug for e in EVERYTHING]),
                          st.sampled_from(["up_rung", "add_load", "add_reps", "hold",
                                           "down_rung", "reduce_load"]),
                          st.just("x"), st.none(), st.none(), st.just("r"), st.booleans()),
                max_size=8),
       st.lists(sessions(), max_size=8))
def test_needs_deload_answers_a_reason_or_none(
    decisions: list[Decision], recent: list[Session]
) -> None:
    reason = needs_deload(decisions, recent)
    downs = {d.exercise for d in decisions if d.action in DOWN_ACTIONS and not d.due_to_pain}
    if len(downs) >= 2:
        assert reason is not None
    if reason is not None:
        assert len(reason) <= MAX_REASON


# -- The real library ------------------------------------------------------------------------


@cache
def library_chains() -> list[tuple[ExerciseInfo, ...]]:
    lib = load_library_file()
    info = {e.slug: ExerciseInfo(e.slug, e.name, e.pattern, e.unit, e.default_min, e.default_max,
                                 bool(set(e.equipment) & LOADABLE))
            for e in lib.exercises}
    return [tuple(info[s] for s in c.rungs) for c in lib.progressions]


@st.composite
def library_cases(draw: st.DrawFn) -> tuple[ExerciseInfo, tuple[ExerciseInfo, ...]]:
    chain = draw(st.sampled_from(library_chains()))
    return draw(st.sampled_from(chain)), chain


@PROPS
@given(library_cases(), st.lists(sessions(load=st.none() | on_plates), max_size=6))
def test_reasons_fit_a_text_for_every_library_chain(
    case: tuple[ExerciseInfo, tuple[ExerciseInfo, ...]], history: list[Session]
) -> None:
    exercise, chain = case
    d = decide(exercise, history, chain=chain)
    assert len(d.reason) <= MAX_REASON, d.reason
    assert "2-for-2" not in d.reason and "RPE" not in d.reason
