"""Onboarding as a rule: essentials only, every question at most twice, always a plan."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from worker.domain.onboarding import (
    CHOICES,
    ESSENTIALS,
    MAX_ASKS,
    infer_experience,
    onboarding_state,
)
from worker.domain.profile import Injury, Lift, Profile


def test_the_first_question_asks_every_missing_essential_at_once() -> None:
    state = onboarding_state(Profile(), {})
    assert state.ask is not None
    assert state.ask.fields == ESSENTIALS and state.ask.attempt == 1
    assert not state.ready


def test_the_second_ask_of_a_field_offers_choices_and_then_a_default_is_taken() -> None:
    profile = Profile(primary_goal="strength")
    state = onboarding_state(profile, {"primary_goal": 1, "days_per_week": 1, "equipment": 1})
    assert state.ask is not None
    assert state.ask.fields == ("days_per_week",) and state.ask.attempt == 2
    assert state.ask.choices == {"days_per_week": CHOICES["days_per_week"]}
    done = onboarding_state(profile, {"days_per_week": 2, "equipment": 2})
    assert done.ready and done.ask is None
    assert done.defaults == {"days_per_week": 3, "equipment": []}
    assert "3 days a week" in [a.wording for a in done.assumed]


def test_older_or_replaced_joints_get_gentler_defaults() -> None:
    older = Profile(age=71, primary_goal="general_fitness", equipment=["dumbbell"],
                    stated=["equipment"])
    state = onboarding_state(older, {"days_per_week": 2})
    assert state.defaults == {"days_per_week": 2}
    assert "30-minute sessions" in [a.wording for a in state.assumed]
    hip = Profile(injuries=[Injury(area="hip", note="replaced", status="replaced")])
    assert onboarding_state(hip, {f: 2 for f in ESSENTIALS}).defaults["days_per_week"] == 2


@settings(max_examples=200, deadline=None)
@given(answers=st.lists(st.sampled_from(["nothing", *ESSENTIALS]), max_size=12))
def test_no_field_is_asked_more_than_twice_and_onboarding_always_ends(answers: list[str]) -> None:
    """Whatever an athlete answers (or does not), each essential is asked at most twice and
    the essentials are known or defaulted within a handful of replies."""
    profile = Profile()
    asks: dict[str, int] = {}
    values = {"primary_goal": "strength", "days_per_week": 3, "equipment": ["dumbbell"]}
    for turn in range(len(answers) + MAX_ASKS * len(ESSENTIALS) + 1):
        state = onboarding_state(profile, asks)
        if state.ready:
            break
        assert state.ask is not None
        for field in state.ask.fields:
            asks[field] = asks.get(field, 0) + 1
            assert asks[field] <= MAX_ASKS
        answer = answers[turn] if turn < len(answers) else "nothing"
        if answer != "nothing":
            profile = profile.model_copy(update={answer: values[answer],
                                                 "stated": [*profile.stated, answer]})
    else:
        raise AssertionError("onboarding never ended")


def test_experience_is_inferred_from_numbers_and_years() -> None:
    pull_ups = Profile(lifts=[Lift(exercise="pull ups", reps=8)])
    assert infer_experience(pull_ups)[0] == "intermediate"
    bench = Profile(lifts=[Lift(exercise="bench press", load=85, unit="kg", reps=5)])
    assert infer_experience(bench) == ("intermediate", "from your bench press 85kg x5")
    assert infer_experience(Profile(lifts=[Lift(exercise="pull ups", reps=15)]))[0] == \
        "advanced"
    assert infer_experience(Profile(training_years=3))[0] == "intermediate"
    assert infer_experience(Profile(training_years=3, returning=True))[0] == "beginner"
    past = Profile(lifts=[Lift(exercise="squat", load=405, unit="lb", reps=3, past=True)])
    # A past best is not today's level: a trained lifter coming back, one level below it.
    assert infer_experience(past) == ("intermediate", "your squat 405lb x3 before")
    assert infer_experience(Profile(experience="advanced"))[0] == "advanced"
