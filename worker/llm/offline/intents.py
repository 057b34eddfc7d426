"""What an active athlete's texts ask the coach to do, read into tool calls with rules.

A model reads the texts and calls tools; offline, these rules read the same texts into the same
calls with the same arguments: a log (through :mod:`.logparse`), a change to one session (skip,
move, shorten, swap), a trip, a pause, a measurement, a check-in answer, or a question (an
exercise, how heavy, how am I doing, what's on). Nothing here decides what a call means for the
plan: the tools and the domain do. Texts arrive already prepared (:mod:`.read.text`): cleaned,
their foreign glossary words in English.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Final

from worker.domain.programs import REFERRAL_SHAPE
from worker.llm.offline.logparse import ParsedLog, parse_log
from worker.llm.offline.read.body import BODY_WEIGHT, read_body_weight
from worker.llm.offline.read.equipment import read_kit
from worker.timezones import zone_for_place

ToolPlan = list[tuple[str, dict[str, object]]]
#: Exercise names are short; "the standing on one leg part" is a remark.
MAX_NAME_WORDS = 3
#: "The hotel has a gym" names no kit: a list this long is a whole gym, not what was seen.
GYM_LIKE = 10

_I: Final = re.IGNORECASE
_WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                    "sunday")
_DAY: Final = (r"(?:today|tonight|tomorrow|tmrw|tmr|yesterday|mon(?:day)?|tue(?:s|sday)?|"
               r"wed(?:nesday)?|thu(?:rs?|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)")

SKIP: Final = re.compile(
    r"\b(?:skip(?:ped|ping)?|couldn'?t do it|can'?t (?:train|make it|do it)|no workout|"
    r"missed|not today|didn'?t (?:train|make it|get to it))\b", _I)
MOVE: Final = re.compile(
    r"\b(?:(?<!n't )(?<!not )(?:i'?ll |can i |could i |ok to |okay to |will )?(?:do|doing) it|"
    r"i'?ll do it|"
    r"move (?:it|today'?s?(?: session| workout)?|the session|(?:" + _DAY + r")'?s?(?: session)?)"
    r"|(?<!n't )(?<!not )do (?:it|the session|that one))\b[^.?!]{0,25}?\b(?P<to>" + _DAY +
    r")\b"
    r"|\b(?P<frm>sat(?:urday)?|sun(?:day)?|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|"
    r"thu(?:rsday)?|fri(?:day)?)\s*(?:->|→|to|=>)\s*(?P<to2>" + _DAY + r")\b", _I)
SHORT: Final = re.compile(r"(?<!it's )(?<!its )(?<!if )\bonly (?:have |got )?(\d{1,3}) ?"
                          r"(?:min|minutes|mins)\b(?!.*\bif\b)", _I)
SWAP: Final = re.compile(
    r"\binstead of (?:the |my )?(?P<a>[a-z][a-z -]{2,30}?)(?=[?.!,]|\s+(?:today|it|was|is|"
    r"bc|because)\b|$)"
    r"|\b(?:swap|replace|switch out)\s+(?:the\s+|my\s+)?(?P<b>[a-z][a-z -]{2,30}?)"
    r"(?:\s+(?:for|with)\b.*|\s+today\b.*|[?.!,;]|$)", _I)
PAUSE: Final = re.compile(r"\b(?:pause|on a break|take a break|time off)\b", _I)
RESUME: Final = re.compile(r"\b(?:resume|unpause|start again|restart)\b", _I)
#: Travel said outright; "going to X" / "in X next week" count only when X is a place.
TRIP: Final = re.compile(
    r"\b(?:travel(?:l?ing|s)?|trip|flying|fly(?:ing)? out|flight|on the road|hotel|"
    r"away (?:for|next|this|until|till|from))\b", _I)
TRIP_PLACE: Final = re.compile(r"\b(?:going to|flying to|travel(?:l?ing)? to|trip to|heading "
                               r"to|in)\s+(?P<place>[a-z]+(?: [a-z]+)?)", _I)
#: Words of a trip, so its sentences state nothing about the athlete's routine.
TRIP_WORDS: Final = re.compile(r"\b(?:going to|flying|fly out|flight|trip|travel\w*|hotel|back "
                               r"(?:on|home|in)|away (?:for|next)|for work)\b", _I)
HOTEL_GYM: Final = re.compile(r"\bhotel (?:has a gym|gym)\b|\bgym (?:at|in) the hotel\b", _I)
NEXT_WEEK: Final = re.compile(r"\bnext week\b", _I)
THIS_WEEK: Final = re.compile(r"\bthis week\b", _I)
#: "flying out Friday", "on Thursday": the day a trip starts.
LEAVE_ON: Final = re.compile(r"\b(?:on|from|this|leaving|leave|out|flying|fly|flight)\s+"
                             r"(?P<day>mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs?|rsday)?|"
                             r"fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b", _I)
FOR_DAYS: Final = re.compile(r"\b(?P<n>\d{1,2})\s+(?:days|nights)\b|\bfor (?P<w>a|one|two|"
                             r"\d) weeks?\b", _I)
ON_DAY: Final = re.compile(r"\b(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]* (?:the )?"
                           r"(?P<n>\d{1,2})(?:st|nd|rd|th)\b", _I)
BACK_ON: Final = re.compile(r"\b(?:back|until|till|til|through|thru)\b[^.?!]{0,12}?\b(?P<day>"
                            + _DAY + r")\b", _I)
ASK_TODAY: Final = re.compile(r"\b(?:what'?s|whats|what is)\b.*\b(?:today|on)\b|\btoday'?s "
                              r"(?:workout|session)\b|^\s*workout\s*\??$", _I)
ASK_DAY: Final = re.compile(
    r"\b(?:what'?s|whats|what is|what do i have|anything)\b.{0,20}?"
    r"\b(?:on|for)\s+(?P<day>" + _DAY + r")\b|\bwhat'?s tomorrow\b"
    # "what's my workout friday?", "what am I doing thursday", "whats fridays workout"
    r"|\b(?:what'?s|whats|what is|what do i have|what am i doing)\s+(?:my |the )?"
    r"(?:workout|session|training|plan|lifting)?\s*(?P<bare>" + _DAY + r")\b(?!'?s\s+\w)"
    r"|\b(?P<owner>" + _DAY + r")'?s\s+(?:workout|session|training|plan)\b", _I)
EXPLAIN: Final = re.compile(
    r"\b(?:what(?:'s| is| are| was|s)(?: an?| the)?|how do (?:i|you) do(?: an?| the)?|"
    r"explain(?: an?| the)?|never heard of(?: an?)?|meant by(?: an?)?)\s+['\"]?"
    r"(?P<what>[a-z][a-z' -]{2,40}?)['\"]?\s*(?:\?|$|\bexactly\b|\bin plain\b|\bthough\b|"
    r"\bi'?ve\b|\bcan\b|\bcould\b|\.)", _I)
NOT_EXERCISE: Final = re.compile(
    r"^(?:today|tomorrow|on|up|next|the plan|my plan|happening|this|that|it|rpe|rir|a deload|"
    r"deload|my progress|the point|best|your|the system|going on|wrong|the difference|"
    r"normal|ok|okay|good|bad|meant|the weight)\b", _I)
HOW_HEAVY: Final = re.compile(
    r"\b(?:how heavy|what weight|how much weight|which weight|how many kg|how many pounds|"
    r"too heavy|wie schwer)\b(?:.*?\b(?:on|for|at|with|bei)\s+(?:the |my |den |die )?"
    r"(?!me\b|you\b)(?P<what>[a-z][a-z -]{2,30}?)(?=\?|$|\s+next\b|\.))?", _I)
PROGRESS: Final = re.compile(r"\b(?:how am i doing|how'?m i doing|my progress|progress "
                             r"(?:report|summary|update)|am i (?:getting|making) (?:stronger|"
                             r"progress))\b", _I)
NO_FIVE_THREE_ONE: Final = re.compile(r"\bnot?\s+(?:\w+\s+)?5/3/1\b|\bno more 5/3/1\b", _I)
METRICS: Final = (
    (re.compile(r"\bresting (?:hr|heart ?rate)\D{0,12}(\d{2,3})\b", _I), "resting_hr", "bpm"),
    (re.compile(r"\bwaist\D{0,12}(\d{2,3}(?:\.\d)?)\s*(cm|in|inches)?\b", _I), "waist", None),
)
_NUMBERS: Final = re.compile(r"\b(10|[1-9])\b")


def _day_ref(word: str, today: date) -> str:
    word = word.lower()
    if word in ("tonight",):
        return "today"
    if word in ("tmrw", "tmr"):
        return "tomorrow"
    if word in ("today", "tomorrow", "yesterday"):
        return word
    for name in _WEEKDAYS:
        if name.startswith(word[:3]):
            return name
    return word


#: Words every exercise name carries one of; "judo", "shift" or "the dot" are not exercises.
EXERCISE_WORDS: Final = re.compile(
    r"squat|press|bench|row|curl|pull|push|chin|dip|lunge|plank|deadlift|\bdl\b|rdl|hinge|"
    r"swing|raise|fly|flye|extension|crunch|bridge|thrust|step|carry|hang|hold|handstand|freestanding|"
    r"muscle|lever|sit-?ups?|stands?\b|snatch|clean|jerk|thruster|burpee|jump|hop|climber|crawl|"
    r"bird ?dog|dead ?bug|pallof|face ?pull|pulldown|pushdown|kickback|shrug|calf|glute|ham|"
    r"nordic|pistol|shrimp|l-?sit|planche|ring|sled|erg|stretch|balance|get[- ]?up|"
    r"rotation|external|band|kb|db|cable|machine|leg (?:press|curl|raise|extension)|abs", _I)
#: Words that make a text a report of training at all.
LOG_SIGNAL: Final = re.compile(r"\b\d+\s*x\s*\d+\b|\bsets?\b|\breps?\b|\brpe\b|\bskipped\b|"
                               r"\bmissed\b|\bcouldn'?t\b|\bdidn'?t\b|\bhalf\b|\bin the tank\b|"
                               r"@\s*\d|\b\d+(?:\s*,\s*\d+)+\b|\b\d+\s*(?:s|secs?|seconds)\b", _I)
#: "did judo in high school": a report about the past, not a session to log.
LONG_AGO: Final = re.compile(r"\b(?:in (?:high school|college)|years ago|used to|back then|"
                             r"when i was|for (?:a few|many|several|\d+) years|never really|"
                             r"before (?:my |the )?(?:pregnancy|baby|kids|covid|injury|surgery)|"
                             r"\d+ years)\b", _I)
#: "Done", "all done", "did it": the whole session, as prescribed.
SESSION_DONE: Final = re.compile(r"\b(?:did it|done|finished|finshed|finsihed|finised|all done|"
                                 r"completed(?: it)?|"
                                 r"did (?:\w+'s|the (?:workout|session|exercises)|my "
                                 r"exercises)|hecho|fatto|feito|gemacht)\b", _I)


def log_plan(parsed: ParsedLog, joined: str) -> ToolPlan:
    # "plank 45s", "goblet squats 10,10,9": an exercise with its numbers is a report too.
    counted = any(EXERCISE_WORDS.search(e.name) and any(s.reps or s.seconds for s in e.sets)
                  for e in parsed.exercises)
    if not parsed.is_log or not (parsed.explicit or counted) or parsed.completion is None or (
            parsed.unclear and not parsed.exercises) or LONG_AGO.search(joined):
        return []
    if not (SESSION_DONE.search(joined) or LOG_SIGNAL.search(joined)):
        return []  # "No gym. I have 3 lb weights": equipment talk, not a report
    named = tuple(e for e in parsed.exercises
                  if EXERCISE_WORDS.search(e.name) and len(e.name.split()) <= MAX_NAME_WORDS)
    if len(named) != len(parsed.exercises):
        if not named and not SESSION_DONE.search(joined):
            if SETS.search(joined):
                # "did 4x12 zorbing": a report, of something the logbook may not know; it
                # says so (a model would pass the name on too).
                return _log_call(parsed, joined)
            return []  # "I did water aerobics for years": no session, nothing to log
        parsed = replace(parsed, exercises=named)
        if not named and parsed.completion == "completed":
            parsed = replace(parsed, as_prescribed=True)
    return _log_call(parsed, joined)


SETS: Final = re.compile(r"\b\d+\s*x\s*\d+\b", _I)


def _log_call(parsed: ParsedLog, joined: str) -> ToolPlan:
    day = "today"
    if re.search(r"\byesterday\b(?!'s)", joined, _I) and not re.search(r"\btoday\b", joined,
                                                                      _I):
        day = "yesterday"
    exercises = [{
        "exercise": e.name,
        "sets": [{"reps": s.reps, "seconds": s.seconds, "load": s.load} for s in e.sets],
        "load_unit": e.load_unit, "rpe": e.rpe, "pain_area": parsed.pain_area,
        "notes": None,
    } for e in parsed.exercises]
    return [("log_workout", {
        "day": day, "completion": parsed.completion, "exercises": exercises,
        "fraction": parsed.fraction, "session_rpe": parsed.rpe,
        "felt": parsed.felt, "left_out": list(parsed.left_out),
    })]


def session_plan(
    joined: str, today: date, *, logged: bool, rest_today: bool = False, said: str = ""
) -> ToolPlan:
    """Changes to one day's session: skip, move, shorten, swap. A skip must be said, not
    asked ("should I skip them?" skips nothing); a move may be asked ("can I do it Sat?")."""
    plan: ToolPlan = []
    move = MOVE.search(joined)
    skipped = SKIP.search(said) and not logged
    if move is not None:
        source = move.group("frm")
        target = move.group("to") or move.group("to2")
        frm = _day_ref(source, today) if source else (
            "yesterday" if re.search(r"\byesterday\b", joined, _I) else "today")
        to = _day_ref(target, today)
        if to != frm:
            plan.append(("modify_workout", {"day": frm, "action": "move", "move_to": to,
                                            "minutes": None, "exercise": None, "note": None}))
            return plan
    if skipped:
        day = "yesterday" if re.search(r"\byesterday\b", joined, _I) else "today"
        plan.append(("modify_workout", {"day": day, "action": "skip", "move_to": None,
                                        "minutes": None, "exercise": None, "note": None}))
    elif not rest_today and (short := SHORT.search(joined)) is not None:
        plan.append(("modify_workout", {"day": "today", "action": "shorten", "move_to": None,
                                        "minutes": max(5, int(short.group(1))),
                                        "exercise": None, "note": None}))
    elif (swap := SWAP.search(joined)) is not None and not logged:
        name = (swap.group("a") or swap.group("b") or "").strip(" .?!")
        whole = re.match(r"^(?:my |the |this |that |today'?s? |tonight'?s? |tomorrow'?s? )?"
                         r"(?:session|workout|training|run|class|one)\b", name, _I)
        if whole and swap.group("a"):
            # "walk/jog the parkrun instead of today's session": the whole session gives way
            # to something else, noted on the day (no exercise of it is swapped).
            instead = re.split(r"[.!?]", joined[:swap.start()])[-1].strip(" ,;")[-80:]
            plan.append(("modify_workout", {"day": "today", "action": "note", "move_to": None,
                                            "minutes": None, "exercise": None,
                                            "note": f"instead: {instead}" if instead else None}))
        elif name and not whole and not re.match(
                r"^(?:my )?(?:days?|goal|time|plan)\b|^to\s+(?:mon|tue|wed|thu|fri|sat|sun)",
                name, _I):  # "swap to tue thu sat": the days change, not an exercise
            plan.append(("modify_workout", {"day": "today", "action": "swap", "move_to": None,
                                            "minutes": None, "exercise": name, "note": None}))
    return plan


def trip_plan(joined: str, today: date) -> ToolPlan:
    """"Lisbon next week for 10 days, fly out Mon the 13th, back Thu the 23rd, hotel gym";
    "travelling next week, only a hotel gym with dumbbells"."""
    place = None
    for match in TRIP_PLACE.finditer(joined):
        words = match.group("place")
        if zone_for_place(words):
            place = words
            break
        if zone_for_place(words.split()[0]):
            place = words.split()[0]
            break
    if place is None and TRIP.search(joined):
        place = _capitalised_place(joined)
    when = bool(_trip_start(joined, today) or THIS_WEEK.search(joined)
                or FOR_DAYS.search(joined) or BACK_ON.search(joined))
    if not TRIP.search(joined) and not (place and when):
        return []  # "I live in Denver", "going to try": no trip
    if place is None and not (when or re.search(r"\bhotel\b", joined, _I)):
        return []  # "my trip to the gym", "I travel a lot for work": no trip to plan
    zone = (zone_for_place(place) or zone_for_place(place.split()[0])) if place else None
    start = _trip_start(joined, today)
    until = _trip_end(joined, today, start)
    kit = read_kit(joined, asked=False, default_unit="kg")
    stated = kit.equipment if kit.equipment is not None and len(kit.equipment) < GYM_LIKE \
        else None
    return [("plan_trip", {
        "start": start.isoformat() if start else None,
        "until": until.isoformat() if until else None,
        "place": place.title() if place else None, "timezone": zone,
        "equipment": stated, "hotel_gym": bool(HOTEL_GYM.search(joined)),
        "reason": "trip",
    })]


def _capitalised_place(text: str) -> str | None:
    """"Lisbon next week for 10 days": a city named anywhere in a text about a trip."""
    words = re.findall(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", text)
    for candidate in words:
        for name in (candidate, candidate.split()[0]):
            if zone_for_place(name):
                return str(name)
    return None


def _next_day_numbered(n: int, today: date) -> date | None:
    for offset in range(0, 62):
        candidate = today + timedelta(days=offset)
        if candidate.day == n:
            return candidate
    return None


def _trip_start(joined: str, today: date) -> date | None:
    numbered = list(ON_DAY.finditer(joined))
    if numbered:
        return _next_day_numbered(int(numbered[0].group("n")), today)
    if re.search(r"\b(?:tmrw|tmr|tomorrow)\b", joined, _I):
        return today + timedelta(days=1)
    back = BACK_ON.search(joined)
    for match in LEAVE_ON.finditer(joined):
        if back is not None and back.start() <= match.start() < back.end():
            continue
        target = _WEEKDAYS.index(_day_ref(match.group("day"), today))
        return today + timedelta(days=(target - today.weekday()) % 7)
    if NEXT_WEEK.search(joined):
        return today + timedelta(days=7 - today.weekday())
    return None


def _trip_end(joined: str, today: date, start: date | None) -> date | None:
    numbered = list(ON_DAY.finditer(joined))
    if len(numbered) >= 2:
        return _next_day_numbered(int(numbered[-1].group("n")), start or today)
    back = BACK_ON.search(joined)
    first = start or today
    if back is not None:
        word = _day_ref(back.group("day"), today)
        if word in _WEEKDAYS:
            target = _WEEKDAYS.index(word)
            return first + timedelta(days=(target - first.weekday()) % 7 or 7)
    if (span := FOR_DAYS.search(joined)) is not None:
        if span.group("n"):
            return first + timedelta(days=int(span.group("n")) - 1)
        weeks = {"a": 1, "one": 1, "two": 2}.get(span.group("w").lower()) or int(span.group("w"))
        return first + timedelta(days=7 * weeks - 1)
    if NEXT_WEEK.search(joined) or THIS_WEEK.search(joined):
        return first + timedelta(days=6 - first.weekday())  # to that week's Sunday
    return None


def lookup_plan(joined: str) -> ToolPlan:
    """"WORKOUT" or "today's session" without a question mark: what's on."""
    if ASK_TODAY.search(joined) or (ASK_DAY.search(joined) is not None):
        return question_plan(joined)
    return []


_MEANT: Final = re.compile(
    r"^(?:what (?:is|was) meant by|(?:is |was )?meant by|what is|what's|what)\s+(?:an?\s+|the\s+)?"
    r"['\"]?", _I)


def question_plan(joined: str) -> ToolPlan:
    plan: ToolPlan = []
    day = ASK_DAY.search(joined)
    if (heavy := HOW_HEAVY.search(joined)) is not None:
        plan.append(("load_advice", {"exercise": (heavy.group("what") or "").strip() or None}))
    elif day is None and (what := EXPLAIN.search(joined)) is not None and not NOT_EXERCISE.match(
            _MEANT.sub("", what.group("what"))):
        # (a day's session asked for, "what's my workout friday?", is not an exercise question)
        # "explain what is meant by a hip hinge": the thing after the framing words
        plan.append(("explain_exercise", {"exercise": _MEANT.sub("", what.group("what")).strip()}))
    if PROGRESS.search(joined):
        plan.append(("progress_summary", {"days": 7 if re.search(r"\bthis week\b", joined, _I)
                                          else 30}))
    if day is not None:
        asked = day.group("day") or day.group("bare") or day.group("owner") or "tomorrow"
        plan.append(("get_workout", {"day": _day_ref(asked, date.today())}))
    elif ASK_TODAY.search(joined) and not plan:
        plan.append(("get_workout", {"day": "today"}))
    return plan


#: "Done. Took 42 min", "today's took me almost 30 with the rests": how long a session took.
SESSION_TOOK: Final = re.compile(
    r"\b(?:done|finished|today'?s|session|workout|it|that one|this one)\W+(?:\w+\W+){0,2}?"
    r"(?:took|lasted|ran)\s+(?:me\s+)?(?:almost|about|around|like|nearly|over|just over|"
    r"closer to|~)?\s*(?P<minutes>\d{1,3})\s*(?:min|mins|minutes|m\b)?(?!\s*(?:sec|s\b|km|k\b))",
    _I)
#: "took 20 min to drive to the gym": time spent on something else.
_OTHER_TIME: Final = re.compile(r"\s*(?:min\w*\s+)?(?:to|for)\s+(?:get|drive|walk|commute|find|"
                                r"park|travel|set up|warm)\b", _I)


def session_length_plan(joined: str) -> ToolPlan:
    match = SESSION_TOOK.search(joined)
    if match is None or not 5 <= int(match.group("minutes")) <= 240 \
            or _OTHER_TIME.match(joined, match.end("minutes")):
        return []
    day = "yesterday" if re.search(r"\byesterday'?s?\b", joined, _I) else "today"
    return [("session_length", {"minutes": int(match.group("minutes")), "day": day})]


def metric_plan(joined: str, units: str) -> ToolPlan:
    plan: ToolPlan = []
    weight = read_body_weight(joined, default_unit="kg" if units == "metric" else "lb")
    if weight is not None:
        plan.append(("log_metric", {"metric": "body_weight", "value": weight.value,
                                    "unit": weight.unit}))
    for pattern, metric, unit in METRICS:
        if (match := pattern.search(joined)) is not None:
            stated = (match.group(2) or "") if pattern.groups > 1 else ""
            said = "in" if stated.lower().startswith("in") else stated.lower() or None
            plan.append(("log_metric", {"metric": metric, "value": float(match.group(1)),
                                        "unit": unit or said or "cm"}))
    return plan


#: Food asked about in numbers or as "what do I eat": the athlete's targets answer it.
_FOOD: Final = (r"(?:protein|protien|prot[eé]ina|prote[ií]nas?|eiwei(?:ß|ss)|calor(?:ies|ie|"
                r"[ií]as?)|kcals?|kalorien|macros?|carbs?|carbohydrates?)")
NUTRITION: Final = re.compile(
    r"\b(?:how (?:much|many)|how many (?:grams|g) of|what'?s? (?:my|the right|a good)|"
    r"what should my|enough|hit my|daily)\s+(?:\w+\s+){0,2}?" + _FOOD + r"\b"
    r"|\b" + _FOOD + r"\b[^.?!]{0,40}\b(?:should i|do i need|per day|a day|daily|target|"
    r"goal|to (?:lose|gain|build|cut|bulk))\b"
    r"|^\W*(?:and\s+|what about\s+|my\s+)?" + _FOOD + r"\s*(?:\?|$)"
    r"|\bwhat (?:should|do|can|shall) i (?:be )?eat(?:ing)?\b|\bwhat to eat\b|"
    r"\bhow much (?:should i|i should|do i need to|i need to|to) (?:be )?eat(?:ing)?\b|"
    r"\beating enough\b"
    r"|\b(?:meal|diet|nutrition|food|eating) plan\b|\bplan (?:my|out my) meals\b"
    # Spanish, Portuguese, German, French, Italian
    r"|\bcu[aá]nt[oa]s? (?:prote[ií]nas?|calor[ií]as|carbohidratos)\b|\bqu[eé] (?:debo|"
    r"deber[ií]a|tengo que) comer\b|\bquant[oa]s? (?:prote[ií]nas?|calorias)\b|\bo que "
    r"(?:devo|deveria) comer\b|\bwie (?:viel|viele) (?:eiwei(?:ß|ss)|protein|kalorien)\b|"
    r"\bwas soll(?:te)? ich essen\b|\bcombien de (?:prot[eé]ines?|calories)\b|"
    r"\bque (?:dois|devrais)-je manger\b|\bquante (?:proteine|calorie)\b", _I)
MEAL_PLAN: Final = re.compile(r"\b(?:meal|diet|food|eating) plan\b|\bplan (?:my|out my) "
                              r"meals\b|\bwhat (?:should|do) i eat (?:each|every) day\b|"
                              r"\bplan de comidas\b|\bdi[aä]t ?plan\b|\bessensplan\b", _I)


#: "what should I eat before a workout?": timing around a session, not daily targets.
AROUND_TRAINING: Final = re.compile(
    r"\b(?:before|after|pre|post)[- ](?:an? |my |the )?(?:long |big |hard |easy |early |"
    r"morning )?(?:workout|session|training|run|gym|lifting|game|race)\b", _I)


def nutrition_plan(joined: str) -> ToolPlan:
    """"how much protein should I eat?", "calories?", "give me a meal plan": the athlete's
    targets (never a meal plan; the tool and domain say what the numbers are)."""
    lines = re.split(r"(?<=[.?!])\s+|\n", joined)
    if not any(NUTRITION.search(line) and not AROUND_TRAINING.search(line) for line in lines):
        return []
    return [("nutrition_targets", {"meal_plan_asked": MEAL_PLAN.search(joined) is not None})]


def check_in_plan(joined: str) -> ToolPlan:
    """"7 4 8" (energy, soreness, sleep) when a check-in is open."""
    numbers = [int(n) for n in _NUMBERS.findall(joined)]
    if len(numbers) < 3 or len(numbers) > 4:
        return []
    return [("record_check_in", {"energy": numbers[0], "soreness": numbers[1],
                                 "sleep": numbers[2], "notes": None})]


def plan_wishes(joined: str) -> ToolPlan:
    if NO_FIVE_THREE_ONE.search(joined):
        return [("modify_plan", {"change": "no 5/3/1-style programming", "reason": None})]
    return []


REST_TEXTS: Final = re.compile(
    r"\b(?P<off>no|don'?t|stop|skip|no need for|without)\b[^.?!]{0,30}\brest[- ]day "
    r"(?:texts?|messages?)\b|\brest[- ]day (?:texts?|messages?)\b", _I)


def rest_texts_plan(joined: str) -> ToolPlan:
    """"no rest day texts please" / "can I get rest day texts too?"."""
    if (match := REST_TEXTS.search(joined)) is None:
        return []
    return [("rest_day_texts", {"on": not match.group("off")})]


def pause_plan(joined: str, status: str, today: date) -> ToolPlan:
    """"pause for a week", "taking a break till Sunday", "resume please"."""
    if status == "paused" and (RESUME.search(joined) or re.search(r"\bi'?m back\b", joined, _I)):
        return [("pause", {"action": "resume", "until": None, "reason": None})]
    if PAUSE.search(joined):
        until = _trip_end(joined, today, today)
        return [("pause", {"action": "pause", "until": until.isoformat() if until else None,
                           "reason": None})]
    return []


#: Someone to talk to, in the athlete's words: "a real person", "a human", "someone".
_PERSON: Final = (r"(?:(?:a|an|some|the|one|to)\s+)?(?:real\s+|actual\s+|live\s+|human\s+)?"
                  r"(?:person|human(?: being)?|someone|somebody|some1|people|coach|trainer|"
                  r"staff|member of (?:the )?(?:staff|team)|manager|supervisor|operator|agent|"
                  r"team)\b")
#: The athlete asks for a person ("can I talk to a real human?", "is this a bot? I want a
#: human", "hablar con una persona"): a model calls request_human; so does this reader.
ASK_FOR_PERSON: Final = re.compile(
    r"\b(?:can|could|may|do|how do|how can)\s+(?:i|we|u|you)\s+(?:please\s+|pls\s+)?"
    r"(?:talk|speak|chat|text|get in touch|be put through)\s+(?:to|with)\s+" + _PERSON
    + r"|\b(?:i|i'?d|id|we)\s+(?:really\s+)?(?:want|wanna|need|would like|'?d like|like|"
    r"prefer|rather)\s+(?:to\s+)?(?:talk|speak|chat|text)\s+(?:to|with)\s+" + _PERSON
    + r"|\b(?:let me|put me through to|connect me (?:to|with)|transfer me to|get me|give me|"
    r"pass me to)\s+(?:talk\s+to\s+|speak\s+to\s+)?" + _PERSON
    + r"|\b(?:i|we)\s+(?:really\s+)?(?:want|wanna|need|would like|'?d like)\s+(?:a|an|to "
    r"have a)\s+(?:real\s+|actual\s+|live\s+)?(?:person|human(?: being)?)\b"
    r"|\b(?:real|actual|live)\s+(?:person|human)\s+(?:please|pls|plz)\b"
    r"|^\W*(?:(?:please|pls|plz|ok|okay|just)\s+)?(?:talk|speak|chat)\s+(?:to|with)\s+(?:a|an)"
    r"\s+(?:real\s+|actual\s+|live\s+)?(?:person|human)\b"
    r"|\bis there (?:a|an|any)\s+(?:real\s+|actual\s+)?(?:person|human|one|someone)\b"
    r"[^.?!]{0,25}\b(?:talk|speak|chat)\b"
    r"|\b(?:can|could)\s+(?:a|an|some)\s*(?:real\s+)?(?:person|human|one|body)\s+(?:call|text|"
    r"contact)\s+me\b"
    r"|^\W*(?:a\s+)?(?:human|person|real person|real human|agent|operator)\s+(?:please|pls|plz)"
    r"\W*$"
    # Spanish, Portuguese, French, German, Italian
    r"|\b(?:hablar|habla|platicar)\s+con\s+(?:una?\s+)?(?:persona|humano|alguien|entrenador|"
    r"coach|el equipo)\b|\bquiero\s+(?:una\s+persona|un\s+humano)\b"
    r"|\bfalar\s+com\s+(?:uma?\s+)?(?:pessoa|humano|algu[eé]m|treinador)\b"
    r"|\bparler\s+(?:à|a|avec)\s+(?:une?\s+)?(?:personne|humain|quelqu'un|coach|vrai)\b"
    r"|\bmit\s+(?:einem|einer|jemandem)\s+(?:echten\s+)?(?:menschen|person|mitarbeiter)?\s*"
    r"(?:sprechen|reden)\b"
    r"|\bparlare\s+con\s+(?:una?\s+)?(?:persona|umano|qualcuno)\b", _I)
#: Someone from the team, as people name them when they want one: "one of the coaches",
#: "a member of staff", "support", "customer service".
_TEAM: Final = (r"(?:someone|somebody|some1|any ?one|any ?body|a (?:real |actual |live )?"
                r"(?:person|human|coach|trainer)|(?:a |one )?member of (?:the )?(?:staff|team)|"
                r"one of (?:the|your|ur) (?:coaches|trainers|team|staff)|(?:customer )?support|"
                r"customer service|the team|your team|ur team|staff|my coach|a manager)")
#: The same ask, said the other ways people say it: a call ("can someone from support call
#: me", "get on a quick call with someone", "a phone number I can call"), "a real coach" in a
#: request ("is there a real coach i can talk to", "whos the actual person in charge"), a bare
#: "agent" or "talk to human", and the other languages' call-me-back.
ASK_FOR_PERSON_INDIRECT: Final = re.compile(
    r"\b" + _TEAM + r"\b[^.?!]{0,30}?\b(?:call|phone|ring|reach out to|contact|get in touch "
    r"with)\s+me\b"
    r"|\b(?:give me|get|have|set up|book|schedule|get on)\s+(?:a\s+)?(?:quick\s+|short\s+)?"
    r"(?:phone\s+)?call\b(?:\s+(?:with|from)\b)?"
    r"|\bcall\s*back\b|\bphone number\s+(?:i|we)\s+can\s+(?:call|ring)\b"
    r"|\b(?:coach|someone|somebody|a person|staff|support|you guys|the team)\s+on\s+the\s+"
    r"phone\b"
    r"|\b(?:can|could|may|is there|are there|any|want|need|get|talk to|speak to|speak with|"
    r"talk with|who'?s|whos|who is)\b[^.?!]{0,25}?\b(?:real|actual|live)\s+(?:pers\w*|huma\w*|"
    r"coach(?:es)?|trainer)\b"
    r"|\b(?:talk|speak|chat|discuss\w*)\s+(?:to|with)\s+(?:one of (?:the|your|ur) (?:coaches|"
    r"trainers|team)|(?:customer )?support|customer service|(?:a|an)\s+(?:person|human))\b"
    r"|\b(?:need|want|wanna|would like)\s+to\s+(?:talk|speak)\s+(?:to|with)\s+"
    r"(?:someone|somebody)\b"
    r"|\b(?:lemme|let me)\s+(?:talk|speak|chat)\s+(?:to|with)\s+" + _PERSON
    + r"|\bconn?ect\s+me\s+(?:w/|with|to)\s+(?:support|someone|somebody|a person|a human|"
    r"a coach|the team)\b"
    r"|^\W*(?:(?:talk|speak)\s+to\s+)?(?:a\s+)?(?:agent|human|operator|representative|"
    r"customer service)\W*$"
    # "is anyone actually reading these", "can a human check my plan", "I'd like to escalate
    # this", "whoever is behind this", "a trainer I can call"
    r"|\bis\s+(?:any ?one|any ?body|some ?one|a (?:real )?(?:human|person))\s+(?:actually\s+|"
    r"even\s+|really\s+)?(?:reading|there|listening|looking at|seeing)\b"
    r"|\bescalat\w*\b"
    r"|\b(?:can|could|would|will)\s+(?:a|an|some|any)\s*(?:real\s+|actual\s+)?(?:human|person|"
    r"one|body|coach|trainer)\s+(?:please\s+)?(?:check|look|review|read|go over|explain|help|"
    r"answer|message|get back)\b"
    r"|\b(?:whoever|who'?s|whos|who is)\s+(?:is\s+)?(?:behind|running|in charge of|reading)\s+"
    r"(?:this|these|it|my)\b"
    r"|\b(?:coach|trainer|person|human|someone|somebody)\s+(?:i|we)\s+can\s+(?:call|phone|"
    r"talk to|speak to|speak with|text directly|message directly)\b"
    # the same, in Spanish, Portuguese, French, German, Italian and Dutch
    r"|\b(?:me\s+)?(?:puede|pueden|podr[ií]a)\s+llamar\b|\bllamarme\b|\bhablar\s+por\s+"
    r"tel[eé]fono\b|\bme\s+ligar\b|\bligar\s+para\s+mim\b|\bm'appeler\b|\bme\s+rappeler\b|"
    r"\b(?:vrai|vraie)\s+(?:coach|personne|entra[iî]neur)\b|\bau\s+t[eé]l[eé]phone\b|"
    r"\br[üu]ckruf\b|\bmich\s+(?:an|zur[üu]ck)rufen\b|\b(?:echten|echte)\s+(?:menschen|"
    r"person|trainer)\b|\ballenatore\s+vero\b|\bpersona\s+(?:vera|reale)\b|\bchiamarmi\b|"
    r"\brichiamarmi\b|\bmet\s+(?:een\s+)?(?:echt\s+)?(?:mens|persoon|iemand)\s+(?:praten|"
    r"spreken)\b|\bterugbellen\b|\bmij\s+bellen\b", _I)
#: "I don't want to talk to a person": up to three words between the no and the ask.
_NOT_ASKING: Final = re.compile(r"\b(?:don'?t|dont|do not|no need to|never|not)\s+"
                                r"(?:\w+\s+){0,3}$", _I)


def asked_unnegated(text: str, asks: Sequence[re.Pattern[str]], negation: re.Pattern[str]
                    ) -> bool:
    """Whether ``text`` makes one of ``asks`` without ``negation`` just before it ("don't
    delete my photos", "I don't want to talk to a person" ask nothing)."""
    return any(negation.search(text, 0, match.start()) is None
               for pattern in asks for match in pattern.finditer(text))


def human_plan(texts: list[str]) -> ToolPlan:
    """request_human when a text asks for a person, not when it says it does not want one."""
    for text in texts:
        if asked_unnegated(text, (ASK_FOR_PERSON, ASK_FOR_PERSON_INDIRECT), _NOT_ASKING):
            said = " ".join(text.split())
            return [("request_human", {"reason": "asked_for_person",
                                       "detail": f"asked for a person: {said[:200]}"})]
    return []


#: "down 3 lbs since last week": progress on the scale, not a set of anything.
WEIGHT_CHANGE: Final = re.compile(r"\b(?:down|lost|dropped|up)\s+(?P<v>\d{1,2}(?:\.\d)?)\s*"
                                  r"(?P<u>kg|kgs|kilos|lbs?|pounds)\b[^.!?]*", _I)


#: Schedule talk ("4 days a wk, 45 mins cos i go before my shift") is not a workout report.
SCHEDULE_TALK: Final = re.compile(
    r"\b\d\s*(?:x\s*)?(?:days?|times)\s*(?:a|per|/|pro)\s*(?:week|wk|w)\b|\b(?:mins?|minutes|"
    r"hours?|hr)\s+(?:max|tops|at most)\b|\bbefore (?:my )?(?:shift|work)\b", _I)
DONE_WORDS: Final = re.compile(r"\b(?:did|done|finished|completed|skipped|logged|hit|managed)\b",
                               _I)


def parsed_log(text: str) -> ParsedLog:
    """The text as a workout log, measurements taken out first ("resting HR 52" and "I weigh
    80kg" are metrics, not 52 reps of something)."""
    if SCHEDULE_TALK.search(text) and not DONE_WORDS.search(text):
        return parse_log("")
    for pattern in (BODY_WEIGHT, WEIGHT_CHANGE, *(p for p, _, _ in METRICS)):
        text = pattern.sub(" ", text)
    return parse_log(text)


#: "JOIN C25K" as the keyword is advertised: the word JOIN, then the keyword, then the end of
#: the sentence or a please ("CAN I JOIN YOUR GYM CLASS" names no keyword).
JOIN_KEYWORD: Final = re.compile(
    r"(?<![A-Za-z])JOIN[ :#-]*([A-Za-z0-9]{2,12})(?=\s*(?:$|[.!?,;)]|please|pls|plz|thanks|"
    r"thx|now|today|\u00a0|[^\w\s]))", re.IGNORECASE)
#: Asking for a programme in words: a join verb or "program(me)" near its keyword or name.
_JOIN_VERB: Final = (r"(?:join|sign (?:me )?up(?: for)?|enrol+(?: me)?(?: in)?|start|"
                     r"switch to|go on|follow|inscrib\w*|unir(?:me)?|entrar|iscriv\w*|"
                     r"anmelden|rejoindre)")
_PROGRAM_WORD: Final = r"(?:program(?:me)?|programa|programma|challenge)"
#: A request, not a question about it: "can I do", "I want", "let's do", "put me on".
_REQUEST: Final = (r"(?:can i|could i|may i|i(?:'d| would)? (?:like|want|wanna)(?: to)?|"
                   r"i want|let'?s|put me on|sign me up for|i'?ll (?:do|take|try)|"
                   r"gimme|give me)\s+(?:(?:do|try|start|join|go on|follow|switch to|have)\s+)?"
                   r"(?:the|that|your|il|el|la|das)?\s*")


def program_plan(texts: list[str], offered: list[tuple[str, list[str]]]) -> ToolPlan:
    """"JOIN C25K", "join db3?", "can I do the pull-up programme": the programme they named,
    as they named it (the tool finds it, checks it suits them and says what happens).

    ``offered`` is each programme's keyword with its names (name, then aliases). "JOIN <word>"
    as the advertised form passes an unknown word on too (the answer lists what there is),
    except a referral code's shape (the webhook links those). A question about a programme
    ("does the program need a dumbbell?", "is PULLUP too easy?") joins nothing."""
    joined = " ".join(texts)
    for match in JOIN_KEYWORD.finditer(joined):
        word = match.group(1).upper()
        if word in {k for k, _ in offered} or (
                match.group(0).startswith("JOIN") and not REFERRAL_SHAPE.match(word)):
            return [("join_program", {"program": word})]
    for keyword, names in offered:
        spelled = [re.escape(keyword), *(re.sub(r"(?:\\[ -])+", r"[\\s-]*", re.escape(n))
                                         for n in names)]
        # A join verb needs the keyword, the name or a name of three words or more ("sign me
        # up for couch to 5k"; "start doing pull ups" is no request); a short alias needs a
        # request and the word programme beside it ("can I do the pull up program").
        long = [spelled[0], spelled[1], *(a for n, a in zip(names[1:], spelled[2:],
                                                             strict=True)
                                          if len(n.split()) >= 3)]
        exact = r"(?:" + "|".join(long) + r")"
        named = r"(?:" + "|".join(spelled) + r")"
        asked = re.compile(
            rf"\b{_JOIN_VERB}\b[^.?!]{{0,25}}\b{exact}\b"
            rf"|\b{_REQUEST}{named}\b\W*(?:{_PROGRAM_WORD})\b"
            rf"|\b{_REQUEST}(?:{_PROGRAM_WORD})\b[^.?!]{{0,12}}\b{named}\b", _I)
        if asked.search(joined):
            return [("join_program", {"program": keyword})]
    return []


#: "delete my photos", "remove the pics I sent", "borra mis fotos", "elimina las fotos":
#: a verb of removing, then (within a few words) photos.
DELETE_PHOTOS: Final = re.compile(
    r"\b(?:delete|remove|erase|wipe|get rid of|take down|clear|destroy|purge|borr(?:a|ar|en|ad)"
    r"|b[oó]rra(?:las|me|los)|elimin(?:a|ar|en|ad)|quit(?:a|ar|en)|suprim(?:e|ir)|apag(?:a|ar))"
    r"\b[^.?!]{0,40}?\b(?:photos?|pics?|pictures?|images?|selfies?|fotos?|fotograf[ií]as?|"
    r"im[aá]genes)\b"
    r"|\b(?:photos?|pics?|pictures?|fotos?)\b[^.?!]{0,20}?\b(?:deleted|removed|erased|"
    r"borradas?|eliminadas?)\b", _I)
#: "don't delete my photos", "no borres mis fotos": the ask negated just before it.
_NOT_DELETING: Final = re.compile(r"\b(?:don'?t|dont|do not|never|not|no|nunca)\s+"
                                  r"(?:\w+\s+){0,2}$", _I)


def photos_plan(texts: list[str]) -> ToolPlan:
    """delete_photos when a text asks for the athlete's photos to be deleted."""
    if any(asked_unnegated(text, (DELETE_PHOTOS,), _NOT_DELETING) for text in texts):
        return [("delete_photos", {})]
    return []


#: "what programmes do you have?", "any programs?", "qué programas hay": the list on offer.
PROGRAMS_ASKED: Final = re.compile(
    r"\b(?:what|which|any|other|list (?:of )?(?:the |your )?)\s*(?:other\s+)?"
    r"(?:programs?|programmes?|challenges)\b"
    r"|\bwhat else do (?:you|u) have\b|\bprogram(?:me)?s (?:do you|you) (?:have|offer)\b"
    r"|\bqu[eé] programas\b|\bwelche programme\b|\bche programmi\b|\bquels programmes\b", _I)


#: "what's next week look like?", "what's on this week": the sessions coming up.
WEEK_ASKED: Final = re.compile(
    r"\bwhat(?:'?s| is| does| do)?\s+(?:on\s+|up\s+|coming up\s+)?(?:for\s+)?(?:next|this|the)"
    r"\s+week\b|\b(?:next|this) week'?s? (?:plan|sessions?|workouts?|schedule)\b"
    r"|\bwhat(?:'?s| is) (?:on|coming up|up) (?:next|this) week\b", _I)
