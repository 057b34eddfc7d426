"""The offline coach's choice of tools for an active athlete's texts, and its safety net.

These are the decisions a model makes with tools; offline, rules make them, and a wrong one is
worse than none (a question that rewrites the goal, a log that changes the equipment, a red
flag answered with training advice). Each case states the whole set of tools chosen.
"""

from __future__ import annotations

from typing import Any

import pytest

from worker.agents.schemas import CoachReply
from worker.llm import offline
from worker.llm.offline import SAFE_REPLY, OfflineProvider
from worker.llm.offline.coach import choose_tools
from worker.llm.types import LLMRequest

TODAY = "2026-04-08"  # a Wednesday


def active(**overrides: Any) -> dict[str, Any]:
    v: dict[str, Any] = {
        "today": TODAY,
        "athlete": {"status": "active", "name": "Sam", "timezone": "America/Chicago"},
        "profile": {"primary_goal": "strength", "training_days": [1, 3, 5],
                    "equipment": ["dumbbell"], "injuries": []},
        "plan": {"goal": "strength"},
        "last_coach_message": None,
        "recent_workouts": [
            {"date": "2026-04-06", "is_rest_day": False, "status": "scheduled"},
            {"date": "2026-04-07", "is_rest_day": True, "status": "rest"},
        ],
    }
    v.update(overrides)
    return v


def tools(text: str, **overrides: Any) -> list[tuple[str, dict[str, object]]]:
    return choose_tools(active(**overrides), [text])


def names(text: str) -> list[str]:
    return [name for name, _ in tools(text)]


def test_a_red_flag_gets_the_referral_tool_and_nothing_else() -> None:
    chosen = tools("I got chest pain and went dizzy during my squats")
    assert [(n, a["red_flag"]) for n, a in chosen] == [("report_pain", True)]


def test_pain_without_red_flags_is_reported_for_its_area() -> None:
    chosen = tools("my left knee hurts when I squat")
    assert [(n, a["area"], a["red_flag"]) for n, a in chosen] == [("report_pain", "knee", False)]


@pytest.mark.parametrize("text", [
    "should I lift before or after cardio?",
    "is running good for building muscle?",
])
def test_a_question_never_changes_the_goal_or_the_days(text: str) -> None:
    assert not {"change_goal", "change_training_days", "update_profile"} & set(names(text))


def test_lasting_changes_use_their_own_tools() -> None:
    days = tools("from now on can I train Tue, Thu and Sat instead?")
    assert days == [("change_training_days", {"days": [2, 4, 6]})]
    goal = tools("new goal, I want to build muscle now")
    assert [(n, a.get("goal")) for n, a in goal] == [("change_goal", "hypertrophy")]


def test_a_log_states_no_profile_facts() -> None:
    chosen = tools("3x8 bench dips, 3 sets of 10 squats")
    assert names("3x8 bench dips, 3 sets of 10 squats") == ["log_workout"]
    exercises = chosen[0][1]["exercises"]
    assert isinstance(exercises, list)
    assert [e["exercise"] for e in exercises] == ["bench dips", "squats"]


def test_did_it_logs_today_as_prescribed_and_yesterday_when_said() -> None:
    today = tools("did it")[0][1]
    assert (today["day"], today["completion"], today["exercises"]) == ("today", "completed", [])
    assert tools("did it yesterday, felt good")[0][1]["day"] == "yesterday"


def test_travel_next_week_starts_next_monday_with_what_they_have() -> None:
    chosen = tools("travelling next week, hotel gym with dumbbells and a treadmill")
    assert [n for n, _ in chosen] == ["adapt_equipment"]
    args = chosen[0][1]
    assert args["start"] == "2026-04-13"
    assert set(args["equipment"]) >= {"dumbbell", "treadmill"}  # type: ignore[arg-type]
    closed = tools("no equipment at all this week, the hotel gym is closed")[0][1]
    assert closed["equipment"] == []


def test_move_swap_and_short_sessions() -> None:
    move = tools("move today to tomorrow please")
    assert [(n, a["action"], a["move_to"]) for n, a in move] == [
        ("modify_workout", "move", "tomorrow")]
    swap = tools("swap the floor press, my bench broke")
    assert [(n, a["action"], a["exercise"]) for n, a in swap] == [
        ("modify_workout", "swap", "floor press")]
    short = tools("only have 20 minutes today")
    assert [(n, a["action"], a["minutes"]) for n, a in short] == [
        ("modify_workout", "shorten", 20)]


def test_missed_days_skip_only_sessions_that_were_scheduled() -> None:
    chosen = tools("sorry, I missed the last few days")
    assert [(n, a["day"], a["action"]) for n, a in chosen] == [
        ("modify_workout", "2026-04-06", "skip")]


@pytest.mark.parametrize(("text", "expected"), [
    ("what's on friday?", ("get_workout", {"day": "friday"})),
    ("what's tomorrow?", ("get_workout", {"day": "tomorrow"})),
    ("how heavy should I go on squats?", ("load_advice", {"exercise": "squats"})),
    ("what's a romanian deadlift?", ("explain_exercise", {"exercise": "romanian deadlift"})),
    ("how am I doing this month?", ("progress_summary", {"days": 30})),
    ("resting heart rate 52 today", ("log_metric", {"metric": "resting_hr", "value": 52.0,
                                                     "unit": "bpm"})),
])
def test_questions_and_metrics(text: str, expected: tuple[str, dict[str, object]]) -> None:
    assert tools(text) == [expected]


async def test_a_rule_that_breaks_still_gets_the_athlete_a_reply(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(request: LLMRequest) -> CoachReply:
        raise AttributeError("a regex group that was not there")

    monkeypatch.setitem(offline.HANDLERS, "CoachReply", broken)
    request = LLMRequest(agent="coach", model="offline", temperature=0, max_output_tokens=100,
                         timeout_s=5, messages=[], schema=CoachReply, tools=[],
                         variables=active())
    response = await OfflineProvider().complete(request)
    assert isinstance(response.output, CoachReply)
    assert response.output.reply == SAFE_REPLY
