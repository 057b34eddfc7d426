"""Programmes (pure): content rules, who a programme suits, which one to suggest, how the
offline reader hears a request to join, and the engine writing a programme's week."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from tests.unit.test_planning_properties import library, typed_library
from worker.domain.profile import Injury, Profile, Target
from worker.domain.programs import ProgramContent, ProgramRef, find, fit, recommend
from worker.library.programs import load_program_files
from worker.llm.offline.intents import program_plan
from worker.planning.candidates import injured_areas
from worker.planning.engine import Plan, design_week
from worker.planning.programs import program_archetype, program_days
from worker.planning.rubric import score_week

PROGRAMS = {p.keyword: p for p in load_program_files()}
REFS = [ProgramRef(slug=p.slug, keyword=p.keyword, name=p.name, summary=p.summary, version=1,
                   content=p) for p in PROGRAMS.values()]
OFFERED = [(p.keyword, [p.name, *p.aliases]) for p in PROGRAMS.values()]


def _profile(**facts: object) -> Profile:
    return Profile.model_validate({"stated": ["equipment"], **facts})


def test_a_keyword_shaped_like_a_referral_code_is_refused() -> None:
    data = PROGRAMS["DB3"].model_dump(mode="json")
    with pytest.raises(ValidationError, match="looks like a referral code"):
        ProgramContent.model_validate({**data, "keyword": "BCD234"})
    with pytest.raises(ValidationError, match="deload week after its end"):
        ProgramContent.model_validate({**data, "phases": [
            {"name": "One", "focus": "x", "weeks": 3, "deload_week": 5}]})


def test_fit_refuses_missing_kit_and_current_injuries_but_not_unknown_kit() -> None:
    pullup = PROGRAMS["PULLUP"]
    assert fit(pullup, _profile(equipment=["pull_up_bar"])).ok
    refused = fit(pullup, _profile(equipment=["dumbbell"]))
    assert refused.reasons == ["it needs a pull up bar or rings"]
    assert fit(pullup, Profile()).ok  # "JOIN PULLUP" before they said what they have
    sore = fit(PROGRAMS["C25K"], _profile(injuries=[Injury(area="knee", note="acl",
                                                            status="current",
                                                            severity="moderate")]))
    assert sore.reasons == ["it isn't written for a knee that's bothering you"]
    healed = fit(PROGRAMS["C25K"], _profile(injuries=[Injury(area="knee", note="old",
                                                              status="past")]))
    assert healed.ok
    aches = fit(PROGRAMS["C25K"], _profile(injuries=[Injury(area="knee", note="stairs")]))
    assert aches.ok  # an ache on the stairs: planned around, not refused
    assert fit(PROGRAMS["C25K"], _profile(days_per_week=6)).adjustments == [
        "it runs on 4 days a week, not 6"]


def test_a_programme_is_suggested_only_for_what_the_athlete_said() -> None:
    wants = _profile(equipment=["pull_up_bar"], goals=["my first strict pull-up"])
    suggested = recommend(wants, REFS)
    assert suggested is not None and suggested.keyword == "PULLUP"
    assert recommend(_profile(equipment=["dumbbell"], goals=["my first pull-up"]),
                     [r for r in REFS if r.keyword == "PULLUP"]) is None  # no bar
    assert recommend(_profile(goals=["get fitter"]), REFS) is None
    runner = _profile(targets=[Target(what="parkrun 5k")])
    assert (recommend(runner, REFS) or REFS[0]).keyword == "C25K"


def test_find_by_keyword_slug_name_or_alias() -> None:
    assert (find(REFS, "c25k") or REFS[0]).keyword == "C25K"
    assert (find(REFS, "the pull up") or REFS[0]).keyword != "X"
    assert (find(REFS, "Pull-up") or REFS[0]).keyword == "PULLUP"
    assert (find(REFS, "3-day dumbbell full body") or REFS[0]).keyword == "DB3"
    assert find(REFS, "yoga") is None


@pytest.mark.parametrize(("text", "asked"), [
    ("JOIN C25K", "C25K"),
    ("hi! my friend said to text JOIN PULLUP", "PULLUP"),
    ("3 days, 30 min, join db3? i have adjustable dbs", "DB3"),
    ("can i do the pull up program?", "PULLUP"),
    ("sign me up for couch to 5k", "C25K"),
    ("JOIN YOGA", "YOGA"),  # the answer lists what there is
    ("I want to start doing pull ups", None),
    ("I do dumbbell rows at home", None),
    ("I want to join a running club", None),
    ("can you plan around my running plan", None),
])
def test_the_offline_reader_hears_a_request_to_join(text: str, asked: str | None) -> None:
    plan = program_plan([text], OFFERED)
    assert plan == ([("join_program", {"program": asked})] if asked else [])


def _week(content: ProgramContent, profile: Profile, index: int = 1
          ) -> list[tuple[str, list[str], list[str | None]]]:
    """The engine's week of ``content`` for ``profile``, scored by the plan rubric (no hard
    violation allowed), as (title, exercises, conditioning notes) per session."""
    injured = set(injured_areas(profile.current_injuries()))
    candidates = [e for e in library().values() if set(e["equipment"]) <= set(profile.equipment)
                  and not set(e["contraindications"]) & injured]
    variables = {"profile": {**profile.model_dump(mode="json"), "session_minutes": 45,
                             "experience": "beginner"},
                 "week": {"index": index, "training_days": [1, 3, 5],
                          "start_date": date(2026, 4, 6).isoformat()},
                 "candidates": candidates, "program": content.model_dump(mode="json")}
    plan = Plan.from_variables(variables)
    week = design_week(plan)
    verdict = score_week(week, plan, typed_library())
    assert verdict.violations == []
    return [(d.title, [e.exercise for b in d.blocks if b.kind != "warmup" for e in b.exercises],
             [e.notes for b in d.blocks if b.kind == "conditioning" for e in b.exercises])
            for d in week.days if not d.is_rest_day]


def test_a_couch_to_5k_week_runs_first_with_that_weeks_intervals() -> None:
    content = PROGRAMS["C25K"]
    days = _week(content, _profile(equipment=[]))
    assert [d[0] for d in days] == ["Run-walk A", "Run-walk B", "Run-walk A"]
    for _, exercises, notes in days:
        assert exercises[0] == "run_walk_intervals"
        assert notes == ["5 min brisk walk, then 8 rounds: run 60 s, walk 90 s, then walk easy to "
                         "finish"]
    week5 = _week(content, _profile(equipment=[]), index=5)
    assert week5[0][2] == ["5 min brisk walk, then 3 rounds: run 5 min, walk 3 min"]
    # An ankle that rules running out walks instead, with no running instructions.
    ankle = _profile(equipment=[], injuries=[Injury(area="ankle", note="sprain",
                                                    status="current", severity="moderate")])
    walked = _week(content, ankle)
    assert walked[0][1][0] != "run_walk_intervals" and walked[0][2] != days[0][2], walked
    assert program_archetype(content).conditioning_first
    assert program_days(content, _profile(days_per_week=2)) == 3


def test_pull_up_and_dumbbell_weeks_use_the_authors_exercises() -> None:
    pull = _week(PROGRAMS["PULLUP"], _profile(equipment=["pull_up_bar"]))
    assert [d[0] for d in pull] == ["Pull-up day A", "Pull-up day B", "Pull-up day A"]
    # The ladder's rung for a beginner first (the engine's pick from the chain), then the rows.
    assert pull[0][1][0] in {"dead_hang", "active_hang", "scapular_pull", "arch_hang",
                             "band_assisted_pull_up", "pull_up_negative"}, pull[0]
    assert pull[0][1][0] != "pull_up_negative"  # not the hardest rung on day one
    dumbbells = _week(PROGRAMS["DB3"], _profile(equipment=["dumbbell", "bench"]))
    assert dumbbells[0][1][:3] == ["dumbbell_goblet_squat", "dumbbell_bench_press",
                                   "one_arm_dumbbell_row"], dumbbells[0]
    assert "dumbbell_overhead_press" in dumbbells[1][1]
