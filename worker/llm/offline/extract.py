"""Profile facts from an athlete's onboarding texts, read with rules instead of an LLM.

The offline provider must onboard an athlete with no model at all, so this module turns the
texts of one turn into a :class:`~worker.agents.schemas.ProfileUpdate` the same way the LLM
agent would: every fact stated, ``None`` for anything not stated. It errs towards leaving a
field empty rather than guessing, because a missing fact only costs one more question while an
invented one ("I'm tired" read as a name, "34 years old" read as 34 years of lifting) makes the
coach look careless and may shape a plan around something untrue.

Rules of thumb the code follows:

* Texts are read in order as one stream, so for single-valued facts the last statement wins
  ("3 days... actually 4" -> 4). "not 3" / "instead of 3" fragments are removed first, so
  "actually 4 days not 3" does not end on the 3.
* The coach's previous question (``last_question``) tells us how to read bare answers: "Sam"
  is a name only when we asked for one, "3" is a day count only when we asked how many days.
* Negation is checked in the clause before a match ("I don't have a barbell", "no knee pain",
  "I hate cardio"), because keyword spotting without it invents facts.
* It never raises: a text we cannot read simply states nothing.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zoneinfo
from collections.abc import Callable, Sequence
from datetime import time
from functools import lru_cache
from typing import Final, Literal, TypeVar

from worker.agents.schemas import Experience, Goal, Injury, Location, ProfileUpdate
from worker.localtime import parse_clock_time
from worker.profiles import GYM_EQUIPMENT, normalize_equipment

__all__ = ["QUESTION_FIELDS", "extract_profile", "field_asked", "next_question"]

logger = logging.getLogger(__name__)

#: One SMS body is at most 1600 characters; anything longer is not a real text and would only
#: make the regexes slower.
_MAX_TEXT: Final = 1600
_MAX_TEXTS: Final = 20

_I: Final = re.IGNORECASE

# --------------------------------------------------------------------------------------------
# Questions
# --------------------------------------------------------------------------------------------

_QUESTIONS: Final[dict[str, str]] = {
    "name": "What should I call you? Your first name is perfect (e.g. Sam)",
    "primary_goal": "What's your main goal right now? "
    "(e.g. get stronger, build muscle, lose fat, run a 10k)",
    "experience": "How much training experience do you have? "
    "(e.g. brand new, a couple of years, 5+ years)",
    "days_per_week": "How many days a week can you train, and which days suit you? "
    "(e.g. 3: Mon, Wed, Fri)",
    "session_minutes": "How long can each session be? (e.g. 30 min, 45 min, an hour)",
    "equipment": "What equipment do you have, or where do you train? "
    "(e.g. dumbbells and a bench, a gym, or nothing)",
    "injuries": "Any injuries or aches I should work around? (e.g. bad left knee, or none)",
    "timezone": "Which city or time zone are you in? (e.g. Chicago, or Eastern)",
    "send_time": "What time should I text your daily workout? (e.g. 8:30am, between 8am and 9pm)",
}

#: A distinctive phrase of each of our own questions -> the field it asks for. Matched
#: case-insensitively inside the coach's last message, so a question still counts when the coach
#: wrapped it in a greeting ("Thanks, Sam! How many days a week...").
QUESTION_FIELDS: Final[dict[str, str]] = {
    "what should i call you": "name",
    "main goal": "primary_goal",
    "training experience": "experience",
    "how many days a week": "days_per_week",
    "how long can each session": "session_minutes",
    "what equipment do you have": "equipment",
    "injuries or aches": "injuries",
    "city or time zone": "timezone",
    "what time should i text": "send_time",
}

# Looser cues for questions worded by someone else (an LLM coach, an operator), most specific
# first: "how long have you been training" is about experience, not session length, and
# "what time zone" is not "what time".
_QUESTION_CUES: Final[tuple[tuple[str, str], ...]] = (
    (r"time ?zone|which city|what city|where are you (?:based|located)|where do you live",
     "timezone"),
    (r"what time|when should i (?:text|send|message)|time of day|daily text|send time",
     "send_time"),
    (r"your name|call you|who am i (?:talking|texting)", "name"),
    (r"injur|aches?\b|pain|hurt|niggle|work around", "injuries"),
    (r"experience|how long have you been|lifted before|trained before|new to", "experience"),
    (r"how many days|days a week|days per week|how often|which days", "days_per_week"),
    (r"how long|how many minutes|minutes|session length|how much time", "session_minutes"),
    (r"equipment|gear|where do you train|train at home|gym", "equipment"),
    (r"goal|hoping to achieve|want to achieve|what brings you", "primary_goal"),
)


def field_asked(last_question: str | None) -> str | None:
    """Which profile field the coach's last message asked for, or None.

    The last question sentence decides, because a coach message often acknowledges one answer
    before asking the next ("Love that goal! How long can each session be?"). Our own phrasing
    (:data:`QUESTION_FIELDS`) is checked first, then looser cues for other wordings.
    """
    if not last_question or not isinstance(last_question, str):
        return None
    text = _clean(last_question[:_MAX_TEXT]).lower()
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]
    questions = [s for s in sentences if "?" in s] or sentences
    for sentence in reversed(questions):
        for phrase, field in QUESTION_FIELDS.items():
            if phrase in sentence:
                return field
        for pattern, field in _QUESTION_CUES:
            if re.search(pattern, sentence):
                return field
    return None


def next_question(missing: Sequence[str], name: str | None) -> str:
    """A short, warm question for the first missing field, with an example answer.

    Every question fits one GSM-7 segment (no emoji, no curly quotes) with room to spare, because
    the offline coach prefixes an acknowledgement ("Got it, Sam. ") or an apology and the whole
    reply must still be one SMS. For the same reason the questions do not repeat ``name`` (the
    acknowledgement already uses it); it is accepted so every provider's coach can call this the
    same way. Unknown field names are skipped rather than asked about.
    """
    field = next((f for f in missing if f in _QUESTIONS), None)
    if field is None:
        return "Thanks, that's everything I need for now. Text me anytime to change something."
    return _QUESTIONS[field]


# --------------------------------------------------------------------------------------------
# Text preparation
# --------------------------------------------------------------------------------------------

_CHAR_MAP: Final = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u2010": "-",
    "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00d7": "x", "\u2026": "...", "\u2044": "/",
})

_SMALL_NUMBERS: Final[dict[str, int]] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS: Final[dict[str, int]] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_NUMBER_WORD: Final = re.compile(
    r"\b(?:(" + "|".join(_TENS) + r")(?:[- ](one|two|three|four|five|six|seven|eight|nine))?"
    r"|(" + "|".join(_SMALL_NUMBERS) + r"))\b",
    _I,
)
# "actually 4 days not 3": drop the rejected value so "last value wins" sees only the 4.
_REJECTED_VALUE: Final = re.compile(
    r"\b(?:not|instead of|rather than|no longer)\s+(?:just\s+)?\d{1,3}(?:[:.]\d{2})?"
    r"(?:\s*(?:-|to|or)\s*\d{1,3})?\s*(?:x\b|times\b|days?\b|mins?\b|minutes?\b|hours?\b|"
    r"hrs?\b|[ap]\.?m\b\.?|ish\b)?",
    _I,
)


def _clean(text: str) -> str:
    """Plain text to match against: straight quotes, ASCII dashes, no emoji or controls."""
    text = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch == "\n":
            out.append(ch)
        elif category[0] in "CZ" or category in ("So", "Sk", "Me"):
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _number_words(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        if match.group(1):
            value = _TENS[match.group(1).lower()]
            if match.group(2):
                value += _SMALL_NUMBERS[match.group(2).lower()]
            return str(value)
        return str(_SMALL_NUMBERS[match.group(3).lower()])

    return _NUMBER_WORD.sub(repl, text)


def _lower(text: str) -> str:
    """Lowercase without changing the length, so match offsets stay valid in the cased text."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _upper(text: str) -> str:
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in text)


def _prepare(text: str) -> str:
    text = _number_words(_clean(text[:_MAX_TEXT]))
    return _REJECTED_VALUE.sub(" , ", text)


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------

_CLAUSE_BREAK: Final = re.compile(
    r"[;!?\n,()]|(?<!\d)\.|\.(?!\d)|\bbut\b|\bthough\b|\bhowever\b|\bexcept\b"
    r"|\bapart from\b|\bother than\b|\bbesides\b",
    _I,
)
_CORRECTION: Final = re.compile(
    r"\b(?:actually|scratch that|i mean|i meant|no wait|wait no|correction|on second thought"
    r"|change (?:that|it) to|make (?:that|it))\b",
    _I,
)
_NEGATION: Final = re.compile(
    r"\b(?:no|not|never|without|don'?t|dont|doesn'?t|didn'?t|haven'?t|havent|hasn'?t|"
    r"can'?t|cant|cannot|won'?t|isn'?t|aren'?t|hate|avoid|skip|lack|nor|zero|none)\b",
    _I,
)
_UNNEGATE: Final = re.compile(
    r"\b(?:besides|apart|aside|other than|just|only|instead|rather|so|anymore|any more)\b", _I
)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the clause around ``text[start:end]``: commas, full stops, "but" end one."""
    left = max(0, start - 200)
    for match in _CLAUSE_BREAK.finditer(text, left, start):
        left = match.end()
    right_match = _CLAUSE_BREAK.search(text, end, end + 200)
    right = right_match.start() if right_match else min(len(text), end + 200)
    return left, right


def _negated(low: str, start: int, *, max_words: int = 5) -> bool:
    """Whether a negation governs the match starting at ``start`` ("I don't have a bench")."""
    left, _ = _clause(low, start, start)
    before = low[left:start]
    last = None
    for match in _NEGATION.finditer(before):
        last = match
    if last is None:
        return False
    after = before[last.end():]
    if _UNNEGATE.search(after):
        return False
    return len(after.split()) <= max_words


def _segments(low: str) -> list[tuple[int, int]]:
    """The text cut at correction markers ("actually", "make it"): later segments override."""
    cuts = [m.start() for m in _CORRECTION.finditer(low)]
    bounds = [0, *cuts, len(low)]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


_FILLER_PREFIX: Final = re.compile(
    r"^(?:\s|and\b|also\b|plus\b|so\b|oh\b|um+\b|well\b|ok\b|okay\b|yeah\b|yes\b|"
    r"mainly\b|mostly\b|honestly\b|really\b|basically\b|just\b|"
    r"i\s+(?:really\s+|just\s+|mainly\s+|mostly\s+)?(?:want|wanna|would like|'d like|need|"
    r"hope|am hoping|'m hoping|am trying|'m trying|am looking|'m looking)(?:\s+to)?\b|"
    r"i'?d like to\b|i'?m hoping to\b|i'?m trying to\b|i'?m looking to\b|"
    r"i'?ve got\b|i have\b|i got\b|got\b|have\b|"
    r"want to\b|wanna\b|trying to\b|looking to\b|hoping to\b|"
    r"my (?:main |primary |big )?goal(?: is| would be|'s)?(?: to)?\b|goal\s*:|to\b|[-:'\"])+",
    _I,
)


def _tidy(fragment: str) -> str:
    """One line, without the filler an athlete wraps a fact in ("and I want to ...")."""
    phrase = re.sub(r"\s+", " ", fragment).strip()
    return _FILLER_PREFIX.sub("", phrase).strip(" -:'\".")


def _phrase(text: str, start: int, end: int, *, limit: int = 60) -> str:
    """The athlete's own words around a match, short enough to store and repeat back."""
    left, right = _clause(text, start, end)
    phrase = _tidy(text[left:right])
    if len(phrase) > limit or not phrase:
        words_before = text[left:start].split()[-3:]
        words_after = text[end:right].split()[:3]
        phrase = " ".join([*words_before, text[start:end].strip(), *words_after])
        phrase = re.sub(r"\s+", " ", phrase).strip(" -:'\".")[:limit].strip()
    return phrase or text[start:end].strip()


# --------------------------------------------------------------------------------------------
# Name
# --------------------------------------------------------------------------------------------

def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_NAME_STOP: Final = _word_set("""
a an the and or but so to of in on at for from with by as is are was be been am not no yes
yeah yep yup ya yah nope nah ok okay k kk sure fine good great well alright cool awesome happy
glad thanks thank thx ty please pls hi hey hello hiya yo sup howdy hola bye morning evening
afternoon night tonight today tomorrow yesterday now here there this that these those it its
just only also very really so too quite pretty super kinda kind sort totally fully still like
gonna sorta wanna
already almost about around maybe probably perhaps actually honestly basically literally
usually currently normally mostly mainly definitely seriously genuinely recently slowly fairly
nearly early likely finally lonely friendly elderly silly ugly lucky unlucky comfy
new newish beginner beginners intermediate advanced novice newbie noob experienced pro expert
athlete runner lifter powerlifter bodybuilder swimmer cyclist climber trainer coach student
teacher nurse doctor dad mom mum mother father parent wife husband guy girl man woman male
female lady dude bro sir madam human person
tired exhausted sleepy sore hurt injured sick ill unwell healthy fit unfit fat overweight obese
skinny thin slim heavy light strong weak stronger weaker bigger smaller older younger old young
short tall lazy busy free available ready keen excited pumped stoked thrilled nervous anxious
worried scared stressed bored hungry thirsty done back home out off up down over under away late
later open flexible stiff tight broke rich poor okay alive dead sorry serious sedentary active
into near based located living staying usually always never often sometimes
vegan vegetarian pregnant retired married single divorced engaged employed unemployed
looking trying going hoping planning thinking wanting getting doing working training running
lifting walking struggling starting coming feeling
gym home outside outdoors travelling traveling away abroad
afraid interested curious confused lost stuck unsure motivated unmotivated determined
committed dedicated obsessed frustrated overwhelmed hooked used blessed concerned prepared
what who why how when where which whatever whoever whenever
none nothing nobody someone something everyone anything all both each every some any much many
more less most least few lot lots
same different other another
my your his her our their me you him them us we they i
american british canadian aussie australian texan irish english indian kiwi scottish welsh
european asian african mexican
monday tuesday wednesday thursday friday saturday sunday weekday weekdays weekend weekends
mon tue tues wed thu thur thurs fri sat sun
goal goals muscle muscles weight weights cardio strength fitness shape
neck shoulder elbow wrist hand chest knee hip groin hamstring calf ankle foot
eastern central mountain pacific
skip pass later dunno idk nvm lol haha hmm um uh ugh wow omg
coach bot robot ai textcoach
soy de nuevo nueva principiante bien aqui
""")

_NAME_PART: Final = r"([^\W\d_][^\W\d_'\-]*(?:['\-][^\W\d_]+)*)"
_STRONG_NAME: Final = re.compile(
    r"\b(?:my name is|my name's|my names|name's|name is|name\s*:|call me|me llamo|"
    r"mi nombre es)\s+[\"']?" + _NAME_PART,
    _I,
)
_WEAK_NAME: Final = re.compile(r"\b(i'm|im|i am|this is|soy)\s+[\"']?" + _NAME_PART, _I)
_GREETING: Final = (
    r"(?:(?:hi|hey|hello|hiya|yo|howdy|hola|ok|okay|sure|yes|yeah|yep|yup|of course|"
    r"good morning|morning|oh)\b[\s,!.:-]*)*"
)
_HERE_NAME: Final = re.compile(r"(?:^|\n)\s*" + _GREETING + _NAME_PART + r"\s+here\b", _I)
_NAME_PREFIX: Final = re.compile(
    r"^\s*(?:(?:hi|hey|hello|hiya|yo|howdy|hola|ok|okay|sure|yes|yeah|yep|yup|of course|"
    r"it'?s|its|it is|i'?m|im|i am|my name is|my name'?s|name'?s|name is|name\s*:|call me|"
    r"this is|just|me llamo|soy|oh)\b[\s,!.:-]*)+",
    _I,
)
_AFTER_NAME_BAD: Final = re.compile(
    r"\s*-?\s*(?:based|born|native|local|years?|yrs?|y/?o|lbs?|kg|ft|cm|time)\b", _I
)
_AFTER_NAME_END: Final = re.compile(
    r"[\"']?\s*(?:$|[,.!?;:\n)(]|-|\d|and\b|here\b|btw\b|lol\b|haha\b|from\b|by the way\b)", _I
)


def _titlecase(token: str) -> bool:
    return token[:1].isupper() and any(c.islower() for c in token[1:])


def _name_token_ok(token: str, *, weak: bool) -> bool:
    """Whether ``token`` could be a first name rather than a state, place or filler word."""
    lowered = token.lower()
    if not 2 <= len(token) <= 20 or lowered in _NAME_STOP or lowered in _PLACE_WORDS:
        return False
    if re.search(r"['\-](?:s|m|re|ve|ll|d|t)$", lowered):
        return False
    if not _titlecase(token):
        if len(token) >= 5 and lowered.endswith("ing"):
            return False
        if lowered.endswith(("ous", "ful", "able", "ible", "less", "ness")):
            return False
    return not (weak and not _titlecase(token) and lowered.endswith("ed") and len(token) >= 7)


def _format_name(token: str) -> str:
    if _titlecase(token):
        return token
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), token.lower())


def _name_hits(text: str, low: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for match in _STRONG_NAME.finditer(text):
        token = match.group(1)
        if _name_token_ok(token, weak=False) and not _AFTER_NAME_BAD.match(text, match.end()):
            found.append((match.start(), _format_name(token)))
    for match in _WEAK_NAME.finditer(text):
        intro, token = match.group(1).lower(), match.group(2)
        if not _name_token_ok(token, weak=True) or _AFTER_NAME_BAD.match(text, match.end()):
            continue
        if intro == "this is" and not _titlecase(token):
            continue
        if not _titlecase(token) and not _AFTER_NAME_END.match(text, match.end()):
            continue
        found.append((match.start(), _format_name(token)))
    for match in _HERE_NAME.finditer(text):
        token = match.group(1)
        if _name_token_ok(token, weak=True):
            found.append((match.start(1), _format_name(token)))
    return found


def _bare_name(text: str, offset: int) -> list[tuple[int, str]]:
    """A name given as the whole answer to "what should I call you?" ("Sam", "it's sam!")."""
    stripped = _NAME_PREFIX.sub("", text)
    first = re.split(r"[,.!?;:\n()]|\band\b|\bbut\b|\s-\s", stripped, maxsplit=1)[0]
    tokens = first.split()
    if not 1 <= len(tokens) <= 2:
        return []
    token = tokens[0].strip("'\"-")
    if not re.fullmatch(_NAME_PART, token) or not _name_token_ok(token, weak=False):
        return []
    if len(tokens) == 2 and not re.fullmatch(_NAME_PART, tokens[1].strip("'\"-")):
        return []
    return [(offset, _format_name(token))]


# --------------------------------------------------------------------------------------------
# Goal
# --------------------------------------------------------------------------------------------

_SPORTS: Final = (
    r"soccer|football|basketball|tennis(?!\s+elbow)|rugby|hockey|golf(?!er)|rock climbing|"
    r"climbing|bouldering|bjj|jiu[- ]?jitsu|judo|wrestling|boxing|mma|kickboxing|muay thai|"
    r"martial arts|volleyball|baseball|softball|lacrosse|skiing|snowboarding|surfing|"
    r"cricket|netball|badminton|squash|pickleball|padel|track and field|sprinting|rowing"
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
        _I)),
    ("skill", True, re.compile(
        r"\bmuscle[- ]?ups?\b|\bhandstands?\b|\bplanche\b|\bfront lever\b|\bback lever\b"
        r"|\bhuman flag\b|\bpistol squats?\b|\bl[- ]sits?\b|\b(?:1|one)[- ]arm (?:push|pull)"
        r"[- ]?ups?\b|\bbackflips?\b|\bcartwheels?\b",
        _I)),
    ("sport", False, re.compile(
        r"\b(?:for|at|in|my|playing|play|improve my|better at|compete in|season of|"
        r"performance in)\s+(?:my\s+|the\s+)?(?:" + _SPORTS + r")\b"
        r"|\b(?:" + _SPORTS + r")\s+(?:season|performance|team|league|match|games?|tryouts?)"
        r"|\bsports? performance\b|\bfor my sport\b|\bathletic performance\b",
        _I)),
    ("endurance", False, re.compile(
        r"\bcouch to 5k\b|\brun (?:faster|further|farther|longer|without stopping)\b"
        r"|\b(?:better|faster) (?:runner|cyclist|swimmer)\b|\bimprove my (?:running|cycling|"
        r"swimming|pace|times?|cardio|endurance|stamina)\b"
        r"|\brun (?:an?\s+|my first\s+)?\d+\s*(?:k|km|miles?|mi)\b"
        r"|\b(?:do|finish|train for|run) (?:a|an|my first|the) (?:race|century|gran fondo)\b",
        _I)),
    ("endurance", True, re.compile(
        r"\b(?:half[- ]?)?marathons?\b|\bultra(?:marathon)?s?\b|\btriathlons?\b|\bironman\b"
        r"|\b(?:5|10|15|21|42)\s?k\b(?!\s*steps)|\bendurance\b|\bstamina\b"
        r"|\bcardio\b(?!\s*(?:machines?|equipment|kit))",
        _I)),
    ("mobility", False, re.compile(
        r"\btouch my toes\b|\b(?:do )?the splits\b|\bmove better\b|\bless stiff\b", _I)),
    ("mobility", True, re.compile(r"\bmobility\b|\bflexib\w*", _I)),
    ("hypertrophy", False, re.compile(
        r"\b(?:build|gain|put on|add|grow|pack on|get|more)\s+(?:some\s+|more\s+|lean\s+)*"
        r"muscles?\b|\bmuscle (?:gain|growth|mass|building)\b|\bbulk(?:ing)?(?: up)?\b"
        r"|\bget (?:bigger|big|jacked|swole|huge|buff|ripped|yoked)\b"
        r"|\bgain (?:weight|mass|size)\b|\bbigger arms\b",
        _I)),
    ("hypertrophy", True, re.compile(r"\bhypertrophy\b|\bbody ?building\b|\baesthetics?\b",
                                     _I)),
    ("fat_loss", False, re.compile(
        r"\b(?:lose|losing|drop|dropping|shed|burn|burning|cut)\s+(?:some\s+|the\s+|my\s+|"
        r"a\s+(?:bit|few|little)\s+(?:of\s+)?|\d+\s*)?(?:weight|fat|body ?fat|belly(?: fat)?|"
        r"pounds|lbs?|kgs?|kilos?|stone|inches|baby weight|gut)\b"
        r"|\b(?:fat|weight) ?loss\b|\bslim (?:down|up)\b|\btone(?:d)?(?: up)?\b|\btoning\b"
        r"|\bget (?:lean|leaner|shredded|toned|trim|trimmer|slimmer|thinner)\b|\blean out\b"
        r"|\bshred(?:ded)?\b|\b(?:on a|doing a|start a|want to|wanna|need to|trying to|"
        r"time to)\s+cut\b|\bcutting\b(?!\s+(?:back|down|out|it|time))"
        r"|\bget rid of (?:my |this |the )?(?:belly|gut|fat|love handles)\b|\bperder peso\b",
        _I)),
    ("strength", False, re.compile(
        r"\b(?:get|getting|be|become)\s+(?:a lot\s+|a bit\s+|much\s+|way\s+|more\s+)?"
        r"(?:stronger|strong)\b|\blift heavier\b|\b(?:increase|improve|bigger|raise) my "
        r"(?:squat|deadlift|bench|total|1rm|max(?:es)?|lifts?|strength)\b|\bponerme fuerte\b"
        r"|\bm[aá]s fuerte\b",
        _I)),
    ("strength", True, re.compile(
        r"\bstrength\b(?!\s+training\s+for\b)|\bpowerlifting\b", _I)),
    ("general_fitness", False, re.compile(
        r"\bget(?:ting)?\s+(?:back\s+)?(?:fit|fitter|in(?:to)?\s+(?:better\s+|good\s+)?shape"
        r"|healthy|healthier|active|moving)\b"
        r"|\b(?:be|stay|become|keep)\s+(?:more\s+|a bit\s+)?(?:fit|fitter|healthy|"
        r"healthier|active|in shape)\b|\bhealthier\b|\bgeneral (?:fitness|health)\b"
        r"|\boverall (?:fitness|health)\b|\bmore energy\b|\blive longer\b|\blongevity\b"
        r"|\bkeep fit\b|\bback in shape\b",
        _I)),
    ("general_fitness", True, re.compile(r"\blook (?:good|better)\b|\bfeel (?:good|better)\b",
                                         _I)),
)
_BARE_GOALS: Final[tuple[tuple[Goal, bool, re.Pattern[str]], ...]] = (
    ("strength", False, re.compile(r"\b(?:strong|stronger|strength|power)\b", _I)),
    ("hypertrophy", False, re.compile(r"\b(?:muscle|muscles|size|mass|gains)\b", _I)),
    ("fat_loss", False, re.compile(r"\b(?:fat|weight|lean|slimmer|lose)\b", _I)),
    ("endurance", False, re.compile(
        r"\b(?:running|run|cycling|swimming|race|conditioning|cardio|endurance|stamina)\b", _I)),
    ("sport", False, re.compile(r"\b(?:sports?|" + _SPORTS + r")\b", _I)),
    ("general_fitness", False, re.compile(
        r"\b(?:health|healthy|fitness|fit|shape|energy)\b", _I)),
)
_GOAL_CONTEXT: Final = re.compile(
    r"\b(?:want|wanna|would like|'d like|like to|love to|need|needs|goal|goals|focus|focused|"
    r"focusing|priority|mainly|mostly|main|more|better|improve|improving|build|building|boost|"
    r"increase|work on|working on|for|get|gain|learn|master|nail|achieve|unlock|first|able to|"
    r"run|running|finish|complete|train for|training for|sign(?:ed)? up|hoping|hope|"
    r"trying|looking|after|into|aim|aiming)\b",
    _I,
)
_PAST_ACTIVITY: Final = re.compile(
    r"\b(?:competed|did|done|ran|raced|finished|completed|used to (?:do|compete|run|play)|"
    r"retired from)\s+(?:in\s+|a\s+|an\s+|the\s+|my\s+|some\s+)?$",
    _I,
)


def _goal_hits(
    low: str, patterns: tuple[tuple[Goal, bool, re.Pattern[str]], ...], asked: bool
) -> list[tuple[int, int, Goal]]:
    """Goal phrases that are wanted: not negated ("don't want to bulk"), not past ("competed in
    powerlifting" is experience), and bare nouns only where they read as a goal."""
    found: list[tuple[int, int, Goal]] = []
    for goal, needs_context, pattern in patterns:
        for match in pattern.finditer(low):
            if _negated(low, match.start(), max_words=4):
                continue
            if _PAST_ACTIVITY.search(low[max(0, match.start() - 30):match.start()]):
                continue
            if needs_context and not asked and not _goal_context(low, match.start(),
                                                                 match.end()):
                continue
            found.append((match.start(), match.end(), goal))
    return sorted(found)


def _goal_context(low: str, start: int, end: int) -> bool:
    left, right = _clause(low, start, end)
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
    chosen = found[0]
    for seg_start, seg_end in _segments(low):
        inside = [hit for hit in found if seg_start <= hit[0] < seg_end]
        if inside:
            chosen = inside[0]
    start, end, goal = chosen
    return goal, _phrase(text, start, end)


# --------------------------------------------------------------------------------------------
# Experience
# --------------------------------------------------------------------------------------------

_EXPERIENCE_PATTERNS: Final[tuple[tuple[Experience, re.Pattern[str]], ...]] = (
    ("beginner", re.compile(
        r"\bbeginners?\b|\bnewbie\b|\bnoob\b|\bnovice\b|\bbrand new\b|\bprincipiante\b"
        r"|\b(?:new|newer|newish) (?:to|at) (?:this|it|lifting|training|working out|the gym|gym|"
        r"exercis\w*|excercis\w*|fitness|weights|strength training|running|all (?:of )?this)\b"
        r"|\bnever (?:really |properly |seriously )?(?:lifted|trained|worked out|exercised|"
        r"been to (?:a|the) gym|done (?:any|much|this)|been (?:athletic|sporty|active)|"
        r"lifted weights|been in a gym)\b"
        r"|\b(?:just|only) (?:started|starting|begun|beginning)\b"
        r"|\bstarting (?:out|from scratch|from zero)\b|\bfrom scratch\b"
        r"|\bcomplete(?:ly)? (?:new|beginner|novice)\b|\b(?:no|zero|little|very little|not much)"
        r"(?: to no)? experience\b|\bfirst time (?:lifting|training|working out|in a gym)\b"
        r"|\bdon'?t know what i'?m doing\b"
        r"|\bhaven'?t (?:trained|worked out|exercised|lifted) (?:in|for) (?:years|ages|"
        r"a long time|forever|a decade)\b",
        _I)),
    ("intermediate", re.compile(
        r"\bintermediate\b|\bsome experience\b|\bon and off\b|\boff and on\b", _I)),
    ("advanced", re.compile(
        r"\badvanced\b|\b(?:very |fairly |pretty |quite |reasonably )?experienced "
        r"(?:lifter|athlete|runner|trainee|gym|climber)\b"
        r"|\bi'?m (?:very |fairly |pretty |quite |reasonably )?experienced\b"
        r"|\bcompeted\b|\bcompeting\b|\bcompetitive(?:ly)?\b|\bused to compete\b"
        r"|\b(?:a|over a|more than a|about a) decade\b|\bdecades\b|\byears and years\b"
        r"|\bpersonal trainer\b|\bformer (?:athlete|powerlifter|bodybuilder)\b",
        _I)),
)
_YEARS: Final = re.compile(
    r"(?:(?<!\d)(\d{1,2})\s*\+?|\b(a|an|1|a couple(?: of)?|couple(?: of)?|a few|few|several|"
    r"many|over \d{1,2}|more than \d{1,2}|half a))\s*(years?|yrs?|months?|mos?)\b"
    r"(?!\s*(?:old|ago|of age|younger|older|off|break|away|out|of (?:no|not)))(\s*\+)?",
    _I,
)
_TRAINING_CONTEXT: Final = re.compile(
    r"lift|train|gym|work(?:ing|ed)?\s?out|exercis|excercis|experience|been at it|"
    r"doing (?:this|it)|running|ran\b|crossfit|sport|play|athlet|compet|weights|bodybuilding|"
    r"powerlifting|calisthenics|yoga|climb",
    _I,
)
_BARE_EXPERIENCE: Final[tuple[tuple[Experience, re.Pattern[str]], ...]] = (
    ("beginner", re.compile(
        r"^\s*(?:i'?m\s+|im\s+)?(?:new|brand new|none|nothing|zero|no|not much|a little|"
        r"little|never|very little|basically none|pretty new|kinda new|fairly new|total noob)\b",
        _I)),
    ("intermediate", re.compile(
        r"^\s*(?:some|a bit|a while|a fair bit|moderate|decent|on and off|a year or 2|"
        r"a year or so|okay|ok)\b", _I)),
    ("advanced", re.compile(
        r"^\s*(?:lots|a lot|loads|tons|forever|ages|years|many years|decades|plenty|heaps)\b",
        _I)),
)


def _years_level(match: re.Match[str]) -> Experience:
    digits, words, unit = match.group(1), (match.group(2) or "").lower(), match.group(3).lower()
    plus = bool(match.group(4)) or "+" in match.group(0)
    if digits:
        amount = float(digits)
    elif words in ("a", "an", "1"):
        amount = 1
    elif "half" in words:
        amount = 0.5
    elif "couple" in words:
        amount = 2
    elif "few" in words or words == "several":
        amount = 3
    elif words == "many":
        amount = 6
    else:
        number = re.search(r"\d+", words)
        amount = float(number.group(0)) + 0.5 if number else 0
    if unit.startswith("m"):
        amount /= 12
    if plus:
        amount += 0.5
    if amount < 1:
        return "beginner"
    if amount < 5:
        return "intermediate"
    return "advanced"


def _experience_hits(low: str, texts: list[tuple[int, str]], asked: bool) -> list[
        tuple[int, Experience]]:
    found: list[tuple[int, Experience]] = []
    for level, pattern in _EXPERIENCE_PATTERNS:
        for match in pattern.finditer(low):
            if not _negated(low, match.start(), max_words=3):
                found.append((match.start(), level))
    for match in _YEARS.finditer(low):
        left, right = _clause(low, match.start(), match.end())
        context = low[left:right]
        if asked or _TRAINING_CONTEXT.search(context):
            found.append((match.start(), _years_level(match)))
    if asked and not found:
        for offset, text in texts:
            for level, pattern in _BARE_EXPERIENCE:
                if pattern.search(_lower(text)):
                    found.append((offset, level))
                    break
    return found


# --------------------------------------------------------------------------------------------
# Days and weekdays
# --------------------------------------------------------------------------------------------

_RANGE_SEP: Final = r"\s*(?:-|to|or|/)\s*"
_DAYS_COUNT: Final = re.compile(
    r"\b([1-7])(?:" + _RANGE_SEP + r"([1-7]))?\s*(?:x|times|days?|d|sessions?|workouts?)"
    r"\s*(?:a|an|per|/|each|every|in a|p)?\s*(?:week|wk|w)\b"
    r"|\b([1-7])(?:" + _RANGE_SEP + r"([1-7]))?\s*(days|x(?![\d]))(?!\s*(?:ago|off|of rest|rest|"
    r"later|from now|in a row|left|before|after|until|till|bigger|more|as|longer|x|\d))"
    r"|\b([1-7])(?:" + _RANGE_SEP + r"([1-7]))?\s*(day|times)\s*(?:a|an|per|/|each|every)\s*"
    r"(?:week|wk)\b"
    r"|\b(once|twice|thrice)\s*(?:a|per|/|each|every)\s*(?:week|wk)\b"
    r"|\b(?:train|training|workout|work out|lift|lifting|gym|go|exercise)\s+([1-7])"
    r"(?:" + _RANGE_SEP + r"([1-7]))?\s*(?:x|times|days|days?\s+a\s+week)\b",
    _I,
)
_DAYS_EXCLUDED_BEFORE: Final = re.compile(
    r"\b(?:in|last|past|for the last|for the past|next|first|within|every|than)\s*$", _I
)
_WEEKDAY_TOKEN: Final = re.compile(r"\b(mon|tue|wed|wen|thu|fri|sat|sun)[a-z]*\b", _I)
_WEEKDAY_ABBREVIATIONS: Final[dict[str, int]] = {
    "mon": 1, "mons": 1, "tue": 2, "tues": 2, "wed": 3, "weds": 3, "thu": 4, "thur": 4,
    "thurs": 4, "thr": 4, "fri": 5, "fris": 5, "sat": 6, "sats": 6, "sun": 7, "suns": 7,
}
_WEEKDAY_PREFIX: Final[dict[str, int]] = {
    "mon": 1, "tue": 2, "wed": 3, "wen": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7,
}
_DAY_EXCLUSION: Final = re.compile(
    r"\b(?:not|no|except|excluding|never|can'?t|cannot|busy|off|unavailable|other than|"
    r"apart from|besides|without|work(?:ing)?(?!\s*out)|rest(?:ing)?)\b", _I
)
_SCHEDULE_WORDS: Final = re.compile(
    r"\b(?:train|training|work ?out|workouts?|gym|lift|lifting|sessions?|free|available|"
    r"can do|days|x a week|times a week|weekly|suits?|prefer|schedule|usually|every|best)\b",
    _I,
)
_DAY_EVENT: Final = re.compile(
    r"\b(?:missed|miss|skipped|skip|until|till|til|since|last|next|this|see you|by|before|"
    r"after|pause|paused|away|vacation|holiday|moved?|swap|switch|tomorrow|yesterday|today)\b",
    _I,
)
_ONE_OFF: Final = re.compile(
    r"\b(?:today|tonight|tomorrow|yesterday|this (?:week|morning|evening|afternoon|time)|"
    r"next week|right now)\b",
    _I,
)
#: Words of a workout report ("Done! 45 min"): numbers in it describe one session, not a habit.
_REPORT: Final = re.compile(
    r"\b(?:done|did|finished|completed|crushed|smashed|took me|logged|just got back)\b", _I
)


def _one_off(low: str, start: int, end: int) -> bool:
    """Whether a number describes one day ("20 min today", "Done! 45 min") not the routine."""
    if _ONE_OFF.search(low, *_clause(low, start, end)):
        return True
    line_start = low.rfind("\n", 0, start) + 1
    line_end = low.find("\n", end)
    return bool(_REPORT.search(low, line_start, line_end if line_end >= 0 else len(low)))


_SEND_CONTEXT: Final = re.compile(
    r"\b(?:text|texts|txt|send|sent|message|msg|remind|reminder|ping|hit me|notify|"
    r"the daily|daily (?:text|message|workout))\b",
    _I,
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


def _training_days(low: str, asked: bool) -> list[int] | None:
    """Weekdays named in the last segment that names any; abbreviations need a list context."""
    result: list[int] | None = None
    for seg_start, seg_end in _segments(low):
        segment = low[seg_start:seg_end]
        included: set[int] = set()
        excluded: set[int] = set()
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
                target = excluded if _day_excluded(segment, first[0].start()) else included
                target.update(span)
                consumed.update((i, i + 1))
        for i, (match, day, full) in enumerate(tokens):
            plural = match.group(0).lower().endswith("s") and full
            if i in consumed or not (plural or strong_list):
                continue
            if not asked and _day_is_an_event(segment, match.start()):
                continue
            if _day_excluded(segment, match.start()):
                excluded.add(day)
            else:
                included.add(day)
        for match in re.finditer(r"\bweekdays\b|\bweek ?days\b|\bworkdays\b", segment):
            (excluded if _day_excluded(segment, match.start()) else included).update(range(1, 6))
        for match in re.finditer(r"\bweekends\b|\b(?:the|on|at) weekend\b", segment):
            if match.group(0) != "weekends" and not (asked or _SCHEDULE_WORDS.search(segment)):
                continue
            if not asked and _day_is_an_event(segment, match.start()):
                continue
            (excluded if _day_excluded(segment, match.start()) else included).update((6, 7))
        for match in re.finditer(r"\b(?:every ?(?:single )?day|7 days a week|daily)\b", segment):
            left, right = _clause(segment, match.start(), match.end())
            if _SEND_CONTEXT.search(segment[left:right]):
                continue
            if match.group(0) == "daily" and not asked:
                continue
            included.update(range(1, 8))
        days = sorted(included - excluded)
        if days:
            result = days
    return result


def _day_is_an_event(segment: str, start: int) -> bool:
    """"I missed Monday", "pause until Friday", "see you this weekend": a date, not a schedule."""
    left, _ = _clause(segment, start, start)
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
        if not asked and _one_off(low, match.start(), match.end()):
            continue
        groups = match.groups()
        if groups[8]:
            word = groups[8].lower()
            found.append((match.start(), {"once": 1, "twice": 2, "thrice": 3}[word]))
            continue
        numbers = [int(g) for g in groups if g and g.isdigit()]
        if numbers:
            found.append((match.start(), min(numbers)))
    if asked and not found:
        for offset, text in texts:
            bare = re.search(
                r"(?<![\d:.])\b([1-7])\b(?!\s*(?:[:.]\d|am|pm|a\.m|p\.m|min|hour|hr|k\b|km|kg|"
                r"lb|%|years?|yrs?|months?|weeks?|reps?|sets?|miles?))",
                _lower(text),
            )
            if bare:
                found.append((offset + bare.start(), int(bare.group(1))))
            elif re.search(r"\bonce\b", text, _I):
                found.append((offset, 1))
            elif re.search(r"\btwice\b", text, _I):
                found.append((offset, 2))
    return found


# --------------------------------------------------------------------------------------------
# Session minutes
# --------------------------------------------------------------------------------------------

_MIN_UNIT: Final = r"(?:minutes?|mins?\b\.?|mns\b|minuets?)"
_HOUR_UNIT: Final = r"(?:hours?|hrs?|h)\b(?!\s*(?:fitness|gym|/7))"
_MINUTES_PATTERNS: Final[tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], float]], ...]] = (
    (re.compile(r"\b(?:an|a|1)\s+hour and a half\b|\bhour and a half\b", _I), lambda m: 90),
    (re.compile(r"\b(?:3|three) quarters of an hour\b", _I), lambda m: 45),
    (re.compile(r"\ba quarter of an hour\b|\bquarter hour\b", _I), lambda m: 15),
    (re.compile(r"\bhalf an? hour\b|\bhalf hour\b|\b1/2 (?:an )?hour\b", _I), lambda m: 30),
    (re.compile(r"\b(\d{1,3})\s*" + _MIN_UNIT + r"?\s*(?:-|to|or)\s*(?:an|a|1)\s+hour\b", _I),
     lambda m: 60),
    (re.compile(r"\b(\d{1,3})\s*(?:-|to|or)\s*(\d{1,3})\s*" + _MIN_UNIT, _I),
     lambda m: max(float(m.group(1)), float(m.group(2)))),
    (re.compile(r"\b(\d(?:\.\d+)?)\s*(?:-|to|or)\s*(\d(?:\.\d+)?)\s*" + _HOUR_UNIT, _I),
     lambda m: max(float(m.group(1)), float(m.group(2))) * 60),
    (re.compile(r"\b(\d(?:\.\d+)?)\s*" + _HOUR_UNIT, _I), lambda m: float(m.group(1)) * 60),
    (re.compile(r"\b(?:an|a)\s+hour\b(?:\s+or so)?", _I), lambda m: 60),
    (re.compile(r"\b(\d{1,3})\s*" + _MIN_UNIT, _I), lambda m: float(m.group(1))),
)
_MINUTES_AFTER_BAD: Final = re.compile(
    r"\s*(?:ago|later|from now|ahead|behind|away|drive|commute|walk\b|mile|km|pace|/mi|/km|"
    r"per (?:mile|km)|late|early|earlier|before (?:i|you)|each way|fitness)", _I
)
_MINUTES_BEFORE_BAD: Final = re.compile(
    r"\b(?:in|every|within|than|the last|the past|24)\s*$|\d:\s*$", _I
)


def _minutes_hits(low: str, texts: list[tuple[int, str]], asked: bool) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    work = low
    for pattern, value in _MINUTES_PATTERNS:
        for match in list(pattern.finditer(work)):
            consumed = match.start(), match.end()
            work = _blank(work, *consumed)
            if _MINUTES_AFTER_BAD.match(low, match.end()):
                continue
            if _MINUTES_BEFORE_BAD.search(low[max(0, match.start() - 12):match.start()]):
                continue
            if not asked and _one_off(low, match.start(), match.end()):
                continue
            found.append((match.start(), _clamp_minutes(value(match))))
    if asked and not found:
        for offset, text in texts:
            lowered = _lower(text)
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
# Equipment and location
# --------------------------------------------------------------------------------------------

_EQUIPMENT_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (word, re.compile(pattern, _I)) for word, pattern in (
        ("pull_up_bar", r"\b(?:pull|chin)[- ]?up bars?\b|\bdoor(?:way|frame)? (?:pull[- ]?up )?"
                        r"bars?\b|\bpullup bars?\b|\bchinup bars?\b"),
        ("dip_bars", r"\bdip (?:bars?|station|stand)s?\b"),
        ("ez_bar", r"\b(?:ez|e-z|curl)[- ]?bars?\b"),
        ("smith_machine", r"\bsmith(?: machine)?\b"),
        ("cable", r"\bcables?(?: machines?| stations?| stacks?| column)?\b|\bfunctional trainer\b"),
        ("rower", r"\browing machines?\b|\browers?\b|\bconcept ?2\b|\berg\b"),
        ("treadmill", r"\btread ?mills?\b"),
        ("elliptical", r"\belliptical\b|\bcross ?trainer\b|\bstair ?master\b|"
                       r"\bcardio (?:machines?|equipment)\b"),
        ("bike", r"\b(?:an?|my|exercise|stationary|spin|spinning|indoor|assault|air|echo|"
                 r"watt)\s+bikes?\b|\bpelotons?\b"),
        ("machine", r"\bmachines?\b"),
        ("barbell", r"\bbar ?bells?\b|\bbarbel\b|\bolympic bar\b"),
        ("squat_rack", r"\b(?:squat |power |half )?racks?\b|\bsquat stands?\b|\bsquat cage\b"),
        ("dumbbells", r"\bdumb+[- ]?b?el+s?\b|\bdumbels?\b|\bdbs?\b"),
        ("kettlebell", r"\bkettle ?bells?\b|\bkettlebels?\b|\bkbs?\b"),
        ("bench", r"\bbench(?:es)?\b(?!\s*(?:press|pressing|\d))"),
        ("box", r"\b(?:plyo(?:metric)?|jump|step)\s*box(?:es)?\b"),
        ("bands", r"\b(?:resistance|loop|mini|exercise|elastic|therapy|power|pull[- ]?up)?\s*"
                  r"bands?\b"),
        ("rings", r"\b(?:gymnastics?|olympic|wooden)?\s*rings\b"),
        ("trx", r"\btrx\b|\bsuspension (?:trainer|straps?|system)\b"),
        ("parallettes", r"\bparallettes?\b|\bparalettes?\b"),
        ("ab_wheel", r"\bab (?:wheel|roller)s?\b"),
        ("medicine_ball", r"\bmed(?:icine)? balls?\b|\bslam balls?\b|\bwall balls?\b"),
        ("sandbag", r"\bsand ?bags?\b"),
        ("weight_vest", r"\bweight(?:ed)? vests?\b"),
        ("dip_belt", r"\bdip belts?\b"),
        ("rope", r"\b(?:jump|skipping|speed)[- ]?ropes?\b"),
        ("sled", r"\bsleds?\b|\bprowlers?\b"),
        ("pool", r"\b(?:swimming )?pool\b"),
        ("weights", r"\b(?:have|got|own|some|my|few|set of|pair of|free|hand|home)\s+"
                    r"(?:\w+\s+)?weights\b"),
    )
)
_HOUSEHOLD: Final = re.compile(
    r"\b(?:yoga )?mat\b|\bchairs?\b|\bcouch\b|\bsofa\b|\bstairs\b|\btowels?\b|\bbackpack\b|"
    r"\bwater bottles?\b|\bsteps\b|\bfloor\b",
    _I,
)
_NO_EQUIPMENT: Final = re.compile(
    r"\bno (?:equipment|gear|kit|weights)\b|\b(?:just|only|purely)\s+(?:my\s+)?body\s?-?weight"
    r"\b|\bbody\s?-?weight\s+only\b|\bdon'?t (?:have|own) (?:any )?(?:equipment|gear|weights)\b"
    r"|\bnothing but (?:my )?body(?:weight)?\b|\bjust my body\b",
    _I,
)
_BARE_NO_EQUIPMENT: Final = re.compile(
    r"^\s*(?:nothing|none|nope|no|nah|nada|zero|n/?a|body\s?-?weight|just me|just my body|"
    r"not much|nothing really|no equipment|not really)\b",
    _I,
)
_GYM: Final = re.compile(
    r"\bgym\b|\bgym membership\b|\bplanet fitness\b|\bla fitness\b|\b24 hour fitness\b"
    r"|\banytime fitness\b|\bequinox\b|\bgold'?s\b|\bymca\b|\bcrunch\b|\bpure ?gym\b"
    r"|\bdavid lloyd\b|\bvirgin active\b|\blife ?time fitness\b|\bcrossfit\b|\bthe y\b"
    r"|\bfitness (?:center|centre|club)\b|\bleisure centre\b|\brec center\b",
    _I,
)
_NOT_A_GYM: Final = re.compile(r"\b(?:home|garage|basement|hotel|apartment|building|work)\s*$",
                               _I)
_LOCATION_PATTERNS: Final[tuple[tuple[Location, re.Pattern[str]], ...]] = (
    ("mixed", re.compile(
        r"\bhotel(?: gyms?)?s?\b|\btravel(?:l)?(?:ing|s)?\b(?!\s+time)|\bon the road\b"
        r"|\bmix of\b|\bhome (?:and|&|or) (?:the |a )?gym\b|\bgym (?:and|&|or) (?:at )?home\b"
        r"|\bbit of both\b|\bmixture\b",
        _I)),
    ("home", re.compile(
        r"\bat home\b|\bhome (?:gym|workouts?|training)\b|\b(?<!work )(?<!working )from home\b"
        r"|\b(?:garage|basement) gym\b|\bin (?:my|the) (?:garage|basement|living room|"
        r"apartment|flat|bedroom|house|room|backyard|back yard|yard)\b"
        r"|\bhome\b(?=\s*(?:[.!,]|$|\n))|\bhome\s+(?:w/|with)",
        _I)),
    ("outdoors", re.compile(
        r"\boutside\b(?!\s+(?:of|work|the office|hours))|\boutdoors?\b|\bat the park\b"
        r"|\bin the park\b|\bparks\b|\bat the track\b|\brunning track\b|\bon the beach\b"
        r"|\btrails?\b",
        _I)),
)


def _equipment(low: str, asked: bool) -> tuple[list[str] | None, Location | None]:
    """Equipment words through :func:`normalize_equipment`; a gym means the gym's whole kit."""
    words: list[str] = []
    stated = False
    work = low
    for word, pattern in _EQUIPMENT_PATTERNS:
        for match in list(pattern.finditer(work)):
            work = _blank(work, match.start(), match.end())
            if not _negated(low, match.start()):
                words.append(word)
    if asked:
        for match in re.finditer(r"\b(?:free )?weights\b", work):
            if not _negated(low, match.start()):
                words.append("weights")
    gym = False
    for match in _GYM.finditer(low):
        if _NOT_A_GYM.search(low, max(0, match.start() - 12), match.start()):
            continue
        if re.match(r"\s*(?:bag|clothes|shoes|rat|selfie|crush)\b", low[match.end():]):
            continue
        if not _negated(low, match.start()):
            gym = True
    if _NO_EQUIPMENT.search(low):
        stated = True
    if asked:
        for line in low.split("\n"):
            if _BARE_NO_EQUIPMENT.match(_NAME_PREFIX.sub("", line)) or _HOUSEHOLD.search(line):
                stated = True
    equipment: list[str] | None = None
    items = normalize_equipment(words)
    if gym:
        equipment = sorted(GYM_EQUIPMENT | set(items))
    elif items:
        equipment = items
    elif stated:
        equipment = []
    location = _location(low, gym, asked)
    return equipment, location


def _location(low: str, gym: bool, asked: bool) -> Location | None:
    """Where they train: the last correction segment that says, and "mixed" for several."""
    hits: list[tuple[int, Location]] = []
    for location, pattern in _LOCATION_PATTERNS:
        for match in pattern.finditer(low):
            if location == "home" and match.group(0).strip().lower() == "home" and not asked:
                continue
            if not asked and _ONE_OFF.search(low, *_clause(low, match.start(), match.end())):
                continue
            if not _negated(low, match.start(), max_words=3):
                hits.append((match.start(), location))
    if gym:
        for match in _GYM.finditer(low):
            if not _NOT_A_GYM.search(low, max(0, match.start() - 12), match.start()) \
                    and not _negated(low, match.start()):
                hits.append((match.start(), "gym"))
    if not hits:
        return None
    chosen: set[Location] = set()
    for seg_start, seg_end in _segments(low):
        inside = {loc for pos, loc in hits if seg_start <= pos < seg_end}
        if inside:
            chosen = inside
    if len(chosen) == 1:
        return next(iter(chosen))
    return "mixed"


# --------------------------------------------------------------------------------------------
# Injuries
# --------------------------------------------------------------------------------------------

#: Names of conditions that are injuries by themselves ("sciatica", "tennis elbow").
_CONDITIONS: Final[tuple[tuple[str, str], ...]] = (
    ("lower_back", r"\bsciatica\b|\b(?:herniated|slipped|bulging|ruptured|bulged) discs?\b"
                   r"|\bdisc (?:issues?|problems?|herniation)\b|\bsi joint\b"),
    ("shoulder", r"\brotator cuff\b|\bfrozen shoulder\b|\blabrum\b|\bimpingement\b"),
    ("elbow", r"\btennis elbow\b|\bgolfer'?s elbow\b"),
    ("wrist", r"\bcarpal tunnel\b"),
    ("knee", r"\b(?:torn |blown |busted )?(?:acl|mcl|meniscus)\b|\brunner'?s knee\b"
             r"|\bjumper'?s knee\b|\bpatellar tendin\w*\b"),
    ("calf", r"\bshin splints\b"),
    ("ankle", r"\bachilles\b"),
    ("foot", r"\bplantar(?: fasciitis| fascitis)?\b|\bbunions?\b|\bturf toe\b"),
    ("abdomen", r"\bhernia\b|\bdiastasis(?: recti)?\b|\bc-?section\b"),
)
_AREAS: Final[tuple[tuple[str, str], ...]] = (
    ("upper_back", r"\bupper[- ]?back\b|\bmid(?:dle)?[- ]?back\b|\bshoulder ?blades?\b"
                   r"|\bthoracic\b|\brhomboids?\b"),
    ("lower_back", r"\blower[- ]?back\b|\blow[- ]?back\b|\blumbar\b|\btailbone\b|\bspine\b"
                   r"|\bback\b"),
    ("neck", r"\bneck\b"),
    ("shoulder", r"\bshoulders?\b|\bac joint\b"),
    ("elbow", r"\belbows?\b"),
    ("wrist", r"\bwrists?\b"),
    ("hand", r"\bhands?\b|\bfingers?\b|\bthumbs?\b|\bknuckles?\b"),
    ("chest", r"\bchest\b|\bpecs?\b|\bpectorals?\b|\bribs?\b"),
    ("abdomen", r"\babdomen\b|\babs\b|\babdominals?\b|\bstomach\b"),
    ("hip", r"\bhips?\b|\bhip flexors?\b|\bglutes?\b"),
    ("groin", r"\bgroin\b|\badductors?\b"),
    ("hamstring", r"\bhamstrings?\b|\bhamstring\b|\bhammys?\b|\bhammies\b"),
    ("knee", r"\bknees?\b|\bkneecaps?\b|\bpatella\b"),
    ("calf", r"\bcal(?:f|ves)\b|\bshins?\b"),
    ("ankle", r"\bankles?\b"),
    ("foot", r"\bfoot\b|\bfeet\b|\bheels?\b|\btoes?\b|\barch(?:es)?\b"),
)
_INJURY_WORD: Final = re.compile(
    r"\b(?:pain(?:s|ful)?|hurts?|hurting|injur\w*|sore(?:ness)?|bad|dodgy|tweak\w*|strain\w*|"
    r"sprain\w*|torn|tore|tear|pulled|broke|broken|fractur\w*|surgery|surgeries|operation|"
    r"issues?|problems?|niggles?|niggly|acting up|bother\w*|ach(?:e|es|y|ing)|arthritis|"
    r"arthritic|tendon\w*|tendin\w*|bursitis|rehab\w*|recover\w*|replace\w*|reconstruct\w*|"
    r"herniat\w*|dislocat\w*|impinge\w*|inflam\w*|swollen|swelling|gave out|gives out|"
    r"grumpy|busted|messed up|jacked up|screwed up|blown|wonky|cranky|clicks|clicking|"
    r"spasms?|stiff|weak|unstable|rolled|twisted|jammed|fused|dolor|lesion|killing|kills|"
    r"flare\w*|playing up|twinge\w*|tender|pinch\w*|numb\w*)\b",
    _I,
)
_BACK_NOT_BODY: Final = re.compile(
    r"\b(?:get|getting|got|come|coming|came|be|been|i'?m|im|go|going|went|way|years|months|"
    r"weeks|bounce|bouncing|step|fall|fell|set|ease|easing|jump|jumping|start|starting|"
    r"hold|holding|text|call|write|get me|look|looking|head|heading|it'?s)\s*$",
    _I,
)
_BACK_BODY_AFTER: Final = re.compile(
    r"\s*(?:in|into|to|on|at|from|then|home|squats?|day|off|up|out|when|after|and forth)\b",
    _I,
)
_NO_INJURY: Final = re.compile(
    r"\bno (?:current |major |real |serious |known |big )?injur\w*|\binjury[- ]?free\b"
    r"|\bnot injured\b|\bnothing (?:hurts|hurting|injured)\b|\bno (?:aches|pains)\b"
    r"|\b(?:haven'?t|don'?t have|do not have|never had)(?: any)? (?:serious |major )?injur\w*",
    _I,
)
_BARE_NO_INJURY: Final = re.compile(
    r"^\s*(?:none|nope|no|nah|nothing|n/?a|all good|all clear|i'?m (?:good|fine|healthy|ok|"
    r"okay|all good)|im (?:good|fine|healthy|ok|okay)|healthy|fine|good|not really|"
    r"none really|no issues|no pain|no problems|zero|nada|negative|thankfully not|"
    r"luckily not|not that i know)\b",
    _I,
)


def _injuries(text: str, low: str, asked: bool) -> list[Injury] | None:
    """Body areas the athlete says are hurt; [] when they say nothing is."""
    mentions: list[tuple[int, int, str]] = []
    work = low
    for area, pattern in _CONDITIONS:
        for match in list(re.finditer(pattern, work, _I)):
            work = _blank(work, match.start(), match.end())
            if not _negated(low, match.start(), max_words=3):
                mentions.append((match.start(), match.end(), area))
    for area, pattern in _AREAS:
        for match in list(re.finditer(pattern, work, _I)):
            work = _blank(work, match.start(), match.end())
            if area == "lower_back" and match.group(0).lower() == "back" and not _body_back(
                    low, match.start(), match.end()):
                continue
            if area == "hand" and re.search(r"\b(?:other|second|free)\s*$",
                                            low[max(0, match.start() - 10):match.start()]):
                continue
            if _negated(low, match.start(), max_words=3) or not _hurt_near(
                    low, match.start(), match.end()):
                continue
            mentions.append((match.start(), match.end(), area))
    injuries: list[Injury] = []
    seen: set[str] = set()
    for start, end, area in sorted(mentions):
        if area in seen:
            continue
        seen.add(area)
        injuries.append(Injury(area=area, note=_injury_note(text, low, start, end)))
    if injuries:
        return injuries
    if _NO_INJURY.search(low):
        return []
    if asked:
        for line in low.split("\n"):
            if _BARE_NO_INJURY.match(_NAME_PREFIX.sub("", line)) or _NO_INJURY.search(line):
                return []
    return None


def _injury_note(text: str, low: str, start: int, end: int) -> str:
    """The athlete's words for one injury: "tweaked wrist" out of "bad knee and tweaked wrist"."""
    left, right = _clause(low, start, end)
    part_left, part_right = left, right
    for match in re.finditer(r"\band\b|&|\bplus\b|\balso\b", low[left:right]):
        cut = left + match.start()
        if cut < start:
            part_left = left + match.end()
        elif cut >= end:
            part_right = min(part_right, cut)
    part = low[part_left:part_right]
    has_hurt = _INJURY_WORD.search(part) or any(
        re.search(pattern, part) for _, pattern in _CONDITIONS)
    if has_hurt and (part_left, part_right) != (left, right):
        phrase = _tidy(text[part_left:part_right])
        if phrase and len(phrase) <= 60:
            return phrase
    return _phrase(text, start, end)


def _body_back(low: str, start: int, end: int) -> bool:
    """Whether a bare "back" is the body part, not "get back into it" or "back squat"."""
    before = low[max(0, start - 16):start]
    if _BACK_NOT_BODY.search(before):
        return False
    return not (_BACK_BODY_AFTER.match(low, end) and not re.search(
        r"\b(?:my|bad|sore|dodgy|hurt|injured|tweaked|strained|pulled|wonky|lower|weak)\s*$",
        before))


def _hurt_near(low: str, start: int, end: int) -> bool:
    """An injury word within six words of a body part, in the same clause, not negated."""
    left, right = _clause(low, start, end)
    window_left = max(left, start - 45)
    window_right = min(right, end + 45)
    for match in _INJURY_WORD.finditer(low, window_left, window_right):
        if not _negated(low, match.start(), max_words=2):
            return True
    return False


# --------------------------------------------------------------------------------------------
# Time zone
# --------------------------------------------------------------------------------------------

_REGION_ZONES: Final[dict[str, dict[str, str]]] = {
    "US": {
        "eastern": "America/New_York", "central": "America/Chicago",
        "mountain": "America/Denver", "pacific": "America/Los_Angeles",
        "alaska": "America/Anchorage", "hawaii": "Pacific/Honolulu", "arizona": "America/Phoenix",
        "atlantic": "America/Puerto_Rico",
    },
    "CA": {
        "eastern": "America/Toronto", "central": "America/Winnipeg",
        "mountain": "America/Edmonton", "pacific": "America/Vancouver",
        "atlantic": "America/Halifax", "newfoundland": "America/St_Johns",
    },
    "AU": {
        "eastern": "Australia/Sydney", "central": "Australia/Adelaide",
        "western": "Australia/Perth",
    },
}
_ABBREVIATIONS: Final[dict[str, str]] = {
    "EST": "eastern", "EDT": "eastern", "ET": "eastern", "CST": "central", "CDT": "central",
    "CT": "central", "MST": "mountain", "MDT": "mountain", "MT": "mountain", "PST": "pacific",
    "PDT": "pacific", "PT": "pacific", "AKST": "alaska", "AKDT": "alaska", "HST": "hawaii",
    "AST": "atlantic", "ADT": "atlantic",
}
_FIXED_ABBREVIATIONS: Final[dict[str, str]] = {
    "GMT": "Europe/London", "BST": "Europe/London", "UTC": "UTC", "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin", "EET": "Europe/Athens", "EEST": "Europe/Athens",
    "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney", "ACST": "Australia/Adelaide",
    "AWST": "Australia/Perth", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
    "JST": "Asia/Tokyo", "SGT": "Asia/Singapore", "HKT": "Asia/Hong_Kong", "KST": "Asia/Seoul",
    "WIB": "Asia/Jakarta", "SAST": "Africa/Johannesburg",
}
#: Zone-ambiguous "IST": India unless the athlete's number says Ireland or Israel.
_IST: Final[dict[str, str]] = {"IE": "Europe/Dublin", "IL": "Asia/Jerusalem"}

_PLACES: Final[dict[str, str]] = {
    # United States
    "new york": "America/New_York", "nyc": "America/New_York", "ny": "America/New_York",
    "manhattan": "America/New_York",
    "queens": "America/New_York", "bronx": "America/New_York", "boston": "America/New_York",
    "miami": "America/New_York", "atlanta": "America/New_York",
    "philadelphia": "America/New_York", "philly": "America/New_York",
    "washington dc": "America/New_York", "washington d.c.": "America/New_York",
    "d.c.": "America/New_York", "baltimore": "America/New_York",
    "pittsburgh": "America/New_York", "detroit": "America/Detroit",
    "cleveland": "America/New_York", "columbus": "America/New_York",
    "tampa": "America/New_York", "florida": "America/New_York",
    "new jersey": "America/New_York", "nj": "America/New_York",
    "east coast": "America/New_York",
    "connecticut": "America/New_York", "massachusetts": "America/New_York",
    "chicago": "America/Chicago", "texas": "America/Chicago", "tx": "America/Chicago",
    "san antonio": "America/Chicago", "minneapolis": "America/Chicago",
    "nashville": "America/Chicago", "new orleans": "America/Chicago",
    "kansas city": "America/Chicago", "st. louis": "America/Chicago",
    "st louis": "America/Chicago", "milwaukee": "America/Chicago",
    "oklahoma": "America/Chicago", "midwest": "America/Chicago",
    "minnesota": "America/Chicago", "wisconsin": "America/Chicago",
    "colorado": "America/Denver", "salt lake city": "America/Denver",
    "salt lake": "America/Denver", "utah": "America/Denver", "boise": "America/Boise",
    "albuquerque": "America/Denver", "arizona": "America/Phoenix",
    "tucson": "America/Phoenix", "scottsdale": "America/Phoenix",
    "los angeles": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles", "bay area": "America/Los_Angeles",
    "san diego": "America/Los_Angeles", "san jose": "America/Los_Angeles",
    "portland": "America/Los_Angeles", "las vegas": "America/Los_Angeles",
    "vegas": "America/Los_Angeles", "california": "America/Los_Angeles",
    "sacramento": "America/Los_Angeles", "oregon": "America/Los_Angeles",
    "washington state": "America/Los_Angeles", "west coast": "America/Los_Angeles",
    "pacific northwest": "America/Los_Angeles", "pnw": "America/Los_Angeles",
    "socal": "America/Los_Angeles", "norcal": "America/Los_Angeles",
    "anchorage": "America/Anchorage", "alaska": "America/Anchorage",
    "hawaii": "Pacific/Honolulu", "honolulu": "Pacific/Honolulu",
    # Canada
    "toronto": "America/Toronto", "ottawa": "America/Toronto", "montreal": "America/Toronto",
    "ontario": "America/Toronto", "vancouver": "America/Vancouver",
    "calgary": "America/Edmonton", "edmonton": "America/Edmonton",
    "winnipeg": "America/Winnipeg", "halifax": "America/Halifax",
    # Europe
    "london": "Europe/London", "uk": "Europe/London", "u.k.": "Europe/London",
    "england": "Europe/London", "britain": "Europe/London", "scotland": "Europe/London",
    "edinburgh": "Europe/London", "glasgow": "Europe/London", "manchester": "Europe/London",
    "liverpool": "Europe/London", "leeds": "Europe/London", "bristol": "Europe/London",
    "wales": "Europe/London", "cardiff": "Europe/London", "belfast": "Europe/London",
    "dublin": "Europe/Dublin", "ireland": "Europe/Dublin", "cork": "Europe/Dublin",
    "france": "Europe/Paris", "lyon": "Europe/Paris", "berlin": "Europe/Berlin",
    "munich": "Europe/Berlin", "hamburg": "Europe/Berlin", "germany": "Europe/Berlin",
    "madrid": "Europe/Madrid", "barcelona": "Europe/Madrid", "spain": "Europe/Madrid",
    "amsterdam": "Europe/Amsterdam", "netherlands": "Europe/Amsterdam",
    "rotterdam": "Europe/Amsterdam", "lisbon": "Europe/Lisbon", "portugal": "Europe/Lisbon",
    "rome": "Europe/Rome", "milan": "Europe/Rome", "italy": "Europe/Rome",
    "stockholm": "Europe/Stockholm", "sweden": "Europe/Stockholm", "oslo": "Europe/Oslo",
    "norway": "Europe/Oslo", "copenhagen": "Europe/Copenhagen", "denmark": "Europe/Copenhagen",
    "zurich": "Europe/Zurich", "geneva": "Europe/Zurich", "switzerland": "Europe/Zurich",
    "vienna": "Europe/Vienna", "austria": "Europe/Vienna", "brussels": "Europe/Brussels",
    "belgium": "Europe/Brussels", "warsaw": "Europe/Warsaw", "poland": "Europe/Warsaw",
    "prague": "Europe/Prague", "athens": "Europe/Athens", "greece": "Europe/Athens",
    "helsinki": "Europe/Helsinki", "finland": "Europe/Helsinki",
    # Asia and Middle East
    "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata", "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata", "hyderabad": "Asia/Kolkata", "kolkata": "Asia/Kolkata",
    "pune": "Asia/Kolkata", "singapore": "Asia/Singapore", "tokyo": "Asia/Tokyo",
    "japan": "Asia/Tokyo", "osaka": "Asia/Tokyo", "hong kong": "Asia/Hong_Kong",
    "dubai": "Asia/Dubai", "uae": "Asia/Dubai", "abu dhabi": "Asia/Dubai",
    "seoul": "Asia/Seoul", "korea": "Asia/Seoul", "manila": "Asia/Manila",
    "philippines": "Asia/Manila", "bangkok": "Asia/Bangkok", "thailand": "Asia/Bangkok",
    "shanghai": "Asia/Shanghai", "beijing": "Asia/Shanghai",
    "jakarta": "Asia/Jakarta", "kuala lumpur": "Asia/Kuala_Lumpur",
    "tel aviv": "Asia/Jerusalem",
    # Oceania
    "melbourne": "Australia/Melbourne", "brisbane": "Australia/Brisbane",
    "perth": "Australia/Perth", "canberra": "Australia/Sydney",
    "auckland": "Pacific/Auckland", "nz": "Pacific/Auckland",
    "new zealand": "Pacific/Auckland", "wellington": "Pacific/Auckland",
    "christchurch": "Pacific/Auckland",
    # Africa and Latin America
    "johannesburg": "Africa/Johannesburg", "cape town": "Africa/Johannesburg",
    "south africa": "Africa/Johannesburg", "lagos": "Africa/Lagos", "nigeria": "Africa/Lagos",
    "nairobi": "Africa/Nairobi", "cairo": "Africa/Cairo",
    "sao paulo": "America/Sao_Paulo", "são paulo": "America/Sao_Paulo",
    "brazil": "America/Sao_Paulo", "rio": "America/Sao_Paulo",
    "mexico city": "America/Mexico_City", "buenos aires": "America/Argentina/Buenos_Aires",
    "bogota": "America/Bogota", "lima": "America/Lima",
}
#: Places that are also first names ("I'm Sydney"): read as places only after "in", "from"...
_NAME_LIKE_PLACES: Final[dict[str, str]] = {
    "austin": "America/Chicago", "dallas": "America/Chicago", "houston": "America/Chicago",
    "denver": "America/Denver", "phoenix": "America/Phoenix", "sydney": "Australia/Sydney",
    "adelaide": "Australia/Adelaide", "paris": "Europe/Paris", "charlotte": "America/New_York",
    "orlando": "America/New_York", "madison": "America/Chicago", "jackson": "America/Chicago",
    "florence": "Europe/Rome", "georgia": "America/New_York", "india": "Asia/Kolkata",
    "brooklyn": "America/New_York", "raleigh": "America/New_York", "israel": "Asia/Jerusalem",
    "china": "Asia/Shanghai", "kenya": "Africa/Nairobi", "santiago": "America/Santiago",
    "virginia": "America/New_York", "carolina": "America/New_York",
    "indiana": "America/Indiana/Indianapolis", "montana": "America/Denver",
}
_PLACE_WORDS: Final = frozenset(place for place in _PLACES if " " not in place)
_PLACE_RE: Final = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(p) for p in sorted(_PLACES, key=len, reverse=True))
    + r")(?![\w])(?!\s*(?:marathon|half|10k|5k|ironman|fitness|times|post|style|cheesecake|"
      r"strip|pizza|city marathon))",
    _I,
)
_NAME_PLACE_RE: Final = re.compile(
    r"\b(?:in|from|near|around|outside|out of|at|to|live|living|based|located)\s+"
    r"(?:the\s+)?(?:greater\s+|downtown\s+|north\s+|south\s+|east\s+|west\s+)?("
    + "|".join(_NAME_LIKE_PLACES) + r")\b(?!\s*(?:marathon|half|10k|5k))"
    r"|\b(" + "|".join(_NAME_LIKE_PLACES) + r")(?:,?\s*(?:tx|texas|az|arizona|co|colorado|"
    r"nsw|australia|france|ga|nc|wi|fl|florida|ms|bc)\b|\s+(?:area|time))",
    _I,
)
_REGION_RE: Final = re.compile(
    r"\b(eastern|central|mountain|pacific|atlantic|western|alaska|hawaii)(?:\s+(?:time|"
    r"standard|daylight|tz|timezone|time zone|zone))\b"
    r"|\bon (eastern|central|mountain|pacific|atlantic|western)\b",
    _I,
)
_IANA_RE: Final = re.compile(r"\b([A-Za-z]+(?:_[A-Za-z]+)*/[A-Za-z]+(?:[_-][A-Za-z]+)*"
                             r"(?:/[A-Za-z_]+)?)\b")
_ABBREVIATION_RE: Final = re.compile(
    r"\b(" + "|".join(sorted({*_ABBREVIATIONS, *_FIXED_ABBREVIATIONS, "IST"}, key=len,
                             reverse=True)) + r")\b"
)


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    try:
        return {name.lower(): name for name in zoneinfo.available_timezones()}
    except Exception:  # no tz database at all: literal names are then simply not recognised
        return {}


def _valid_zone(name: str) -> str | None:
    canonical = _zone_names().get(name.lower())
    if canonical is None:
        return None
    try:
        zoneinfo.ZoneInfo(canonical)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return canonical


def _region_zone(word: str, country: str) -> str | None:
    word = word.lower()
    zones = _REGION_ZONES.get(country.upper(), _REGION_ZONES["US"])
    return zones.get(word) or _REGION_ZONES["US"].get(word)


def _timezone_hits(
    text: str, low: str, asked: bool, country: str
) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for match in _IANA_RE.finditer(text):
        zone = _valid_zone(match.group(1))
        if zone:
            found.append((match.start(), zone))
    for match in _PLACE_RE.finditer(low):
        place = match.group(1).lower()
        original = text[match.start(1):match.end(1)]
        if place in ("ny", "nj", "tx") and original.islower() and not asked:
            continue
        found.append((match.start(), _PLACES[place]))
    # "LA", "SF", "DC": only as capitals, since "la" and "sf" are also ordinary text.
    for match in re.finditer(r"(?<![\w.])(LA|L\.A\.|SF|DC)(?![\w])(?!\s*(?:fitness|Fitness))",
                             text):
        found.append((match.start(), {"LA": "America/Los_Angeles", "L.A.": "America/Los_Angeles",
                                      "SF": "America/Los_Angeles",
                                      "DC": "America/New_York"}[match.group(1)]))
    for match in _NAME_PLACE_RE.finditer(low):
        place = (match.group(1) or match.group(2)).lower()
        found.append((match.start(), _NAME_LIKE_PLACES[place]))
    for match in _REGION_RE.finditer(low):
        zone = _region_zone(match.group(1) or match.group(2), country)
        if zone:
            found.append((match.start(), zone))
    for match in _ABBREVIATION_RE.finditer(text if not asked else _upper(text)):
        abbreviation = match.group(1)
        if abbreviation in ("ET", "CT", "MT", "PT", "AST") and not re.search(
                r"(?:\d|am|pm)\s*$", low[max(0, match.start() - 6):match.start()]):
            continue
        if abbreviation == "IST":
            found.append((match.start(), _IST.get(country.upper(), "Asia/Kolkata")))
        elif abbreviation in _FIXED_ABBREVIATIONS:
            found.append((match.start(), _FIXED_ABBREVIATIONS[abbreviation]))
        else:
            zone = _region_zone(_ABBREVIATIONS[abbreviation], country)
            if zone:
                found.append((match.start(), zone))
    if asked:
        for match in re.finditer(
                r"(?:^|\n)[\s\w']{0,20}?\b(eastern|central|mountain|pacific|atlantic|western)\b",
                low):
            zone = _region_zone(match.group(1), country)
            if zone:
                found.append((match.start(1), zone))
        for match in re.finditer(r"\b(" + "|".join(_NAME_LIKE_PLACES) + r")\b", low):
            found.append((match.start(), _NAME_LIKE_PLACES[match.group(1)]))
    return found


# --------------------------------------------------------------------------------------------
# Send time
# --------------------------------------------------------------------------------------------

_TIME_RE: Final = re.compile(
    r"\b(?:(?P<noon>noon|midday)"
    r"|(?P<qp>half|quarter) past (?P<qph>\d{1,2})"
    r"|quarter to (?P<qth>\d{1,2})"
    r"|(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?\s*(?P<ap>[ap])\.?\s?m\b\.?"
    r"|(?P<h2>\d{1,2}):(?P<m2>\d{2})\b"
    r"|(?P<at>at|around|about|by|before|after|for)\s+(?P<h3>\d{1,2})(?!\d)"
    r"(?:[:.](?P<m3>\d{2}))?"
    r"(?:\s*(?:ish|o'?clock))?\b(?!\s*(?:min|minutes|hours?|hrs?|days?|x\b|times|kg|kilos?|"
    r"lbs?|pounds|k\b|km|miles?|%|/|years?|yrs?|reps?|sets?|weeks?|months?|[.:]\d))"
    r"|(?P<h4>\d{1,2})\s*(?:ish|o'?clock)\b"
    r"|(?P<h5>\d{1,2})(?:[:.](?P<m5>\d{2}))?\s+in the (?P<part>morning|evening|afternoon)"
    r"|(?P<h6>\d{1,2})\s+at night)",
    _I,
)
_EVENING: Final = re.compile(r"\b(?:evening|evenings|night|tonight|after work|pm)\b", _I)
_SEND_WORDS: Final = re.compile(
    r"\b(?:text|texts|txt|send|sent|message|msg|remind|reminder|ping|hit me|notify|get it|"
    r"receive|works|work for me|is good|is best|is fine|is perfect|suits|prefer|ideal)\b|"
    r"\bmornings?\s+(?:at|around|by)\b",
    _I,
)
_TRAINING_WORDS: Final = re.compile(
    r"\b(?:train|training|workout|work out|lift|lifting|gym|run|running|exercise|session)\b", _I
)


def _time_of(match: re.Match[str], clause: str) -> time | None:
    groups = match.groupdict()
    try:
        if groups["noon"]:
            return time(12, 0)
        if groups["qp"]:
            hour = int(groups["qph"])
            minute = 30 if groups["qp"].lower() == "half" else 15
            return _daytime(hour, minute, clause)
        if groups["qth"]:
            hour = int(groups["qth"]) - 1 or 12
            return _daytime(hour, 45, clause)
        if groups["h1"]:
            spec = f"{groups['h1']}:{groups['m1'] or '00'}{groups['ap'].lower()}m"
            return parse_clock_time(spec)
        if groups["h2"]:
            hour = int(groups["h2"])
            return _daytime(hour, int(groups["m2"]), clause) if hour <= 12 else parse_clock_time(
                f"{hour}:{groups['m2']}")
        if groups["h3"]:
            return _daytime(int(groups["h3"]), int(groups["m3"] or 0), clause)
        if groups["h4"]:
            return _daytime(int(groups["h4"]), 0, clause)
        if groups["h5"]:
            hour = int(groups["h5"])
            minute = int(groups["m5"] or 0)
            if groups["part"].lower() != "morning" and hour < 12:
                hour += 12
            return parse_clock_time(f"{hour}:{minute:02d}")
        if groups["h6"]:
            hour = int(groups["h6"])
            return parse_clock_time(f"{hour + 12 if hour < 12 else hour}:00")
    except ValueError:
        return None
    return None


def _daytime(hour: int, minute: int, clause: str) -> time:
    """A clock time without am/pm: morning unless the athlete says evening (a morning text)."""
    if 1 <= hour <= 11 and _EVENING.search(clause):
        hour += 12
    return parse_clock_time(f"{hour}:{minute:02d}")


def _send_time_hits(low: str, texts: list[tuple[int, str]], asked: bool) -> list[
        tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for match in _TIME_RE.finditer(low):
        left, right = _clause(low, match.start(), match.end())
        clause = low[left:right]
        if match.group("at") and match.group("at").lower() in ("for", "before", "after") \
                and not asked:
            continue
        if not asked:
            corrected = bool(found) and re.search(
                r"\b(?:actually|no wait|wait|sorry|i mean|make it|make that|change it to)\W*$",
                low[left:match.start()])
            if not _SEND_WORDS.search(clause) and not corrected:
                continue
            if _TRAINING_WORDS.search(clause) and not re.search(
                    r"\b(?:text|txt|send|message|msg|remind|ping)\b", clause):
                continue
        when = _time_of(match, clause)
        if when is not None:
            found.append((match.start(), f"{when.hour:02d}:{when.minute:02d}"))
    if asked and not found:
        for offset, text in texts:
            bare = re.fullmatch(r"\W*(\d{1,2})(?:[:.]?(\d{2}))?\s*(ish)?\W*", _lower(text))
            if bare and (bare.group(2) or len(bare.group(1)) <= 2):
                try:
                    when = _daytime(int(bare.group(1)), int(bare.group(2) or 0), text)
                except ValueError:
                    continue
                found.append((offset, f"{when.hour:02d}:{when.minute:02d}"))
    return found


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------

_METRIC: Final = re.compile(r"\b(?:kgs?|kilos?|kilograms?|metric)\b|\d\s*kgs?\b", _I)
_IMPERIAL: Final = re.compile(r"\b(?:lbs?|pounds|imperial)\b|\d\s*lbs?\b", _I)


def _units_hits(low: str) -> list[tuple[int, Units]]:
    found: list[tuple[int, Units]] = []
    patterns: tuple[tuple[Units, re.Pattern[str]], ...] = (
        ("metric", _METRIC), ("imperial", _IMPERIAL))
    for units, pattern in patterns:
        for match in pattern.finditer(low):
            if not _negated(low, match.start(), max_words=1):
                found.append((match.start(), units))
    return found


# --------------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------------

_BARE_CORRECTION: Final = re.compile(
    r"\b(?:actually|make (?:it|that)|sorry|i mean|i meant|no wait|wait|scratch that|"
    r"correction|change (?:it|that) to)\W+(?:(?:make (?:it|that)|to|more like|like)\s+)?"
    r"(\d{1,3})\b(?!\s*(?:x|times|days?|mins?|minutes?|hours?|hrs?|am|pm|[:.]\d|k\b|kgs?|"
    r"lbs?|%|years?))",
    _I,
)


_T = TypeVar("_T")
Units = Literal["metric", "imperial"]


def _last(hits: list[tuple[int, _T]]) -> _T | None:
    if not hits:
        return None
    return max(hits, key=lambda hit: hit[0])[1]


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


def extract_profile(
    texts: Sequence[str], *, last_question: str | None = None, default_country: str = "US"
) -> ProfileUpdate:
    """Every profile fact stated in one turn's texts; None for anything not stated.

    ``last_question`` is the coach's previous message, used to read bare answers ("Sam", "3",
    "none"); ``default_country`` (from the athlete's phone number) settles region words like
    "Eastern" and "IST". Never raises: an extraction bug is logged and the turn reads as
    stating nothing, which only costs the athlete being asked again.
    """
    try:
        return _extract(texts, last_question=last_question, default_country=default_country)
    except Exception:
        logger.exception("offline profile extraction failed; treating the turn as empty")
        return _empty()


def _empty() -> ProfileUpdate:
    return ProfileUpdate(
        name=None, primary_goal=None, goal_detail=None, experience=None, days_per_week=None,
        session_minutes=None, equipment=None, training_location=None, injuries=None,
        training_days=None, timezone=None, send_time=None, units=None,
    )


def _extract(
    texts: Sequence[str], *, last_question: str | None, default_country: str
) -> ProfileUpdate:
    asked = field_asked(last_question)
    prepared: list[tuple[int, str]] = []
    offset = 0
    for raw in list(texts)[-_MAX_TEXTS:]:
        text = _prepare(raw if isinstance(raw, str) else "")
        prepared.append((offset, text))
        offset += len(text) + 1
    text = "\n".join(t for _, t in prepared)
    low = _lower(text)
    country = default_country if isinstance(default_country, str) else "US"

    names = _name_hits(text, low)
    if asked == "name" and not names:
        for start, piece in prepared:
            names.extend(_bare_name(piece, start))

    goal = _pick_goal(text, low, asked == "primary_goal")

    days = _days_hits(low, prepared, asked == "days_per_week")
    minutes = _minutes_hits(low, prepared, asked == "session_minutes")
    _apply_bare_corrections(low, days, minutes, asked)
    training_days = _training_days(low, asked == "days_per_week")
    days_per_week = _last(days)
    if days_per_week is None and training_days:
        days_per_week = len(training_days)

    equipment, location = _equipment(low, asked == "equipment")
    injuries = _injuries(text, low, asked == "injuries")

    return ProfileUpdate(
        name=_last(names),
        primary_goal=goal[0] if goal else None,
        goal_detail=goal[1] if goal else None,
        experience=_last(_experience_hits(low, prepared, asked == "experience")),
        days_per_week=days_per_week,
        session_minutes=_last(minutes),
        equipment=equipment,
        training_location=location,
        injuries=injuries,
        training_days=training_days,
        timezone=_last(_timezone_hits(text, low, asked == "timezone", country)),
        send_time=_last(_send_time_hits(low, prepared, asked == "send_time")),
        units=_last(_units_hits(low)),
    )
