"""What an active athlete's texts ask the coach to do, read with rules (the offline coach).

The model-backed coach decides this itself; offline, these rules choose the same tools with the
same arguments: logs through :mod:`worker.coach.logparse`, real-life changes (skip, move, swap,
travel, pain, new days, a new goal), questions (an exercise, how heavy, how am I doing) and
missed days. Profile facts stated along the way are read by the onboarding extractor; this
module decides which of them are lasting changes that need more than a new profile version.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from worker.agents.schemas import ProfileUpdate
from worker.coach.logparse import ParsedLog, parse_log

ToolPlan = list[tuple[str, dict[str, object]]]

_I = re.IGNORECASE
RED_FLAG = re.compile(
    r"\b(chest (pain|tightness|hurts?)|pain in my chest|faint(ed|ing)?|passed out|black(ed)? "
    r"out|numb(ness)?|tingling|pins and needles|gave way|giving way|gives way|wakes? me (up )?"
    r"(at night)?|at night|can'?t (bear|put) weight|heard a pop|felt a pop|short of breath|"
    r"dizzy)\b", _I)
PAIN = re.compile(r"\b(hurts?|hurting|pain(ful)?|twinge[sd]?|tweak(ed)?|strain(ed)?|"
                  r"sprain(ed)?|injur(ed|y)|aches?|aching|pulled)\b", _I)
MOVE = re.compile(r"\b(?:move|push|shift)\b.{0,30}?\b(?:today|today'?s(?: workout| session)?|"
                  r"it)\b.{0,20}?\bto (?P<to>tomorrow|monday|tuesday|wednesday|thursday|"
                  r"friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\b", _I)
SWAP = re.compile(r"\b(?:swap|replace|switch out|change)\s+(?:the\s+|my\s+)?(.{3,40}?)"
                  r"(?:\s+(?:for|with|to)\b.*|\s+today\b.*|[?.!,;]|$)"
                  r"|\b(?:can'?t do|don'?t have (?:a |an )?|no)\s+(?:the\s+)?(.{3,30}?)"
                  r"\s+(?:today|this week|here)\b", _I)
TRAVEL = re.compile(r"\b(travel(l?ing)?|hotel|business trip|on the road|away for work|"
                    r"away this week|trip this week)\b", _I)
HOTEL_GYM = re.compile(r"\bhotel gym\b|\bgym (at|in) the hotel\b", _I)
HOTEL_EQUIPMENT = ["dumbbell", "bench", "treadmill", "bike", "cardio_machine"]
NO_EQUIPMENT = re.compile(r"\b(no equipment|nothing at all|bodyweight only|just bodyweight|"
                          r"(gym|it)('s| is) closed|no gym)\b", _I)
UNTIL = re.compile(r"\buntil (monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                   r"tomorrow)\b", _I)
EXPLAIN = re.compile(r"\b(?:what(?:'s| is| are)(?: an?| the)?|how do (?:i|you) do(?: an?| the)?|"
                     r"explain(?: an?| the)?|never heard of(?: an?)?)\s+([a-z][a-z' -]{2,40}?)"
                     r"\s*(?:\?|$|\bexactly\b)", _I)
NOT_EXERCISE = re.compile(r"^(today|tomorrow|on|up|next|the plan|my plan|happening|this|that|"
                          r"it|rpe|rir|a deload|deload|my progress|the point|best)\b", _I)
HOW_HEAVY = re.compile(r"\b(how heavy|what weight|how much weight|which weight|how many kg|"
                       r"how many pounds)\b(?:.*?\b(?:on|for) (?:the |my )?([a-z][a-z -]{2,30}))?",
                       _I)
PROGRESS = re.compile(r"\b(how am i doing|how'?m i doing|how have i been doing|my progress|"
                      r"progress (report|summary|update)|am i (getting|making) (stronger|"
                      r"progress))\b", _I)
LASTING = re.compile(r"\b(new goal|goal is now|change (my|the) (goal|days)|switch(ing)? (to|my)|"
                     r"from now on|instead|new days|focus on|can only (train|do)|want to .{3,40} "
                     r"now|moving my|going forward)\b", _I)
THIS_WEEK = re.compile(r"\bthis week\b", _I)
NEXT_WEEK = re.compile(r"\bnext week\b", _I)
MISSED = re.compile(r"\b(missed|didn'?t (train|work ?out|make it)|skipped|fell off|haven'?t "
                    r"(trained|worked out|been training))\b", _I)
MISSED_COUNT = re.compile(r"\b(?:last|past)?\s*(two|three|four|a few|a couple(?: of)?|\d) "
                          r"(?:days|sessions|workouts)\b", _I)
_COUNTS = {"two": 2, "three": 3, "four": 4, "a few": 3, "a couple": 2, "a couple of": 2}
WEIGHT = re.compile(
    r"\b(?:weigh(?:ed|t)?|weight is|scale)\D{0,12}(\d{2,3}(?:\.\d)?)\s*"
    r"(kg|kgs|kilos|lb|lbs|pounds)",
    _I,
)
METRICS: tuple[tuple[re.Pattern[str], str, str | None], ...] = (
    (re.compile(r"\bresting (?:hr|heart ?rate)\D{0,12}(\d{2,3})\b", _I), "resting_hr", "bpm"),
    (re.compile(r"\bwaist\D{0,12}(\d{2,3}(?:\.\d)?)\s*(cm|in|inches)?\b", _I), "waist", None),
)


def pain_plan(joined: str, update: ProfileUpdate) -> ToolPlan:
    """Pain or injury reported outside onboarding: red flags first, always."""
    if RED_FLAG.search(joined) and (PAIN.search(joined) or "chest" in joined.lower()
                                    or update.injuries):
        area = update.injuries[0].area if update.injuries else "chest"
        return [("report_pain", {"area": area, "note": joined[:200], "red_flag": True})]
    if update.injuries and PAIN.search(joined):
        return [("report_pain", {"area": i.area, "note": i.note or joined[:120],
                                 "red_flag": False}) for i in update.injuries]
    return []


def log_plan(parsed: ParsedLog, joined: str) -> ToolPlan:
    if not parsed.is_log or parsed.completion is None or (parsed.unclear and
                                                          not parsed.exercises):
        return []
    day = "yesterday" if re.search(r"\byesterday\b", joined, _I) else "today"
    exercises = [{
        "exercise": e.name,
        "sets": [{"reps": s.reps, "seconds": s.seconds, "load": s.load} for s in e.sets],
        "load_unit": e.load_unit, "rpe": e.rpe, "pain_area": parsed.pain_area,
        "notes": None,
    } for e in parsed.exercises]
    return [("log_workout", {
        "day": day, "completion": parsed.completion, "exercises": exercises,
        "fraction": parsed.fraction, "session_rpe": parsed.rpe,
        "felt": parsed.felt or (joined[:200] if parsed.as_prescribed else None),
    })]


def change_plan(v: dict[str, Any], joined: str, update: ProfileUpdate) -> tuple[
        ToolPlan, set[str]]:
    """Lasting changes: new training days, a new goal. Returns tools and the profile fields
    they take care of (so they are not also written as a plain profile update)."""
    plan: ToolPlan = []
    handled: set[str] = set()
    profile = v.get("profile") or {}
    if v.get("plan") is None:
        return plan, handled
    if not LASTING.search(joined):  # "should I lift before cardio?" changes nothing
        return plan, {"primary_goal", "goal_detail", "training_days", "days_per_week"}
    if update.training_days and sorted(update.training_days) != sorted(
            profile.get("training_days") or []):
        plan.append(("change_training_days", {"days": sorted(update.training_days)}))
        handled |= {"training_days", "days_per_week"}
    if update.primary_goal and update.primary_goal != profile.get("primary_goal"):
        plan.append(("change_goal", {"goal": update.primary_goal,
                                     "detail": update.goal_detail}))
        handled |= {"primary_goal", "goal_detail"}
    return plan, handled


def travel_equipment(joined: str, stated: list[str] | None) -> list[str]:
    """What they will have: what they said, else a typical hotel gym, else nothing."""
    if NO_EQUIPMENT.search(joined):
        return []
    if stated:
        return stated
    return HOTEL_EQUIPMENT if HOTEL_GYM.search(joined) else []


def day_plan(
    joined: str, today: date, v: dict[str, Any], stated: list[str] | None = None
) -> ToolPlan:
    """Changes to one day's session: move, swap, travel; and missed days."""
    plan: ToolPlan = []
    if (move := MOVE.search(joined)) is not None:
        plan.append(("modify_workout", {"day": "today", "action": "move",
                                        "move_to": move.group("to").lower(), "minutes": None,
                                        "exercise": None, "note": joined[:120]}))
    if TRAVEL.search(joined):
        equipment = travel_equipment(joined, stated)
        until = UNTIL.search(joined)
        start = None
        if NEXT_WEEK.search(joined):
            start = (today + timedelta(days=7 - today.weekday())).isoformat()
        plan.append(("adapt_equipment", {"equipment": equipment, "start": start,
                                         "until": until.group(1).lower() if until else None,
                                         "reason": joined[:120]}))
    elif (swap := SWAP.search(joined)) is not None:
        name = (swap.group(1) or swap.group(2) or "").strip(" .?!")
        if name and not re.match(r"^(my )?(days?|goal|time|plan|workout|session)\b", name, _I):
            plan.append(("modify_workout", {"day": "today", "action": "swap", "move_to": None,
                                            "minutes": None, "exercise": name,
                                            "note": joined[:120]}))
    if missed(joined):
        for day in missed_days(joined, today, v):
            plan.append(("modify_workout", {"day": day.isoformat(), "action": "skip",
                                            "move_to": None, "minutes": None,
                                            "exercise": None, "note": "missed"}))
    return plan


def missed(joined: str) -> bool:
    """"I missed the last 2 days": past sessions, not a log of today's."""
    return bool(MISSED.search(joined)) and not re.search(r"\btoday\b", joined, _I)


def missed_days(joined: str, today: date, v: dict[str, Any]) -> list[date]:
    """The past days a "missed the last 3 days" text means (only days that had sessions)."""
    count = 7  # "missed a few days", "fell off this week": every session since the last log
    if (match := MISSED_COUNT.search(joined)) is not None and (
            match.group(1).isdigit() or match.group(1).lower() in ("two", "three", "four")):
        word = match.group(1).lower()
        count = int(word) if word.isdigit() else _COUNTS[word]
    elif re.search(r"\byesterday\b", joined, _I):
        count = 1
    recent = {w["date"]: w for w in v.get("recent_workouts") or []}
    days = [today - timedelta(days=n) for n in range(1, count + 1)]
    return [d for d in days if d.isoformat() in recent
            and not recent[d.isoformat()]["is_rest_day"]
            and recent[d.isoformat()]["status"] == "scheduled"]


def question_plan(joined: str) -> ToolPlan:
    plan: ToolPlan = []
    if (heavy := HOW_HEAVY.search(joined)) is not None:
        plan.append(("load_advice", {"exercise": (heavy.group(2) or "").strip() or None}))
    elif (what := EXPLAIN.search(joined)) is not None and not NOT_EXERCISE.match(what.group(1)):
        plan.append(("explain_exercise", {"exercise": what.group(1).strip()}))
    if PROGRESS.search(joined):
        plan.append(("progress_summary", {"days": 7 if THIS_WEEK.search(joined) else 30}))
    return plan


def metric_plan(joined: str) -> ToolPlan:
    plan: ToolPlan = []
    for pattern, metric, unit in METRICS:
        if (match := pattern.search(joined)) is not None:
            stated = (match.group(2) or "") if pattern.groups > 1 else ""
            said = "in" if stated.lower().startswith("in") else stated.lower() or None
            plan.append(("log_metric", {"metric": metric, "value": float(match.group(1)),
                                        "unit": unit or said or "cm"}))
    return plan


def parsed_log(texts: list[str]) -> ParsedLog:
    """The texts as a workout log, with measurements taken out first ("resting HR 52" and
    "I weigh 80kg" are metrics, not 52 reps of something)."""
    text = " ".join(texts)
    for pattern in (WEIGHT, *(p for p, _, _ in METRICS)):
        text = pattern.sub(" ", text)
    return parse_log(text)
