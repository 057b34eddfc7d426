"""When the athlete trains: how many days, which days, days ruled out, other sport, minutes.

"3 días a la semana, lunes miércoles y viernes" (read as "3 days a week, monday wednesday and
friday"), "4 days: mon tue thu fri", "actually 4 days not 3. weekdays", "M W F", "Friday no,
too close to Saturday", "weekends r tough w the kids": counts, named days and days ruled out.
Weekdays that belong to another sport ("Tue intervals, Sun long run", "I climb Tue and Thu")
are activities, not training days, so the planner can keep strength away from key sessions.
Minutes come from "60 min max", "45min-1hr", "hour max"; numbers in a workout report
("Done! 28 min") describe one session, not the routine.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from worker.domain.profile import Activity
from worker.llm.offline.read.text import CI, blank, clause, lower, one_off, segments

#: A bare number ("3", "45") answers the coach's question only in a reply this short.
SHORT_ANSWER_WORDS = 6


@dataclass
class Days:
    training: list[int] | None = None
    excluded: list[int] | None = None
    activities: list[Activity] = field(default_factory=list)

_RANGE_SEP: Final = r"\s*(?:-|to|or|/)\s*"
_DAYS_COUNT: Final = re.compile(
    r"\b([1-7])(?:" + _RANGE_SEP + r"([1-7]))?\s*(?:x|times|days?|d|sessions?|workouts?|"
    r"mornings?|evenings?|nights?|lunchtimes?)"
    r"\s*(?:a|an|per|/|each|every|in a|p)?\s*(?:week|wk|w)\b"
    r"|\b([1-7])(?:" + _RANGE_SEP + r"([1-7]))?\s*(days|x(?![\d]))(?!\s*(?:ago|off|of rest|rest|"
    r"later|from now|in a row|left|before|after|until|till|bigger|more|as|longer|x|\d))"
    r"|\b([1-7])(?:" + _RANGE_SEP + r"([1-7]))?\s*(day|times)\s*(?:a|an|per|/|each|every)\s*"
    r"(?:week|wk)\b"
    r"|\b(?P<times>once|twice|thrice)\s*(?:a|per|/|each|every)\s*(?:week|wk)\b"
    r"|\b([1-7])\s+(?:strength|lifting|gym|training|weights?|resistance)\s+(?:days|sessions|"
    r"workouts)\b"
    # "2 sessions of 45 min a week", "3 workouts (30-40 min) per week"
    r"|\b([1-7])\s+(?:sessions|workouts)\b[^.;!?]{1,25}?\b(?:a|per|each|every|/)\s*(?:week|wk)\b"
    r"|\b(?:train|training|workout|work out|lift|lifting|gym|go|exercise)\s+([1-7])"
    r"(?:" + _RANGE_SEP + r"([1-7]))?\s*(?:x|times|days|days?\s+a\s+week)\b",
    CI,
)
_DAYS_EXCLUDED_BEFORE: Final = re.compile(
    r"\b(?:in|last|past|for the last|for the past|next|first|within|every|than|"
    # "out the door by 7 x": a clock time (and a kiss), not 7 days ("keep it at 3 days a
    # week" is a count, so not "at")
    r"by|until|till|before)\s*$", CI
)
_WEEKDAY_TOKEN: Final = re.compile(r"\b(mon|tue|wed|wen|thu|fri|sat|sun)[a-z]*\b", CI)
_WEEKDAY_ABBREVIATIONS: Final[dict[str, int]] = {
    "mon": 1, "mons": 1, "tue": 2, "tues": 2, "wed": 3, "weds": 3, "thu": 4, "thur": 4,
    "thurs": 4, "thr": 4, "fri": 5, "fris": 5, "sat": 6, "sats": 6, "sun": 7, "suns": 7,
}
_WEEKDAY_PREFIX: Final[dict[str, int]] = {
    "mon": 1, "tue": 2, "wed": 3, "wen": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7,
}
_DAY_EXCLUSION: Final = re.compile(
    r"\b(?:not|no|except|excluding|never|can'?t|cannot|busy|off|unavailable|other than|"
    r"apart from|besides|without|i work|i'?m working|working(?!\s*out)|rest(?:ing)?|"
    r"nothing heavy on|"
    r"nothing on|menos)\b", CI
)
_SCHEDULE_WORDS: Final = re.compile(
    r"\b(?:train|training|work ?out|workouts?|gym|lift|lifting|sessions?|free|available|"
    r"can do|days|x a week|times a week|weekly|suits?|prefer|schedule|usually|every|best)\b",
    CI,
)
_DAY_EVENT: Final = re.compile(
    r"\b(?:close to|near|day before|day after|"
    r"missed|miss|skipped|skip|until|till|til|since|last|next|this|see you|by|before|"
    r"after|pause|paused|away|vacation|holiday|moved?|swap|switch|tomorrow|yesterday|today)\b",
    CI,
)
_SEND_CONTEXT: Final = re.compile(
    r"\b(?:text|texts|txt|send|sent|message|msg|remind|reminder|ping|hit me|notify|"
    r"the daily|daily (?:text|message|workout))\b",
    CI,
)


def _weekday_value(token: str) -> tuple[int, bool] | None:
    """ISO weekday for a token, and whether it is a full name (abbreviations are weaker)."""
    lowered = token.lower()
    if lowered in _WEEKDAY_ABBREVIATIONS:
        return _WEEKDAY_ABBREVIATIONS[lowered], False
    if lowered.endswith(("day", "days")) and len(lowered) <= 11:
        return _WEEKDAY_PREFIX[lowered[:3]], True
    return None


def _span_days(first: int, last: int) -> list[int]:
    days = [first]
    while days[-1] != last and len(days) < 7:
        days.append(days[-1] % 7 + 1)
    return days


def _training_days(low: str, asked: bool) -> Days:
    """Weekdays the athlete trains on, rules out, or keeps for another sport, from the last
    correction segment that names any; abbreviations need a list context."""
    result = Days()
    for seg_start, seg_end in segments(low):
        segment = low[seg_start:seg_end]
        included: set[int] = set()
        excluded: set[int] = set()
        activities: list[Activity] = []
        tokens: list[tuple[re.Match[str], int, bool]] = []
        for match in _WEEKDAY_TOKEN.finditer(segment):
            value = _weekday_value(match.group(0))
            if value is not None:
                tokens.append((match, value[0], value[1]))
        strong_list = len(tokens) >= 2 or asked or bool(_SCHEDULE_WORDS.search(segment))
        consumed: set[int] = set()
        for i in range(len(tokens) - 1):
            first, second = tokens[i], tokens[i + 1]
            gap = segment[first[0].end():second[0].start()]
            if re.fullmatch(r"\s*(?:-|to|thru|through|till|until)\s*", gap):
                span = _span_days(first[1], second[1])
                consumed.update((i, i + 1))
                if not asked and _day_is_an_event(segment, first[0].start()):
                    continue  # "husband's away mon-tue": those dates, not a routine
                left, right = clause(segment, first[0].start(), second[0].end())
                if _TEAM.search(segment[left:right]):
                    # "we lift w the team mon-thu": their team's sessions, not ours to plan
                    activities += [Activity(weekday=d, what="team training", hard=True)
                                   for d in span]
                    continue
                target = excluded if _day_excluded(segment, first[0].start()) else included
                target.update(span)
        for i, (match, day, full) in enumerate(tokens):
            # "Sundays", "on a Sunday": every one of them, a routine
            plural = (match.group(0).lower().endswith("s") and full) or (full and bool(
                re.search(r"\bon an?\s+$", segment[:match.start()])))
            if i in consumed or not (plural or strong_list):
                continue
            activity = _activity(segment, match, tokens)
            if activity is not None:
                activities.append(Activity(weekday=day, what=activity[0], hard=activity[1]))
                if _GAME_DAY.search(segment[max(0, match.start() - 40):match.end() + 30]):
                    excluded.add(day)  # a match day is no lifting day
                continue
            if not asked and (_day_is_an_event(segment, match.start()) or re.match(
                    r"\W*(?:as usual|again|like normal|like always)\b", segment[match.end():])):
                continue
            if _ONE_OFF_WEEK.search(segment):
                continue  # "working thu fri sat, nothing til sun": this week, not the routine
            if _CONDITIONAL_AFTER.match(segment, match.end()) or (
                    _MAYBE_BEFORE.search(segment[max(0, match.start() - 20):match.start()])
                    and re.match(r"[^,.;]{0,30}?\b(?:if|depending|when)\b", segment[match.end():])):
                continue  # "a third on Saturday if I am feeling spry": a maybe, not a plan
            if _CONTENT_ONLY.search(segment[max(0, match.start() - 30):match.start()]):
                continue  # "no legs on friday": what that day holds, not whether they train
            if _day_excluded(segment, match.start()) or _excluded_after(segment, match.end()) \
                    or _listed_before_excluded(segment, tokens, i):
                excluded.add(day)
            else:
                included.add(day)
        for match in re.finditer(r"\bweekdays\b|\bweek ?days\b|\bworkdays\b", segment):
            (excluded if _day_excluded(segment, match.start()) else included).update(range(1, 6))
        for match in re.finditer(r"\bweekends?\b", segment):
            if match.group(0) == "weekend" and re.search(
                    r"\b(?:that|this|next|last|a|one)\s+$", segment[:match.start()]):
                continue  # "a meet that weekend", "this weekend": a date, not a routine
            if not (asked or match.group(0) == "weekends" or _SCHEDULE_WORDS.search(segment)
                    or _excluded_after(segment, match.end())):
                continue
            if not asked and _day_is_an_event(segment, match.start()):
                continue
            out = _day_excluded(segment, match.start()) or _excluded_after(segment, match.end())
            (excluded if out else included).update((6, 7))
        for match in re.finditer(r"\b(?:every ?(?:single )?day|7 days a week|daily)\b", segment):
            left, right = clause(segment, match.start(), match.end())
            if _SEND_CONTEXT.search(segment[left:right]):
                continue
            if re.search(r"\b(?:i|we)\s+(?:\w+\s+)?(?:walk|run|cycle|bike|swim|commute|hike)\b",
                         segment[left:right]):
                continue  # "I walk every day": what they do anyway, not training days
            if match.group(0) == "daily" and not asked:
                continue
            included.update(range(1, 8))
        if _MWF.search(segment):
            included.update((1, 3, 5))
        days = sorted(included - excluded)
        if days:
            result.training = days
        if excluded:
            result.excluded = sorted(set(result.excluded or []) | excluded)
        result.activities += activities
    return result


#: Sessions someone else runs: "we lift w the team", "practice with my club".
_TEAM: Final = re.compile(
    r"\b(?:we|the team|team|squad|club)\b[^.;!?]{0,25}\b(?:lift|lifting|train|training|"
    r"practice|practise|practices)\b|\b(?:w|w/|with)\s+(?:the|my|our)\s+(?:team|squad|club)\b"
    r"|\b(?:team|club|squad) (?:practice|training|lifts?|lifting|sessions?)\b", CI)

#: Fixed sessions of another sport, and whether they are key (hard) sessions.
_ACTIVITY: Final = re.compile(
    r"\b(?P<what>long runs?|long|intervals?|tempo|tirada larga|series|easy(?: runs?)?|runs?|"
    r"running|climb(?:ing)?|bouldering|walk(?:ing)?|walks|hike|swim(?:ming)?|rides?|cycling|"
    r"cycle|bike|biking|padel|tennis|"
    r"soccer|football|games?|practice|matches|match|races?|spin|yoga|class(?:es)?)\b", CI)
_HARD: Final = re.compile(r"long|interval|tempo|tirada|series|climb|boulder|race|match|game",
                          CI)


def _activity(
    segment: str, match: re.Match[str], tokens: list[tuple[re.Match[str], int, bool]]
) -> tuple[str, bool] | None:
    """The other sport this weekday is for ("Tue intervals", "long run Saturday", "I climb
    Tue and Thu evenings"), if the words around it say so."""
    after = segment[match.end():match.end() + 22]
    before = segment[max(0, match.start() - 30):match.start()]
    near = re.match(r"[ \t(:-]*(?:an?\s+)?(?P<w>[a-z/ ]{0,20})", after)
    candidates = []
    if near:
        found = _ACTIVITY.match(near.group("w").strip())
        if found:
            candidates.append(found.group("what"))
    tail = re.search(r"(?P<w>[a-z/]+(?:\s+[a-z/]+)?)\W*$", before)
    if not candidates and tail:
        found = _ACTIVITY.search(tail.group("w"))
        if found and not re.search(r"\b(?:gym|lift|strength|train)\b", tail.group("w")):
            candidates.append(found.group("what"))
    if not candidates:
        # "I climb Tue and Thu evenings": an activity verb before a list of weekdays.
        left = max((m.end() for m in re.finditer(r"[.;!?\n]", segment[:match.start()])),
                   default=0)
        lead = segment[left:match.start()]
        verb = re.search(r"\b(?:i\s+)?(?P<what>climb|run|walk|swim|ride|play soccer|play)\b"
                         r"(?:\s+with a group)?[^,.;]{0,25}$", lead)
        if verb and re.fullmatch(r"[\s\w]*", lead[verb.end():]):
            candidates.append(verb.group("what"))
    if not candidates:
        return None
    what = candidates[0].strip()
    if what in ("soccer", "football") and _GAME_DAY.search(segment):
        return what, True  # a soccer match, not a kickabout
    if what in ("run", "runs", "running", "easy", "easy run", "easy runs"):
        what = "easy run" if "easy" in what else "run"
    return what, bool(_HARD.search(what))


_CONTENT_ONLY: Final = re.compile(
    r"\b(?:no|not|without|skip)\s+(?:\w+\s+)?(?:legs?|leg day|upper(?: body)?|lower(?: body)?|"
    r"arms?|squats?|deadlifts?|heavy \w+|cardio|running|jumping)\s+(?:on|the day before|before)?"
    r"\s*(?:a\s+|the\s+)?$", CI)
_GAME_DAY: Final = re.compile(r"\b(?:match|matches|game|games|tournaments?|meets?|races?)\b",
                              CI)
_EXCLUDED_AFTER: Final = re.compile(
    r"^\W*(?:no\b|nope\b|not\b|is out|are out|doesn'?t work|don'?t work|won'?t work|"
    r"(?:is|are|r)\s+(?:bad|tough|insane|chaos|busy|hard|crazy|family day|my long shift|"
    r"impossible|off limits|tournaments?|games?|matches|races?|meets?|competitions?|"
    r"(?:for|family|my) (?:family|the family|kids|rest|chilling|chill|resting|off|my (?:wife|"
    r"husband|partner|kids|family)))|"
    r"i (?:have|got) (?:my |the )?(?:grand)?(?:kids|children|son|"
    r"daughter|grandchildren)|is my (?:long )?shift|i (?:have|got) a standing|i work|"
    r"i (?:have|got) (?:early )?(?:calls|meetings|work|classes|class|school|practice)\b|"
    r"i'?m (?:dead|exhausted|wrecked|toast|destroyed|useless|knackered)|"
    r"i am (?:dead|exhausted|wrecked|toast|destroyed|useless|knackered))", CI)
_ONE_OFF_WEEK: Final = re.compile(
    r"\b(?:(?:til|till|until)\s+(?:mon|tue|wed|thu|fri|sat|sun|next|the weekend)|this wk|"
    r"this week|next wk|next week|this weekend|just this|only this)\b"
    r"|\b(?:til|till|until)\s+\w*day\b", CI)  # not "class til 11"
_CONDITIONAL_AFTER: Final = re.compile(
    r"[^,.;]{0,25}?\b(?:if (?:i'?m|i am|i feel|i have|work|there'?s|time|possible)|if i can|"
    r"optional(?:ly)?|when i can)\b", CI)
_MWF: Final = re.compile(r"\bm\s*/?\s*w\s*/?\s*f\b")


def _listed_before_excluded(segment: str, tokens: list[tuple[re.Match[str], int, bool]],
                            i: int) -> bool:
    """"mondays and fridays I have calls": what rules out the last day of a list rules out
    each day listed with it."""
    for j in range(i + 1, len(tokens)):
        gap = segment[tokens[j - 1][0].end():tokens[j][0].start()]
        if not re.fullmatch(r"\s*(?:,|&|and|or|e|y|et|und|/)\s*", gap):
            return False
        if _excluded_after(segment, tokens[j][0].end()):
            return True
    return False


def _excluded_after(segment: str, end: int) -> bool:
    """"Friday no, too close to Saturday", "mondays are insane", "Saturdays I have my
    grandchildren": a day ruled out by what follows it."""
    return bool(_EXCLUDED_AFTER.search(segment[end:end + 40]))


#: "friday done", "wednesday's session finished", "the monday one", "on sunday instead": a
#: day's session reported, named or moved, not a schedule.
_DAY_DONE_AFTER: Final = re.compile(
    r"[a-z]*(?:'?s)?(?:\s+(?:session|workout|run|one))?\s*(?:is\s+|was\s+)?"
    r"(?:done|finished|complete|completed|smashed|nailed|crushed|✅)\b"
    r"|[a-z]*'s\s+(?:one|session|workout|sesh)\b", CI)
#: "the monday one", "that friday session": one session named, not a schedule ("a Monday
#: session and a Thursday session" asks for two days, so only after the/that/this).
_NAMED_SESSION: Final = re.compile(r"[a-z]*\s+(?:one|1|session|workout|sesh)\b", CI)
#: "do the monday one on sunday instead": the day one session moves to.
_MOVED_TO: Final = re.compile(r"[a-z]*\s+instead\b", CI)
#: A change to the routine, not to one week: "going forward", "from now on".
_FROM_NOW_ON: Final = re.compile(
    r"\b(?:going forward|from now on|from here on|for good|permanently|every week from|"
    r"from next week on|a partir de ahora|d[eé]sormais|ab jetzt|d'ora in poi|daqui para a "
    r"frente)\b", CI)
#: "maybe fri if my mum has the kids": a day that depends on something, not the routine.
_MAYBE_BEFORE: Final = re.compile(r"\b(?:maybe|possibly|perhaps|might do|sometimes)\s+"
                                  r"(?:on\s+|a\s+)?$", CI)


def _day_is_an_event(segment: str, start: int) -> bool:
    """"I missed Monday", "pause until Friday", "see you this weekend", "friday done": a date,
    not a schedule."""
    left, _ = clause(segment, start, start)
    if _FROM_NOW_ON.search(segment):
        return False  # "swap to tue thu sat going forward": the routine changes
    token = _WEEKDAY_TOKEN.match(segment, start)
    if token is not None and (_DAY_DONE_AFTER.match(segment, token.end()) or (
            _MOVED_TO.match(segment, token.end())
            and re.search(r"\bon\s+$", segment[max(0, start - 4):start])) or (
            _NAMED_SESSION.match(segment, token.end())
            and re.search(r"\b(?:the|that|this)\s+$", segment[max(0, start - 6):start]))):
        return True
    return bool(_DAY_EVENT.search(segment, max(left, start - 40), start))


def _day_excluded(segment: str, start: int) -> bool:
    """"not Fridays", "every day except Sunday", "I work Mon-Fri": days that are ruled out."""
    left = max(0, start - 40)
    cut = max((m.end() for m in re.finditer(r"[,;.!?\n]", segment[left:start])), default=0)
    before = segment[left + cut:start]
    last = max((m.end() for m in _DAY_EXCLUSION.finditer(before)), default=None)
    if last is None:
        return False
    after = before[last:]
    if re.search(r"\b(?:so|only|just|then|instead|and i|but)\b", after):
        return False

    return len(after.split()) <= 4


def _days_hits(low: str, texts: list[tuple[int, str]], asked: bool) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for match in _DAYS_COUNT.finditer(low):
        if _DAYS_EXCLUDED_BEFORE.search(low[max(0, match.start() - 20):match.start()]):
            continue
        if not asked and one_off(low, match.start(), match.end()):
            continue
        groups = match.groups()
        if match.group("times"):
            word = match.group("times").lower()
            found.append((match.start(), {"once": 1, "twice": 2, "thrice": 3}[word]))
            continue
        numbers = [int(g) for g in groups if g and g.isdigit()]
        if numbers:
            found.append((match.start(), min(numbers)))
    if asked and not found:
        for offset, text in texts:
            if len(text.split()) > SHORT_ANSWER_WORDS:
                continue  # a bare number answers the question only in a short reply
            bare = re.search(
                r"(?<![\d:.])\b([1-7])\b(?!\s*(?:[:.]\d|am|pm|a\.m|p\.m|min|hour|hr|k\b|km|kg|"
                r"lb|%|years?|yrs?|months?|weeks?|reps?|sets?|miles?|dumbbells?|kettlebells?|"
                r"x\b|kids?|children))",
                lower(text),
            )
            if bare:
                found.append((offset + bare.start(), int(bare.group(1))))
            elif re.search(r"\bonce\b", text, CI):
                found.append((offset, 1))
            elif re.search(r"\btwice\b", text, CI):
                found.append((offset, 2))
    return found


# --- Session minutes ---------------------------------------------------------------------------

_MIN_UNIT: Final = r"(?:minutes?|mins?\b\.?|mns\b|minuets?)"
_HOUR_UNIT: Final = r"(?:hours?|hrs?|h)\b(?!\s*(?:fitness|gym|/7))"
_MINUTES_PATTERNS: Final[tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], float]], ...]] = (
    (re.compile(r"\b(?:an|a|1)\s+hour and a half\b|\bhour and a half\b", CI), lambda m: 90),
    (re.compile(r"\b(?:3|three) quarters of an hour\b", CI), lambda m: 45),
    (re.compile(r"\ba quarter of an hour\b|\bquarter hour\b", CI), lambda m: 15),
    (re.compile(r"\bhalf an? hour\b|\bhalf hour\b|\b1/2 (?:an )?hour\b", CI), lambda m: 30),
    (re.compile(r"\b(\d{1,3})\s*" + _MIN_UNIT + r"?\s*(?:-|to|or)\s*(?:an|a|1)\s+hour\b", CI),
     lambda m: 60),
    # "20 min. 30 tops": a range said in two breaths; the time they have is the top of it
    (re.compile(r"\b(\d{1,3})\s*" + _MIN_UNIT + r"\s*[.,;]?\s*(\d{1,3})\s*(?:" + _MIN_UNIT
                + r"\s*)?(?:tops|max(?:imum)?|at (?:the )?most|on a good day)\b", CI),
     lambda m: max(float(m.group(1)), float(m.group(2)))),
    (re.compile(r"\b(\d{1,3})\s*(?:-|to|or)\s*(\d{1,3})\s*" + _MIN_UNIT, CI),
     lambda m: max(float(m.group(1)), float(m.group(2)))),
    (re.compile(r"\b(\d(?:\.\d+)?)\s*(?:-|to|or)\s*(\d(?:\.\d+)?)\s*" + _HOUR_UNIT, CI),
     lambda m: max(float(m.group(1)), float(m.group(2))) * 60),
    (re.compile(r"\b(\d(?:\.\d+)?)\s*" + _HOUR_UNIT, CI), lambda m: float(m.group(1)) * 60),
    (re.compile(r"\b(?:an|a)\s+hour\b(?:\s+or so)?|\bhour (?:max|tops)\b", CI), lambda m: 60),
    (re.compile(r"\b(\d{1,3})\s*" + _MIN_UNIT, CI), lambda m: float(m.group(1))),
)
_MINUTES_AFTER_BAD: Final = re.compile(
    r"\s*(?:ago|later|from now|ahead|behind|away|drive|commute|walk\b|mile|km|pace|/mi|/km|"
    r"per (?:mile|km)|late|early|earlier|before (?:i|you)|each way|fitness)", CI
)
_MINUTES_BEFORE_BAD: Final = re.compile(
    r"\b(?:in|every|within|(?<!longer )(?<!more )than|the last|the past|24)\s*$|\d:\s*$", CI
)


#: More than a session's worth of hours, said of a day or of sitting and work ("seduto tipo
#: 9h al giorno", "I work 10 hours a day"): their day, not their training time.
_LONGEST_SESSION_MIN: Final = 240
_A_DAY_OF_IT: Final = re.compile(
    r"\s*(?:a|per|each|every)\s+(?:day|shift)\b|\s*(?:al giorno|al d[ií]a|por d[ií]a|ao dia|"
    r"por dia|am tag|pro tag|par jour)\b|\s*(?:at|in) (?:work|the office|my desk)", CI)
_SITTING_BEFORE: Final = re.compile(
    r"\b(?:sit\w*|seated|seduto|sentad[oa]|sitze|work\w*|lavoro|trabajo|shifts?)\b"
    r"[^.,;]{0,15}$", CI)


def _minutes_hits(low: str, texts: list[tuple[int, str]], asked: bool) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    work = low
    for pattern, value in _MINUTES_PATTERNS:
        for match in list(pattern.finditer(work)):
            consumed = match.start(), match.end()
            work = blank(work, *consumed)
            if _MINUTES_AFTER_BAD.match(low, match.end()):
                continue
            if _MINUTES_BEFORE_BAD.search(low[max(0, match.start() - 12):match.start()]):
                continue
            if not asked and one_off(low, match.start(), match.end()):
                continue
            if value(match) > _LONGEST_SESSION_MIN and (
                    _A_DAY_OF_IT.match(low, match.end())
                    or _SITTING_BEFORE.search(low[max(0, match.start() - 30):match.start()])):
                continue
            found.append((match.start(), _clamp_minutes(value(match))))
    if asked and not found:
        for offset, text in texts:
            if len(text.split()) > SHORT_ANSWER_WORDS:
                continue
            lowered = lower(text)
            bare = re.search(
                r"(?<![\d:.])\b(\d{1,3}(?:\.\d+)?)(?:\s*(?:-|to|or)\s*(\d{1,3}(?:\.\d+)?))?\b"
                r"(?!\s*(?:[:]\d|am\b|pm\b|x\b|days?|times|k\b|kg|lbs?|%))",
                lowered,
            )
            if bare:
                amount = max(float(bare.group(1)), float(bare.group(2) or 0))
                if amount <= 4:  # "1" or "1.5" in answer to "how long?" means hours
                    amount *= 60
                found.append((offset + bare.start(), _clamp_minutes(amount)))
    return found


def _clamp_minutes(value: float) -> int:
    return max(10, min(240, round(value)))


# --------------------------------------------------------------------------------------------


_BARE_CORRECTION: Final = re.compile(
    r"\b(?:actually|make (?:it|that)|sorry|i mean|i meant|no wait|wait|scratch that|"
    r"correction|change (?:it|that) to)\W+(?:(?:make (?:it|that)|to|more like|like)\s+)?"
    r"(\d{1,3})\b(?!\s*(?:x|times|days?|mins?|minutes?|hours?|hrs?|am|pm|[:.]\d|k\b|kgs?|"
    r"lbs?|%|years?))",
    CI,
)


def _apply_bare_corrections(
    low: str, days: list[tuple[int, int]], minutes: list[tuple[int, int]], asked: str | None
) -> None:
    """"3 days a week... actually make it 4": a bare number corrects the last number stated."""
    for match in _BARE_CORRECTION.finditer(low):
        value = int(match.group(1))
        pos = match.start(1)
        last_day = max((p for p, _ in days if p < pos), default=-1)
        last_minutes = max((p for p, _ in minutes if p < pos), default=-1)
        if last_day < 0 and last_minutes < 0:
            target = asked
        else:
            target = "days_per_week" if last_day > last_minutes else "session_minutes"
        if target == "days_per_week" and 1 <= value <= 7:
            days.append((pos, value))
        elif target == "session_minutes" and 5 <= value <= 300:
            minutes.append((pos, _clamp_minutes(value)))


_USUALLY: Final = re.compile(r"\b(?:usually|normally|typically|about|around|probably)\s+([1-7])"
                             r"\b(?!\s*(?:am|pm|:|\.\d|min|hours?|hrs?|kg|lbs?|x\b))", CI)


def read_days(text: str, *, asked: bool) -> tuple[int | None, Days]:
    low = text.lower()
    low = re.sub(r"\bmaybe\s+\d\s+if\b[^,.;?!]*", " ", low)
    # "3 maybe 4 times a wk", "3 or 4 days": plan the number they can count on
    low = re.sub(r"\b([1-7])\s*(?:,\s*)?(?:or maybe|maybe|or|possibly|perhaps)\s+[1-7]\b(?=\s*"
                 r"(?:x\b|times|days?|sessions|a week|per week|/\s*w))", r"\1", low)
    days = _training_days(low, asked)
    counts = _days_hits(low, [(0, low)], asked)
    minutes = _minutes_hits(low, [(0, low)], False)
    _apply_bare_corrections(low, counts, minutes, "days_per_week" if asked else None)
    if not counts and days.training:
        counts.append((0, len(days.training)))
    if not counts:
        for sentence in re.split(r"[.!?\n]", low):
            usual = _USUALLY.search(sentence)
            if usual and re.search(r"\bdays?\b|\boff\b|\bweek\b", sentence):
                counts.append((0, int(usual.group(1))))
    return (max(counts)[1] if counts else None), days


def read_minutes(text: str, *, asked: bool) -> int | None:
    low = text.lower()
    hits = _minutes_hits(low, [(0, low)], asked)
    days = _days_hits(low, [(0, low)], False)
    _apply_bare_corrections(low, days, hits, "session_minutes" if asked else None)
    return max(hits)[1] if hits else None
