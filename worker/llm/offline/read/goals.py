"""What the athlete is training for: the main goal, in their words, and their targets.

Goals are read from what people say they want ("lose this gut", "bench 100kg by June", "get up
off the floor and not fall", "a muscle-up and a freestanding handstand"), never from past
activities ("competed in powerlifting" is experience) or other people's. Targets keep the
numbers and dates: a lift and its weight, a skill, a body-weight change, an event.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

from worker.domain.profile import Target
from worker.domain.vocabulary import Goal
from worker.llm.offline.read.text import CI, clause, negated, phrase, segments

_SPORTS: Final = (
    r"soccer|football|basketball|tennis(?!\s+elbow)|rugby|hockey|golf(?!er)|rock climbing|"
    r"climbing|bouldering|bjj|jiu[- ]?jitsu|judo|wrestling|boxing|mma|kickboxing|muay thai|"
    r"martial arts|volleyball|baseball|softball|lacrosse|skiing|snowboarding|surfing|"
    r"cricket|netball|badminton|squash|pickleball|padel|track and field|sprinting|rowing"
)
#: "I'm a wrestler": the athlete named by their sport.
_PLAYERS: Final = (
    r"wrestlers?|boxers?|fighters?|footballers?|climbers?|boulderers?|judokas?|"
    r"(?:soccer|football|basketball|rugby|hockey|tennis|volleyball|baseball|softball|lacrosse|"
    r"cricket|netball|badminton|squash|pickleball|padel) players?"
)
#: Goal phrases. The flag marks bare nouns ("strength", "cardio", "handstand") that also turn up
#: in workout chatter ("cardio today was rough"), so they count only in a goal context, in a
#: reply of a few words, or as the answer to the goal question.
_GOAL_PATTERNS: Final[tuple[tuple[Goal, bool, re.Pattern[str]], ...]] = (
    ("skill", False, re.compile(
        r"\b(?:first|get (?:an?|my first|\d+)|learn(?: to do)?(?: an?)?|achieve(?: an?)?|"
        r"unlock(?: an?)?|strict|unassisted|be able to do(?: an?)?|want to do(?: an?)?|"
        r"wanna do(?: an?)?|do an?|do my first)\s+(?:single\s+|strict\s+|proper\s+)?"
        r"(?:pull|chin)[- ]?ups?\b(?!\s*bars?)|\bcalisthenics skills?\b",
        CI)),
    ("skill", True, re.compile(
        r"\bmuscle[- ]?ups?\b|\bhandstands?\b|\bplanche\b|\bfront lever\b|\bback lever\b"
        r"|\bhuman flag\b|\bpistol squats?\b|\bl[- ]sits?\b|\b(?:1|one)[- ]arm (?:push|pull)"
        r"[- ]?ups?\b|\bbackflips?\b|\bcartwheels?\b",
        CI)),
    ("sport", False, re.compile(
        r"\b(?:for|at|in|my|playing|play|improve my|better at|compete in|season of|"
        r"performance in)\s+(?:my\s+|the\s+)?(?:" + _SPORTS + r")\b"
        r"|\b(?:" + _SPORTS + r")\s+(?:season|performance|team|league|match|games?|tryouts?)"
        r"|\bsports? performance\b|\bfor my sport\b|\bathletic performance\b",
        CI)),
    ("endurance", False, re.compile(
        r"\bcouch to 5k\b|\brun (?:faster|further|farther|longer|without stopping)\b"
        r"|\b(?:better|faster) (?:runner|cyclist|swimmer)\b|\bimprove my (?:running|cycling|"
        r"swimming|pace|times?|cardio|endurance|stamina)\b"
        r"|\brun (?:an?\s+|my first\s+)?\d+\s*(?:k|km|miles?|mi)\b"
        r"|\b(?:do|finish|train for|run) (?:a|an|my first|the) (?:race|century|gran fondo)\b",
        CI)),
    ("endurance", True, re.compile(
        r"\b(?:half[- ]?)?marathons?\b|\bultra(?:marathon)?s?\b|\btriathlons?\b|\bironman\b"
        r"|\b(?:5|10|15|21|42)\s?k\b(?!\s*steps)|\bendurance\b|\bstamina\b"
        r"|\bcardio\b(?!\s*(?:machines?|equipment|kit))",
        CI)),
    ("mobility", False, re.compile(
        r"\btouch my toes\b|\b(?:do )?the splits\b|\bmove better\b|\bless stiff\b", CI)),
    ("mobility", True, re.compile(r"\bmobility\b|\bflexib\w*", CI)),
    ("hypertrophy", False, re.compile(
        r"\b(?:build|gain|put on|add|grow|pack on|get|more)\s+(?:some\s+|more\s+|lean\s+)*"
        r"muscles?\b|\bmuscle (?:gain|growth|mass|building)\b|\bbulk(?:ing)?(?: up)?\b"
        r"|\bget (?:bigger|big|jacked|swole|huge|buff|ripped|yoked)\b"
        r"|\bgain (?:weight|mass|size)\b|\bbigger (?:arms|chest|muscles|legs|glutes)\b"
        r"|\b(?:arms|chest|legs|glutes|shoulders|back)(?: and (?:my )?\w+)? bigger\b"
        r"|\bbuild muscle\b|\bmassa\b",
        CI)),
    ("hypertrophy", True, re.compile(r"\bhypertrophy\b|\bbody ?building\b|\baesthetics?\b",
                                     CI)),
    ("fat_loss", False, re.compile(
        r"\b(?:lose|losing|drop|dropping|shed|burn|burning|cut)\s+(?:some\s+|the\s+|my\s+|"
        r"a\s+(?:bit|few|little)\s+(?:of\s+)?|\d+\s*)?(?:weight|fat|body ?fat|belly(?: fat)?|"
        r"pounds|lbs?|kgs?|kilos?|stone|inches|baby weight|gut)\b"
        r"|\b(?:fat|weight) ?loss\b|\bslim (?:down|up)\b|\btone(?:d)?(?: up)?\b|\btoning\b"
        r"|\bget (?:lean|leaner|shredded|toned|trim|trimmer|slimmer|thinner)\b|\blean out\b"
        r"|\bshred(?:ded)?\b|\b(?:on a|doing a|start a|want to|wanna|need to|trying to|"
        r"time to)\s+cut\b|\bcutting\b(?!\s+(?:back|down|out|it|time))"
        r"|\bget rid of (?:my |this |the )?(?:belly|gut|fat|love handles)\b|\bperder peso\b"
        r"|\blose (?:like |about |around |~|this |the )*(?:\d+\s*(?:-\s*\d+\s*)?)?(?:kg|kgs|"
        r"kilos?|lbs?|pounds|gut|belly|weight)\b",
        CI)),
    ("strength", False, re.compile(
        r"\b(?:get|getting|be|become)\s+(?:a lot\s+|a bit\s+|much\s+|way\s+|more\s+)?"
        r"(?:stronger|strong)\b|\blift heavier\b|\b(?:a )?(?:bigger|heavier|stronger) "
        r"(?:squat|deadlift|bench|total|press)\b|\b(?:increase|improve|bigger|raise) my "
        r"(?:squat|deadlift|bench|total|1rm|max(?:es)?|lifts?|strength)\b|\bponerme fuerte\b"
        r"|\bm[aá]s fuerte\b|\bstrength training\b|\bbone (?:density|health)\b"
        r"|\bosteopenia\b|\bpulling strength\b|\bstrong again\b"
        r"|\b(?:want|get|hit|to)\s+(?:a\s+)?\d{3}\s*(?:kg|lbs?)?\s*(?:back|again)\b"
        r"|\b(?:bench|squat|deadlift|dl|ohp|press)\s+\d{2,3}\s*(?:kg|lbs?)\b(?=[^.]{0,40}\bby\b)"
        r"|\b\d{2,3}\s*(?:kg|lbs?)\s+(?:bench|squat|deadlift|dl)\b",
        CI)),
    ("strength", True, re.compile(
        r"\bstrength\b(?!\s+training\s+for\b)|\bpowerlifting\b", CI)),
    ("general_fitness", False, re.compile(
        r"\bget(?:ting)?\s+(?:back\s+)?(?:fit|fitter|in(?:to)?\s+(?:better\s+|good\s+)?shape"
        r"|healthy|healthier|active|moving)\b"
        r"|\b(?:be|stay|become|keep)\s+(?:more\s+|a bit\s+)?(?:fit|fitter|healthy|"
        r"healthier|active|in shape|mobile|independent)\b"
        r"|\bstay strong enough\b|\bhill ?walking\b|\bhik(?:e|es|ing)\b"
        r"|\bhealthier\b|\bgeneral (?:fitness|health)\b"
        r"|\boverall (?:fitness|health)\b|\bmore energy\b|\blive longer\b|\blongevity\b"
        r"|\bkeep fit\b|\bback in shape\b|\bfeel (?:fit|strong|good)(?: again)?\b"
        r"|\b(?:have|get) (?:some |more )?energy\b"
        r"|\bget (?:myself )?(?:down (?:on )?(?:to )?the floor|(?:back )?up (?:off|from) the "
        r"floor|up off the floor)|\bnot (?:to )?fall\b|\bprevent (?:a )?falls?\b"
        r"|\bbalance\b|\bcarry (?:my )?groceries\b|\bmanage the stairs\b"
        r"|\bplay with (?:my )?grand ?(?:kids|children)\b|\bfunctional\b",
        CI)),
    ("general_fitness", True, re.compile(r"\blook (?:good|better)\b|\bfeel (?:good|better)\b",
                                         CI)),
)
_BARE_GOALS: Final[tuple[tuple[Goal, bool, re.Pattern[str]], ...]] = (
    ("strength", False, re.compile(r"\b(?:strong|stronger|strength|power)\b", CI)),
    ("hypertrophy", False, re.compile(r"\b(?:muscle|muscles|size|mass|gains)\b", CI)),
    ("fat_loss", False, re.compile(
        r"\b(?:fat|weight(?!\s*(?:room|rack|bench|vest|belt|plates?|class|training|lifting))"
        r"|lean|slimmer|lose)\b", CI)),
    ("endurance", False, re.compile(
        r"\b(?:running|run|cycling|swimming|race|conditioning|cardio|endurance|stamina)\b", CI)),
    ("sport", False, re.compile(r"\b(?:sports?|" + _SPORTS + r"|" + _PLAYERS + r")\b", CI)),
    ("general_fitness", False, re.compile(
        r"\b(?:health|healthy|fitness|fit|shape|energy)\b", CI)),
)
_GOAL_CONTEXT: Final = re.compile(
    r"\b(?:want|wanna|would like|'d like|like to|love to|need|needs|goal|goals|focus|focused|"
    r"focusing|priority|mainly|mostly|main|more|better|improve|improving|build|building|boost|"
    r"increase|work on|working on|for|get|gain|learn|master|nail|achieve|unlock|first|able to|"
    r"run|running|finish|complete|train for|training for|sign(?:ed)? up|hoping|hope|"
    r"trying|looking|after|into|aim|aiming)\b",
    CI,
)
_MAKING_WEIGHT: Final = re.compile(
    r"\bmake (?:weight|\d{2,3})\b|\bweigh[- ]?ins?\b|\bweight class\b|\bcut(?:ting)? (?:weight )?"
    r"for (?:state|regionals|sectionals|districts|nationals|(?:a|the|my) (?:meet|match|fight|bout|"
    r"tournament|comp|competition|show))\b", CI)
_ADDING: Final = re.compile(r"\b(?:add|adding|add in|incorporate|some|a bit of|supplement)\b"
                            r"[^.;]*$", CI)
_PAST_ACTIVITY: Final = re.compile(
    r"\b(?:competed|did|done|ran|raced|finished|completed|used to (?:do|compete|run|play)|"
    r"retired from)\s+(?:in\s+|a\s+|an\s+|the\s+|my\s+|some\s+)?$",
    CI,
)


_LONG_AGO: Final = re.compile(r"\b(?:years ago|a long time ago|back in (?:the day|school|"
                              r"college)|as a kid|when i was (?:young|a kid|younger))\b", CI)


def _goal_hits(
    low: str, patterns: tuple[tuple[Goal, bool, re.Pattern[str]], ...], asked: bool
) -> list[tuple[int, int, Goal]]:
    """Goal phrases that are wanted: not negated ("don't want to bulk"), not past ("competed in
    powerlifting" is experience), and bare nouns only where they read as a goal."""
    found: list[tuple[int, int, Goal]] = []
    for goal, needs_context, pattern in patterns:
        for match in pattern.finditer(low):
            if negated(low, match.start(), max_words=4):
                continue
            if _PAST_ACTIVITY.search(low[max(0, match.start() - 30):match.start()]):
                continue
            left, right = clause(low, match.start(), match.end())
            if _LONG_AGO.search(low[left:right]):
                continue  # "a Keep Fit class a great many years ago": history, not a goal
            if goal == "strength" and _ADDING.search(low[max(0, match.start() - 25):match.start()]):
                continue  # "add 2 strength days" to a runner's week: her goal is still the race
            if goal == "fat_loss" and _MAKING_WEIGHT.search(low):
                continue  # "cutting for state, gotta make 152": a weigh-in, not a new goal
            if needs_context and not asked and not _goal_context(low, match.start(),
                                                                 match.end()):
                continue
            found.append((match.start(), match.end(), goal))
    return sorted(found)


def _goal_context(low: str, start: int, end: int) -> bool:
    left, right = clause(low, start, end)
    if len(low[left:right].split()) <= 3:
        return True
    return bool(_GOAL_CONTEXT.search(low, max(left, start - 30), start))


def _pick_goal(text: str, low: str, asked: bool) -> tuple[Goal, str] | None:
    """The primary goal is the first one named, unless a later correction names another."""
    found = _goal_hits(low, _GOAL_PATTERNS, asked)
    if not found and asked:
        found = _goal_hits(low, _BARE_GOALS, asked)
    if not found:
        return None
    chosen, kept = found[0], found
    for seg_start, seg_end in segments(low):
        inside = [hit for hit in found if seg_start <= hit[0] < seg_end]
        if inside:  # a correction ("actually no, mainly lose fat") drops what it corrects
            chosen, kept = inside[0], inside
    start, end, goal = chosen
    # "get up off the floor, carry my groceries and manage the stairs": every aim named in
    # the text is kept with the goal, so the plan can practise each.
    others = [phrase(text, s, e) for s, e, _ in kept if (s, e) != (start, end)
              and not start <= s < end]  # one aim said in overlapping words is one aim
    first = phrase(text, start, end)
    others = [o for o in others if o[:12] not in first]  # the same words seen twice
    detail = "; ".join(dict.fromkeys([first, *others]))
    return goal, detail


# --------------------------------------------------------------------------------------------


def read_goal(text: str, *, asked: bool) -> tuple[Goal, str] | None:
    return _pick_goal(text, text.lower(), asked)


# --- Targets ----------------------------------------------------------------------------------

_MONTH_NAMES: Final = ("january", "february", "march", "april", "may", "june", "july",
                        "august", "september", "october", "november", "december")
_MONTHS: Final = {m: i for i, m in enumerate(_MONTH_NAMES, start=1)} | {
    m[:3]: i for i, m in enumerate(_MONTH_NAMES, start=1)}
_SEASONS: Final = {"spring": (4, 30), "summer": (6, 21), "fall": (9, 30), "autumn": (9, 30),
                   "winter": (12, 21), "christmas": (12, 20), "new year": (12, 31)}
_BY: Final = re.compile(
    r"\b(?:by|before|for|until|in)\s+(?:the\s+)?(?:end of\s+|mid[- ]?|early\s+|late\s+)?"
    r"(?:(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?:\s+(?P<day>\d{1,2})"
    r"(?:st|nd|rd|th)?)?|(?P<season>spring|summer|fall|autumn|winter|christmas|new year)"
    r"|(?P<weeks>\d{1,2})\s+weeks?)\b", CI)
_LIFT_WORDS: Final = (r"bench(?: press)?|squat|back squat|front squat|deadlift|dl|ohp|"
                      r"overhead press|press|row|pull[- ]?ups?|chin[- ]?ups?")
_LIFT_TARGET: Final = re.compile(
    r"\b(?P<lift>" + _LIFT_WORDS + r")\s*(?:of\s*)?(?P<value>\d{2,3}(?:\.\d)?)\s*"
    r"(?P<unit>kg|kgs|kilos?|lbs?|pounds)?\b"
    r"|\b(?P<value2>\d{2,3}(?:\.\d)?)\s*(?P<unit2>kg|kgs|kilos?|lbs?|pounds)?\s+"
    r"(?P<lift2>" + _LIFT_WORDS + r")\b", CI)
_WANT: Final = re.compile(r"\b(?:goal|want|wanna|aim|aiming|target|trying|hit|get|reach|"
                          r"hoping|by|again|back)\b", CI)
_SKILLS: Final = (
    ("muscle_up", r"muscle[- ]?ups?"), ("handstand", r"(?:freestanding )?handstands?"),
    ("front_lever", r"front levers?"), ("back_lever", r"back levers?"),
    ("planche", r"planche"), ("pistol_squat", r"pistol squats?"), ("l_sit", r"l[- ]sits?"),
    ("pull_up", r"(?:first|strict|unassisted|my first) pull[- ]?ups?"),
)
_WEIGHT_CHANGE: Final = re.compile(
    # "lose this gut 😂 like 20-25 lbs": a few words may come between the verb and the amount
    r"\b(?:lose|drop|shed|lost|down)\s+(?:(?:this|the|my|that) [a-z]+\W{0,6}\s*)?"
    r"(?:like |about |around |~|unos |some )*"
    r"(?P<a>\d{1,3}(?:\.\d)?)(?:\s*-\s*(?P<b>\d{1,3}))?\s*(?P<unit>kg|kgs|kilos?|lbs?|pounds)\b",
    CI)
_MAKE_WEIGHT: Final = re.compile(r"\b(?:make|making|cut(?:ting)? (?:down )?to|get down to)\s+"
                                 r"(?P<v>\d{2,3}(?:\.\d)?)\s*(?P<unit>kg|kgs|lbs?|pounds)?\b"
                                 r"(?!\s*(?:reps|x\b|%|min|sec))", CI)
_EVENTS: Final = re.compile(r"\b(?P<event>half[- ]?marathon|marathon|ultra|triathlon|10k|5k|"
                            r"wedding|meet|competition|race)\b", CI)


def _by_date(text: str, today: date) -> str | None:
    match = _BY.search(text)
    if match is None:
        return None
    if match.group("weeks"):
        return (today + timedelta(weeks=int(match.group("weeks")))).isoformat()
    if match.group("season"):
        month, day = _SEASONS[match.group("season").lower()]
    else:
        month = _MONTHS[match.group("month").lower().rstrip(".")[:3]]
        if match.group("day"):
            day = int(match.group("day"))
        else:
            day = 15 if "mid" in match.group(0).lower() else 28
    year = today.year + (1 if (month, day) < (today.month, today.day) else 0)
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _unit(word: str | None, default: str) -> str:
    if not word:
        return default
    return "lb" if word.lower().startswith(("lb", "pound")) else "kg"


def read_targets(text: str, *, today: date, default_unit: str) -> list[Target]:
    """Lifts, skills, weight changes and events the athlete is aiming at."""
    found: list[Target] = []
    low = text.lower()
    for match in _LIFT_TARGET.finditer(low):
        left, right = clause(low, match.start(), match.end())
        context = low[max(0, left - 40):right]
        if not _WANT.search(context) or re.search(r"\b(?:x|for)\s*\d", low[match.end():
                                                                          match.end() + 6]):
            continue
        if re.search(r"\b(?:currently|now|rn|right now|at the moment|used to|back then)\b",
                     low[left:match.start()]):
            continue
        lift = match.group("lift") or match.group("lift2")
        value = float(match.group("value") or match.group("value2"))
        unit = _unit(match.group("unit") or match.group("unit2"), default_unit)
        found.append(Target(what=_lift_name(lift), value=value, unit=unit,
                            by=_by_date(low[match.start():match.start() + 80], today)))
    back = re.search(r"\b(?:want|get)\s+(\d{3})\s*(lbs?|kg)?\s+(?:back|again)\b", low)
    if back and not any(t.value == float(back.group(1)) for t in found):
        lift = re.search(r"\b(squat|deadlift|bench)", low)
        found.append(Target(what=_lift_name(lift.group(1)) if lift else "squat",
                            value=float(back.group(1)),
                            unit=_unit(back.group(2), default_unit)))
    for skill, pattern in _SKILLS:
        for match in re.finditer(r"\b" + pattern + r"\b", low):
            if negated(low, match.start(), max_words=3):
                continue
            left, right = clause(low, match.start(), match.end())
            if not _WANT.search(low[max(0, left - 60):right]) and "goal" not in low:
                continue
            if skill not in {t.what for t in found}:
                found.append(Target(what=skill))
    for match in _WEIGHT_CHANGE.finditer(low):
        amount = float(match.group("a"))
        if match.group("b"):
            amount = max(amount, float(match.group("b")))
        if re.match(r"lost|down", match.group(0), CI):
            continue  # a change already made is progress, not a target
        found.append(Target(what="body weight", value=-amount,
                            unit=_unit(match.group("unit"), default_unit), change=True,
                            by=_by_date(low[match.start():], today)))
    if _MAKING_WEIGHT.search(low):  # "cutting for state, gotta make 152": a class to make
        for match in _MAKE_WEIGHT.finditer(low):
            found.append(Target(what="body weight", value=float(match.group("v")),
                                unit=_unit(match.group("unit"), default_unit),
                                by=_by_date(low[max(0, match.start() - 60):], today)))
    for match in _EVENTS.finditer(low):
        left, right = clause(low, match.start(), match.end())
        context = low[max(0, left - 60):min(len(low), right + 40)]
        if not re.search(r"\b(?:training for|preparing|prepping|want|goal|before|for|sub|"
                         r"getting married|in|by)\b", context):
            continue
        event = match.group("event").replace(" ", "_").replace("-", "_")
        if event in {t.what for t in found}:
            continue
        found.append(Target(what=event, by=_by_date(context, today)))
    return found


def _lift_name(word: str) -> str:
    word = word.lower()
    if word in ("dl", "deadlift"):
        return "deadlift"
    if word.startswith("bench"):
        return "bench press"
    if word in ("ohp", "overhead press", "press"):
        return "overhead press"
    if "squat" in word:
        return "back squat" if word in ("squat", "back squat") else word
    return word
