"""The name an athlete wants to be called, from the ways people introduce themselves.

"My name is Fatima", "Dev here", "soy Maria" (read as "I'm Maria"), "Priya, 41, Chicago",
"Omar. mostly bw at home", "Hi - Raj.", a name signed at the end of a text ("... Margaret"),
and, when the coach just asked for it, a bare "Sam". A word is a name only if it could be one:
not a state, a place, a feeling or a filler word ("I'm tired" names nobody; "Stop" is not a
name).
"""

from __future__ import annotations

import re
from typing import Final

from worker.domain.vocabulary import body_area, normalize_equipment
from worker.llm.offline.read.text import CI, lower
from worker.timezones import PLACE_WORDS, zone_for_place


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_NAME_STOP: Final = word_set("""
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
bodyweight calisthenics yoga pilates crossfit hiit zumba spin boxing bouldering climbing
swimming hiking cycling rowing lifting jogging walking dancing stretching mobility
skip pass later dunno idk nvm lol haha hmm um uh ugh wow omg
coach bot robot ai textcoach
soy de nuevo nueva principiante bien aqui
stop quit cancel end unsubscribe help info start done did finished listo hecho fatto feito
marathon runner gym workout workouts session plan question questions pregunta domanda
update quick random note fyi hmm also anyway real talk context current currently equipment
problema problem goal goals menopausal post-menopausal postmenopausal perimenopausal diabetic
asthmatic finshed finsihed finised donee ive
""")

_NAME_PART: Final = r"([^\W\d_][^\W\d_'\-]*(?:['\-][^\W\d_]+)*)"
_STRONG_NAME: Final = re.compile(
    r"\b(?:my name is|my name's|my names|name's|name is|name\s*:|call me|me llamo|"
    r"mi nombre es)\s+[\"']?" + _NAME_PART,
    CI,
)
#: "... i roll at 5. names Dale btw": "names" for "name's", only opening a sentence.
_NAMES_OPENING: Final = re.compile(
    r"(?:^|[.!?\n])\s*(?:names\s+[\"']?" + _NAME_PART + r"|(?:it'?s|its)\s+" + _NAME_PART
    + r"(?=\s+(?:btw|by the way)\b|\s*[!.]?\s*$))", CI)
_WEAK_NAME: Final = re.compile(r"\b(i'm|im|i am|this is|soy)\s+[\"']?" + _NAME_PART, CI)
_GREETING: Final = (
    r"(?:(?:hi|hey|hello|hiya|yo|howdy|hola|ok|okay|sure|yes|yeah|yep|yup|of course|"
    r"good morning|morning|oh)\b[\s,!.:-]*)*"
)
_HERE_NAME: Final = re.compile(r"(?:^|\n)\s*" + _GREETING + _NAME_PART + r"\s+here\b", CI)
NAME_PREFIX: Final = re.compile(
    r"^\s*(?:(?:hi|hey|hello|hiya|yo|howdy|hola|ok|okay|sure|yes|yeah|yep|yup|of course|"
    r"it'?s|its|it is|i'?m|im|i am|my name is|my name'?s|name'?s|name is|name\s*:|call me|"
    r"this is|just|me llamo|soy|oh)\b[\s,!.:-]*)+",
    CI,
)
_AFTER_NAME_BAD: Final = re.compile(
    r"\s*-?\s*(?:based|born|native|local|years?|yrs?|y/?o|lbs?|kg|ft|cm|time)\b", CI
)
_AFTER_NAME_END: Final = re.compile(
    r"[\"']?\s*(?:$|[,.!?;:\n)(]|-|\d|and\b|here\b|btw\b|lol\b|haha\b|from\b|by the way\b|"
    r"i'?m\b|i am\b)", CI
)


def _titlecase(token: str) -> bool:
    return token[:1].isupper() and any(c.islower() for c in token[1:])


def _name_token_ok(token: str, *, weak: bool) -> bool:
    """Whether ``token`` could be a first name rather than a state, place or filler word."""
    lowered = token.lower()
    if not 2 <= len(token) <= 20 or lowered in _NAME_STOP or lowered in PLACE_WORDS:
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
    for match in [*_STRONG_NAME.finditer(text), *_NAMES_OPENING.finditer(text)]:
        token = match.group(1) or match.group(2)
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
    stripped = NAME_PREFIX.sub("", text)
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

_LEADING_NAME: Final = re.compile(
    r"^\W*(?:(?:hi|hey|hello|hiya|yo|hola|oi|ok)\b\W*)?" + _NAME_PART
    + r"(?=\s*,\s*\d{2}\b|\s*\.\s|\s*\.$|\s+here\b|\s+by the way\b|\s+btw\b|\s*-\s)",
    CI)
_SIGNATURE: Final = re.compile(r"(?:[.!?]\s+|\n\s*|\s-\s*)" + _NAME_PART + r"\W*$")
_NAMES_IS: Final = re.compile(r"^\W*names?\s+" + _NAME_PART, CI)


def leading_name(text: str) -> str | None:
    """A name that opens a text: "Priya, 41, ...", "Omar. mostly bw", "Hi - Raj."."""
    for pattern in (_LEADING_NAME, _NAMES_IS):
        match = pattern.search(text)
        if match is not None and _name_token_ok(match.group(1), weak=True) and (
                _titlecase(match.group(1)) or pattern is _NAMES_IS):
            return _format_name(match.group(1))
    return None


_LONE: Final = re.compile(r"\W*([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)\W*")


def lone_name(text: str) -> str | None:
    """A text that is one capitalised word and nothing a coach would read otherwise ("Sam",
    "Fatima!"): someone saying who they are, unasked."""
    match = _LONE.fullmatch(text)
    if match is None:
        return None
    token = match.group(1)
    parts = re.split(r"[-']", token)
    if not all(_name_token_ok(p, weak=False) for p in parts if len(p) > 1) or zone_for_place(
            token) or normalize_equipment([token]) or body_area(token):
        return None
    return None if len(token) >= 6 and token.lower().endswith("ing") else token


def signature(text: str) -> str | None:
    """A name signed at the end of a text: "... that would be lovely. Margaret"."""
    match = _SIGNATURE.search(text)
    if match is None or not _titlecase(match.group(1)):
        return None
    token = match.group(1)
    return _format_name(token) if _name_token_ok(token, weak=False) else None


def read_name(texts: list[str], *, asked: bool, known: str | None = None) -> str | None:
    """The name stated across the texts, or None: "my name is" beats "I'm ...", and once a
    name is known only a clear statement changes it (a text opening "Finshed." names
    nobody)."""
    strong: list[str] = []
    weak: list[str] = []
    for text in texts:
        strong += [_format_name(m.group(1)) for m in _STRONG_NAME.finditer(text)
                   if _name_token_ok(m.group(1), weak=False)]
        weak += [name for _, name in _name_hits(text, lower(text))]
        if known is None:
            weak += [c for c in (leading_name(text), signature(text), lone_name(text)) if c]
            if asked and not weak:
                weak += [name for _, name in _bare_name(text, 0)]
    if strong:
        return strong[-1]
    return weak[-1] if weak else None
