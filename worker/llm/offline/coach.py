"""The offline coach's turn: pick tools from what the athlete said, then answer from results.

Two steps, like a model with tools: first call, no tool results yet, so it decides which tools the
texts call for (record profile facts, pause, change the schedule, look up or change a session,
log a workout or a metric); second call, it writes the reply from what the tools returned. Tools
already run (by a model that failed part-way) are not run again.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from worker.agents.schemas import CoachReply, ProfileUpdate
from worker.llm.offline import intents, replies
from worker.llm.offline.extract import extract_profile, next_question
from worker.llm.offline.faq import faq_answer
from worker.llm.offline.formatting import workout_text
from worker.llm.types import LLMRequest, ToolOutcome
from worker.timezones import ZoneGuess, confirm_question

ToolPlan = list[tuple[str, dict[str, object]]]

_PAUSE = re.compile(r"\b(pause|vacation|holiday|on a break|take a break|time off|away)\b", re.I)
_RESUME = re.compile(r"\b(resume|unpause|i'?m back|back from|start again|restart)\b", re.I)
_SCHEDULE = re.compile(
    r"\b(text|send|message)\b.*\bat\b|\b(change|move|switch)\b.*\b(time|texts?)\b", re.I
)
_ASK_TODAY = re.compile(
    r"\b(what'?s|whats|what is)\b.*\b(today|on)\b|\btoday'?s (workout|session)\b"
    r"|\bworkout today\b|^\s*workout\s*$", re.I,
)
_ASK_WEEKDAY = re.compile(
    r"\b(?:what'?s|whats|what is|what do i have|anything)\b.{0,20}?\b(?:on|for)\s+"
    r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_ASK_TOMORROW = re.compile(r"\btomorrow\b.*\?|\bwhat'?s tomorrow\b|\bwhats tomorrow\b", re.I)
_SKIP = re.compile(r"\b(skip|can'?t (train|make it|workout)|no workout)\b.*\btoday\b"
                   r"|\bskip(ping)? today\b", re.I)
_SHORT = re.compile(r"\bonly (?:have |got )?(\d{1,3}) ?(?:min|minutes|mins)\b", re.I)
_GREETING = re.compile(r"^\s*(hi|hey|hello|yo|hiya|morning|good (morning|afternoon|evening))\b",
                       re.I)
_THANKS = re.compile(r"\b(thanks|thank you|thx|cheers|ty)\b", re.I)
_UNTIL_DAY = re.compile(r"\buntil (?:the )?(\d{1,2})(?:st|nd|rd|th)?\b", re.I)
_FOR_DAYS = re.compile(r"\bfor (a|one|two|three|\d+) (day|days|week|weeks)\b", re.I)
_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3}


def coach_turn(request: LLMRequest) -> CoachReply | ToolPlan:
    v = request.variables
    texts = [m["text"] for m in v.get("inbox", [])]
    if request.allow_tools and not request.tool_outcomes:
        plan = choose_tools(v, texts)
        if plan:
            return plan
    return CoachReply(reply=compose_reply(v, texts, request.tool_outcomes))


def _today(v: dict[str, Any] | Any) -> date:
    return date.fromisoformat(v["today"])


def choose_tools(v: Any, texts: list[str]) -> ToolPlan:
    joined = " ".join(texts)
    onboarding = v["athlete"]["status"] == "onboarding"
    plan: ToolPlan = []
    update = extract_profile(texts, last_question=v.get("last_coach_message"))
    if update.timezone is None and _confirms_zone(v.get("last_coach_message"), joined):
        update = update.model_copy(update={"timezone": v["athlete"]["timezone"]})
    if onboarding:
        return _profile_tools(update, onboarding=True) + _rest_texts(joined, onboarding)

    pain = intents.pain_plan(joined, update)
    if pain and pain[0][1]["red_flag"]:
        return pain  # a red flag gets a referral and nothing else
    changes, handled = intents.change_plan(v, joined, update)
    travel = bool(intents.TRAVEL.search(joined))
    if pain:
        handled.add("injuries")
    if travel or intents.SWAP.search(joined):  # "my bench broke" is not a new profile
        handled |= {"equipment", "training_location"}
    parsed = intents.parsed_log(texts)
    if parsed.is_log:  # "3x8 bench dips" states no profile facts (no bench, no 3 days a week)
        handled |= set(ProfileUpdate.model_fields) - {"injuries"}
    stated_equipment = update.equipment
    update = update.model_copy(update=dict.fromkeys(handled))
    plan += _profile_tools(update, onboarding=False) + _rest_texts(joined, onboarding)
    plan += pain + changes
    if _RESUME.search(joined):
        plan.append(("pause", {"action": "resume", "until": None, "reason": None}))
    elif _PAUSE.search(joined) and not travel:
        plan.append(("pause", {"action": "pause", "until": _pause_until(joined, _today(v)),
                               "reason": joined[:120]}))
    skip = _SKIP.search(joined)
    if skip:
        plan.append(("modify_workout", {"day": "today", "action": "skip", "move_to": None,
                                        "minutes": None, "exercise": None,
                                        "note": joined[:120]}))
    elif (short := _SHORT.search(joined)) is not None:
        plan.append(("modify_workout", {"day": "today", "action": "shorten", "move_to": None,
                                        "minutes": max(5, int(short.group(1))),
                                        "exercise": None, "note": None}))
    if (check_in := _check_in_answer(v.get("last_coach_message"), joined)) is not None:
        plan.append(("record_check_in", check_in))
    elif not skip and not changes and not intents.missed(joined):
        plan += intents.log_plan(parsed, joined)
    if not parsed.is_log or intents.missed(joined):
        plan += intents.day_plan(joined, _today(v), v, stated_equipment)
    if (weight := intents.WEIGHT.search(joined)) is not None:
        unit = "kg" if weight.group(2).lower().startswith("k") else "lb"
        plan.append(("log_metric", {"metric": "body_weight", "value": float(weight.group(1)),
                                    "unit": unit}))
    plan += intents.metric_plan(joined)
    questions = intents.question_plan(joined)
    plan += questions
    if _ASK_TOMORROW.search(joined):
        plan.append(("get_workout", {"day": "tomorrow"}))
    elif (weekday := _ASK_WEEKDAY.search(joined)) is not None:
        plan.append(("get_workout", {"day": weekday.group(1).lower()}))
    elif _ASK_TODAY.search(joined) and not questions:
        plan.append(("get_workout", {"day": "today"}))
    return plan


def _profile_tools(update: ProfileUpdate, *, onboarding: bool) -> ToolPlan:
    facts = update.model_dump(exclude_none=True)
    if not facts:
        return []
    if onboarding or not set(facts) <= {"send_time", "timezone"}:
        return [("update_profile", {"update": _full(update)})]
    return [("set_schedule", {"send_time": update.send_time, "timezone": update.timezone,
                              "rest_day_texts": None})]


def _rest_texts(joined: str, onboarding: bool) -> ToolPlan:
    if (rest := _REST_TEXTS.search(joined)) is None or onboarding:
        return []
    return [("set_schedule", {"send_time": None, "timezone": None,
                              "rest_day_texts": not rest.group(1)})]


_YES = re.compile(r"^\W*(yes|yep|yeah|yup|ya|correct|right|that'?s right|sure|exactly|y)\b",
                  re.I)


def _confirms_zone(last_question: str | None, text: str) -> bool:
    """A yes to "you're on Eastern time, right?" confirms the zone guessed from the number."""
    return bool(last_question and "time, right?" in last_question and _YES.search(text))


def _zone_question(v: Any, missing: list[str], name: str | None) -> str:
    """The next question; time zone and send time, when they are what is left, come as one."""
    if not missing or missing[0] != "timezone":
        return next_question(missing, name)
    athlete = v["athlete"]
    guess = ZoneGuess(athlete["timezone"], athlete.get("timezone_label"),
                      bool(athlete.get("timezone_confident")))
    return confirm_question(guess)


_REST_TEXTS = re.compile(
    r"\b(no|don'?t|stop|skip)\b[^.?!]{0,30}\brest[- ]day (texts?|messages?)\b"
    r"|\brest[- ]day (texts?|messages?)\b", re.I)
_NUMBERS = re.compile(r"\b(10|[1-9])\b")


def _check_in_answer(last_question: str | None, text: str) -> dict[str, object] | None:
    """"7 4 8" (energy, soreness, sleep) in answer to the check-in question."""
    if not last_question or "energy, soreness and sleep" not in last_question:
        return None
    numbers = [int(n) for n in _NUMBERS.findall(text)]
    if len(numbers) < 3:
        return None
    return {"energy": numbers[0], "soreness": numbers[1], "sleep": numbers[2],
            "notes": text[:200]}


def _full(update: ProfileUpdate) -> dict[str, object]:
    return update.model_dump(mode="json")


def _pause_until(text: str, today: date) -> str | None:
    if (match := _FOR_DAYS.search(text)) is not None:
        count = _WORDS.get(match.group(1).lower()) or int(match.group(1))
        days = count * (7 if match.group(2).lower().startswith("week") else 1)
        return (today + timedelta(days=days - 1)).isoformat()
    if (match := _UNTIL_DAY.search(text)) is not None:
        day = int(match.group(1))
        candidate = today
        for _ in range(62):
            candidate += timedelta(days=1)
            if candidate.day == day:
                return (candidate - timedelta(days=1)).isoformat()
    return None


def compose_reply(v: Any, texts: list[str], outcomes: list[ToolOutcome]) -> str:
    name = v["athlete"].get("name")
    who = f", {name}" if name else ""
    by_tool = {o.call.name: o.result for o in outcomes}
    lines: list[str] = []

    profile = by_tool.get("update_profile")
    if profile is not None and profile.get("name"):
        name = profile["name"]
        who = f", {name}"
    if profile is not None and v["athlete"]["status"] == "onboarding":
        missing = profile.get("missing") or []
        if missing:
            ack = "Got it" + who + ". " if profile.get("changed") else ""
            return ack + _zone_question(v, missing, name)
        return (f"Thanks{who}, that's everything I need. I'm putting your plan together now "
                "and will text you a summary shortly.")
    if v["athlete"]["status"] == "onboarding":
        if v["athlete"].get("first_contact"):
            return _zone_question(v, v.get("missing") or ["name"], name)
        missing = v.get("missing") or []
        if missing:
            return "Sorry, I didn't catch that. " + _zone_question(v, missing, name)

    if (by_tool.get("report_pain") or {}).get("red_flag"):
        return replies.RED_FLAG_REPLY
    if profile is not None and profile.get("changed"):
        lines.append("Noted: I've updated your " + ", ".join(
            c.replace("_", " ") for c in profile["changed"]) + ".")
    if (pause := by_tool.get("pause")) is not None:
        if "error" in pause:
            lines.append(f"I couldn't pause that: {pause['error']}")
        elif pause.get("status") == "paused":
            resumes = pause.get("resumes_on")
            if resumes and resumes[0].isdigit():
                when = f"texts resume {date.fromisoformat(resumes):%a %d %b}"
            else:
                when = "no texts until you tell me you're back"
            lines.append(f"Paused: {when}. Text RESUME anytime to restart sooner.")
        else:
            lines.append("Welcome back! Coaching is on again; your next workout comes in the "
                         "morning.")
    if (schedule := by_tool.get("set_schedule")) is not None:
        if "error" in schedule:
            lines.append(f"I couldn't change that: {schedule['error']}")
        else:
            if "rest_day_texts" in schedule:
                lines.append("Done: " + ("you'll get a short text on rest days too."
                                         if schedule["rest_day_texts"]
                                         else "no more texts on rest days."))
            else:
                lines.append(f"Done: your workout text now comes at {schedule['send_time']} "
                             f"({schedule['timezone']}).")
            if schedule.get("note"):
                lines.append("(Texts only go out between 8am and 9pm.)")
    modified = [o.result for o in outcomes if o.call.name == "modify_workout"]
    lines += _modified_all(modified, v["today"])
    if not modified and intents.missed(" ".join(texts)) and v["athlete"]["status"] == "active":
        lines.append("No stress: no scheduled session was missed there (rest days or already "
                     "logged). We carry on with the next one.")
    if (check_in := by_tool.get("record_check_in")) is not None:
        if check_in.get("deload_from"):
            lines.append(f"Thanks for the check-in. Your body needs a lighter week: from "
                         f"{check_in['deload_from']} we'll halve the sets and ease the effort, "
                         "so you recover and come back stronger.")
        else:
            lines.append("Thanks for the check-in, noted. We'll keep building.")
    if (logged := by_tool.get("log_workout")) is not None:
        lines.append(replies.logged(logged))
    for name, words in (("report_pain", replies.pain), ("adapt_equipment", replies.adapted),
                        ("change_training_days", replies.days_changed),
                        ("change_goal", replies.goal_changed),
                        ("explain_exercise", replies.explained),
                        ("load_advice", replies.load_advice),
                        ("progress_summary", replies.progress)):
        if (result := by_tool.get(name)) is not None and "error" not in result:
            lines.append(words(result))
    if (metric := by_tool.get("log_metric")) is not None:
        lines.append(f"Logged {metric['logged'].replace('_', ' ')}: {metric['value']:g} "
                     f"{metric.get('unit') or ''}".rstrip() + ".")
    if (workout := by_tool.get("get_workout")) is not None:
        lines.append(_workout_answer(workout))
    parsed = intents.parsed_log(texts)
    if parsed.unclear and "log_workout" not in by_tool and v["athlete"]["status"] == "active":
        fragments = ", ".join(f'"{u}"' for u in parsed.unclear[:2])
        lines.append(f"I couldn't tell which exercises {fragments} were. Which were they? "
                     "(e.g. 3x8 pushups, squats 60kg 5,5,5)")
    if lines:
        return " ".join(lines)
    return _small_talk(texts, who)


def _modified_all(results: list[dict[str, Any]], today: str) -> list[str]:
    """Skips of past days (missed sessions) read as one reassurance; the rest one line each."""
    past = [r for r in results if r.get("action") == "skip" and r.get("date", today) < today]
    missed = [r for r in results if r.get("done") and r in past]
    lines = [_modified(r) for r in results if r not in past]
    if missed or past:
        days = ", ".join(f"{date.fromisoformat(r['date']):%a}" for r in missed) or "that"
        lines.insert(0, f"No stress about {days}: missed sessions aren't made up, we just pick "
                     "up with the next one, and the plan keeps its shape.")
    return lines


def _modified(result: dict[str, Any]) -> str:
    if not result.get("done"):
        return f"I couldn't change that session: {result.get('reason', 'unknown reason')}."
    action = result.get("action")
    if action == "skip":
        return "Skipped today. Rest up; we'll pick it up next session."
    if action == "swap":
        return replies.swapped(result)
    if action == "move":
        return (f"Moved: that session is now on {date.fromisoformat(result['to']):%a %d %b}, "
                "and the rest of your week stays as it was.")
    if action == "shorten":
        return f"Trimmed today to about {result['minutes']} min: main lifts kept, fewer sets."
    return "Noted on today's session."


def _workout_answer(result: dict[str, Any]) -> str:
    if not result.get("found"):
        return f"Nothing scheduled for {result['date']}: a rest day."
    return workout_text(result)


def _small_talk(texts: list[str], who: str) -> str:
    joined = " ".join(t.strip() for t in texts if t.strip())
    if not joined:
        return f"I'm here{who}. Tell me how training is going, or ask me anything."
    if _THANKS.search(joined) and len(joined) < 40:
        return f"Anytime{who}. Text me whenever you need me."
    if _GREETING.match(joined) and len(joined) < 30:
        return f"Hey{who}! How's training going? Tell me what you did, or ask me anything."
    count = f"your {len(texts)} messages" if len(texts) > 1 else "that"
    if joined.rstrip().endswith("?"):
        answer = faq_answer(joined)
        if answer is not None:
            return answer
        return (f"Good question{who}, but not one I can answer well by text. I can tell you "
                "what's on today or any day, explain an exercise, say how heavy to go, log "
                "what you did, or change your plan.")
    return f"Got {count}{who}. I'll factor it into your training."
