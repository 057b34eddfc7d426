"""The scenario format's own rules: shorthands, day references, slugs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from worker.replay.scenario import Expect


def test_plan_rubric_shorthands_are_the_plan_checks() -> None:
    expect = Expect.model_validate({"plan_score_at_least": 80, "plan_violations": []})
    assert expect.plan is not None
    assert (expect.plan.score_at_least, expect.plan.violations) == (80, [])
    both = Expect.model_validate({"plan": {"goal": "strength"}, "plan_violations": ["time"]})
    assert both.plan is not None
    assert (both.plan.goal, both.plan.violations) == ("strength", ["time"])


def test_a_week_check_names_real_days_and_rejects_unknown_keys() -> None:
    week = Expect.model_validate({"week": {"start": "monday", "days": ["Tue", "Thu"],
                                           "includes_any": "step_up"}}).week
    assert week is not None and week.includes_any == ["step_up"]
    with pytest.raises(ValidationError):
        Expect.model_validate({"week": {"start": "someday"}})
    with pytest.raises(ValidationError):
        Expect.model_validate({"week": {"sessoins": 3}})
