"""The offline coach's reading of an active athlete's texts into tool calls, and its safety net.

The offline provider is a language layer: it reads texts into the same tool calls a model
would make. A wrong reading is worse than none (a question that skips a session, a chat that
logs a workout), so each case states the whole set of calls. Decisions (red flags, missed days,
profile changes) are not here: they are the domain's, tested in test_domain_*.
"""

from __future__ import annotations

from typing import Any

import pytest

from worker.domain.context import AthleteContext
from worker.domain.replies import CoachReply
from worker.llm import offline
from worker.llm.offline import SAFE_REPLY, OfflineProvider
from worker.llm.offline.coach import choose_tools
from worker.llm.types import LLMRequest

TODAY = "2026-04-08"  # a Wednesday


def context(texts: list[str], **overrides: Any) -> AthleteContext:
    data: dict[str, Any] = {
        "now_local": "Wed 08 Apr 2026 12:00", "today": TODAY, "weekday": "Wednesday",
        "part_of_day": "afternoon", "windows": {"daily_text": "05:00-22:00",
                                                "other_texts": "08:00-21:00"},
        "athlete": {"name": "Sam", "phone_country": "US", "timezone": "America/Chicago",
                    "home_timezone": "America/Chicago", "timezone_label": "Central",
                    "timezone_confident": True, "send_time": "07:00", "units": "imperial",
                    "status": "active", "paused_until": None, "first_contact": False},
        "profile": {"primary_goal": "strength", "training_days": [1, 3, 5],
                    "equipment": ["dumbbell"]},
        "experience": {"level": "beginner", "why": ""},
        "onboarding": None,
        "plan": {"goal": "strength", "start_date": "2026-04-01", "weeks": 12, "week_index": 2,
                 "phase": "Foundation", "phase_focus": "", "is_deload": False,
                 "adjustments": []},
        "today_workout": {"date": TODAY, "weekday": "Wednesday", "title": "Full body B",
                          "focus": "", "status": "scheduled", "is_rest_day": False,
                          "estimated_minutes": 40,
                          "blocks": [{"kind": "strength", "exercises": [
                              {"exercise": "dumbbell_bench_press",
                               "name": "Dumbbell bench press"}]}]},
        "upcoming": [], "recent_workouts": [], "history": [], "last_coach_message": None,
        "inbox": [{"who": "athlete", "text": t, "at": "Wed 08 Apr 12:00"} for t in texts],
    }
    data.update(overrides)
    return AthleteContext.model_validate(data)


def tools(text: str, **overrides: Any) -> list[tuple[str, dict[str, object]]]:
    return choose_tools(context([text], **overrides), [text])


def names(text: str, **overrides: Any) -> list[str]:
    return [name for name, _ in tools(text, **overrides)]


@pytest.mark.parametrize("text", [
    "should I lift before or after cardio?",
    "Should I keep going with them or skip them for now?",
    "is running good for building muscle?",
    "No gym. I have 3 lb and 5 lb hand weights, a yoga mat and the stairs in my house.",
    "4 days a wk, 45 mins cos i go before my shift",
    "I've never really lifted weights. I did water aerobics at the Y for a few years.",
    "did judo in high school, gym on and off since",
])
def test_questions_and_facts_are_not_logs_or_session_changes(text: str) -> None:
    assert not {"log_workout", "modify_workout"} & set(names(text))


def test_logs_read_as_lifters_write_them() -> None:
    chosen = tools("3x8 bench dips, 3 sets of 10 squats")
    exercises = chosen[0][1]["exercises"]
    assert names("3x8 bench dips, 3 sets of 10 squats") == ["log_workout"]
    assert isinstance(exercises, list)
    assert [e["exercise"] for e in exercises] == ["bench dips", "squats"]
    anonymous = tools("3x5 @ 85 today, last rep maybe 1 in the tank")[0][1]
    assert isinstance(anonymous["exercises"], list)
    assert anonymous["exercises"][0]["exercise"] == "dumbbell bench press"
    assert anonymous["session_rpe"] == 9


def test_did_it_logs_today_as_prescribed_and_yesterday_when_said() -> None:
    today = tools("did it")[0][1]
    assert (today["day"], today["completion"], today["exercises"]) == ("today", "completed", [])
    assert tools("did it yesterday, felt good")[0][1]["day"] == "yesterday"
    assert tools("hice el de ayer hoy ✅")[0][1]["day"] == "today"


def test_a_trip_is_read_with_its_dates_place_and_zone() -> None:
    chosen = tools("Heads up: going to Lisbon next week for work, 10 days. Fly out Mon the "
                   "13th, back Thu the 23rd. Hotel has a gym, no idea what's in it.")
    assert [n for n, _ in chosen] == ["plan_trip"]
    args = chosen[0][1]
    assert (args["start"], args["until"], args["place"], args["timezone"]) == (
        "2026-04-13", "2026-04-23", "Lisbon", "Europe/Lisbon")
    assert args["hotel_gym"] is True and args["equipment"] is None
    kit = tools("flying to chicago tmrw, back tue night. hotel has dbs up to 50 and a treadmill")
    assert kit[0][1]["equipment"] == ["dumbbell", "treadmill"]
    assert kit[0][1]["until"] == "2026-04-14"


def test_move_swap_and_short_sessions() -> None:
    move = tools("move today to tomorrow please")
    assert [(n, a["action"], a["move_to"]) for n, a in move] == [
        ("modify_workout", "move", "tomorrow")]
    asked = tools("skipping today work ran late af. can i do it sat morning?")
    assert [(n, a["action"], a["move_to"]) for n, a in asked] == [
        ("modify_workout", "move", "saturday")]
    swap = tools("swap the floor press, my bench broke")
    assert [(n, a["action"], a["exercise"]) for n, a in swap] == [
        ("modify_workout", "swap", "floor press")]
    short = tools("only have 20 minutes today")
    assert [(n, a["action"], a["minutes"]) for n, a in short] == [
        ("modify_workout", "shorten", 20)]
    assert names("if it's only 20 min I can squeeze in 4") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("what's on friday?", ("get_workout", {"day": "friday"})),
    ("what's tomorrow?", ("get_workout", {"day": "tomorrow"})),
    ("how heavy should I go on squats?", ("load_advice", {"exercise": "squats"})),
    ("How do I know if a weight is too heavy for me?", ("load_advice", {"exercise": None})),
    ("what's a romanian deadlift?", ("explain_exercise", {"exercise": "romanian deadlift"})),
    ("how am I doing this month?", ("progress_summary", {"days": 30})),
    ("resting heart rate 52 today", ("log_metric", {"metric": "resting_hr", "value": 52.0,
                                                     "unit": "bpm"})),
    ("scale said 81.3 this morning!!", ("log_metric", {"metric": "body_weight",
                                                        "value": 81.3, "unit": "lb"})),
])
def test_questions_and_metrics(text: str, expected: tuple[str, dict[str, object]]) -> None:
    assert tools(text) == [expected]


def test_a_check_in_answer_is_read_only_when_one_is_open() -> None:
    assert names("7 4 8", check_in_open=True) == ["record_check_in"]
    assert "record_check_in" not in names("7 4 8")


async def test_a_rule_that_breaks_still_gets_the_athlete_a_reply(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(request: LLMRequest) -> CoachReply:
        raise AttributeError("a regex group that was not there")

    monkeypatch.setitem(offline.HANDLERS, "CoachReply", broken)
    request = LLMRequest(agent="coach", model="offline", temperature=0, max_output_tokens=100,
                         timeout_s=5, messages=[], schema=CoachReply, tools=[],
                         variables=context(["hi"]).variables())
    response = await OfflineProvider().complete(request)
    assert isinstance(response.output, CoachReply)
    assert response.output.reply == SAFE_REPLY


def test_how_long_a_session_took_is_read_not_a_commute() -> None:
    from worker.llm.offline.intents import session_length_plan

    assert session_length_plan("Done. Took 42 min, the rest periods got me.") == [
        ("session_length", {"minutes": 42, "day": "today"})]
    assert session_length_plan("today's took me almost 30 with the rests") == [
        ("session_length", {"minutes": 30, "day": "today"})]
    assert session_length_plan("it took 20 min to drive to the gym") == []


def test_pace_moves_part_of_the_way_and_keeps_a_floor() -> None:
    from worker.domain.pace import MIN_SESSION_MINUTES, new_pace, on_time, paced_minutes

    assert new_pace(None, 60, 40) == 1.3
    assert new_pace(None, 400, 40) == 1.6  # a report beyond the bounds counts as 2x
    assert on_time(42, 40) and not on_time(50, 40)
    assert paced_minutes(20, 1.3) == 15 and paced_minutes(20, None) == 20
    assert paced_minutes(12, 2.0) == MIN_SESSION_MINUTES


def test_history_and_runs_outside_the_plan_log_nothing() -> None:
    from worker.llm.offline import intents

    for text in ("before pregnancy i did pilates and weight training, 2 years",
                 "Tirada larga 20k done, piernas bien"):
        assert intents.log_plan(intents.parsed_log(text), text) == []
