"""Preparing texts for the readers: clean, translated where needed, cut into statements.

Athletes mix languages, ask questions in the middle of answers and mention other people's
things. Before any fact is read, each text is cleaned (straight quotes, no emoji), the common
words of the languages it mixes in are put into English (:mod:`.glossary`), numbers in words
become digits, and it is cut into sentences. Information questions ("do I need a bench?") and
clauses about someone else's things or numbers ("my buddy just pulled 200kg", "the neighbour
is selling a rower") are dropped: they state nothing about the athlete. What is left is the
statement text the field readers match against, together with the helpers they share
(clauses, negation, correction segments).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from worker.llm.offline.read.glossary import languages as detect_languages
from worker.llm.offline.read.glossary import translate

MAX_TEXT: Final = 1600
MAX_TEXTS: Final = 20
#: Case-insensitive matching, the flag every reader uses.
CI: Final = re.IGNORECASE


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
    CI,
)
# "actually 4 days not 3": drop the rejected value so "last value wins" sees only the 4.
_WEEKDAY: Final = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*"
REJECTED_VALUE: Final = re.compile(
    r"\b(?:not|instead of|rather than|no longer)\s+(?:just\s+)?\d{1,3}(?:[:.]\d{2})?"
    r"(?:\s*(?:-|to|or)\s*\d{1,3})?\s*(?:x\b|times\b|days?\b|mins?\b|minutes?\b|hours?\b|"
    r"hrs?\b|[ap]\.?m\b\.?|ish\b)?"
    # "tue thu sat instead of mon wed sat": the days being replaced ("not monday" is a day
    # ruled out, read as such, so only these two words)
    rf"|\b(?:instead of|rather than)\s+(?:the\s+)?(?:old\s+)?{_WEEKDAY}"
    rf"(?:\s*(?:,|&|and|/)?\s*{_WEEKDAY})*",
    CI,
)


#: "Gym ✅": a check mark after a session is how many athletes say it is done.
_CHECK_MARK: Final = re.compile(r"(?<=\w)\s*[\u2705\u2714\u2611]\ufe0f?")
_SAID_DONE: Final = re.compile(r"\b(?:done|did it|finished|fait|feito|hecho|fatto|gemacht)\W*$",
                               re.IGNORECASE)


def _check_mark(text: str, mark: re.Match[str]) -> str:
    """"Gym ✅ how heavy...?" is "Gym done." then the question; "squat fait ✅ 90kg 4x5" keeps
    its numbers with the exercise."""
    numbers_follow = bool(re.match(r"\s*\d", text[mark.end():]))
    done = "" if _SAID_DONE.search(text, 0, mark.start()) else " done"
    return f"{done} " if numbers_follow else f"{done}. "


def clean_text(text: str) -> str:
    """Plain text to match against: straight quotes, ASCII dashes, no emoji or controls (a
    check mark after a word is the word "done")."""
    text = _CHECK_MARK.sub(lambda m: _check_mark(text, m), text)
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


def number_words(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        if match.group(1):
            value = _TENS[match.group(1).lower()]
            if match.group(2):
                value += _SMALL_NUMBERS[match.group(2).lower()]
            return str(value)
        return str(_SMALL_NUMBERS[match.group(3).lower()])

    return _NUMBER_WORD.sub(repl, text)


def lower(text: str) -> str:
    """Lowercase without changing the length, so match offsets stay valid in the cased text."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def upper(text: str) -> str:
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in text)





CLAUSE_BREAK: Final = re.compile(
    r"[;!?\n,()]|(?<!\d)\.|\.(?!\d)|\bbut\b|\bthough\b|\bhowever\b|\bexcept\b"
    r"|\bapart from\b|\bother than\b|\bbesides\b",
    CI,
)
CORRECTION: Final = re.compile(
    r"\b(?:actually|scratch that|i mean|i meant|no wait|wait no|correction|on second thought"
    r"|change (?:that|it) to|make (?:that|it))\b",
    CI,
)
NEGATION: Final = re.compile(
    r"\b(?:no|not|never|without|don'?t|dont|doesn'?t|didn'?t|haven'?t|havent|hasn'?t|"
    r"can'?t|cant|cannot|won'?t|isn'?t|aren'?t|hate|avoid|skip|lack|nor|zero|none|nada|sin|ni|sem|sans|pas|kein\w*|nicht)\b",
    CI,
)
_UNNEGATE: Final = re.compile(
    r"\b(?:besides|apart|aside|other than|just|only|instead|rather|so|anymore|any more)\b", CI
)


def clause(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the clause around ``text[start:end]``: commas, full stops, "but" end one."""
    left = max(0, start - 200)
    for match in CLAUSE_BREAK.finditer(text, left, start):
        left = match.end()
    right_match = CLAUSE_BREAK.search(text, end, end + 200)
    right = right_match.start() if right_match else min(len(text), end + 200)
    return left, right


def sentence_bounds(text: str, at: int) -> tuple[int, int]:
    """Bounds of the sentence around ``text[at]`` (full stops, ! ? and new lines end one)."""
    left = max((m.end() for m in re.finditer(r"[.!?\n]", text[:at])), default=0)
    right = re.search(r"[.!?\n]", text[at:])
    return left, at + right.start() if right else len(text)


def negated(low: str, start: int, *, max_words: int = 5) -> bool:
    """Whether a negation governs the match starting at ``start`` ("I don't have a bench")."""
    left, _ = clause(low, start, start)
    before = low[left:start]
    last = None
    for match in NEGATION.finditer(before):
        last = match
    if last is None:
        return False
    after = before[last.end():]
    if _UNNEGATE.search(after):
        return False
    return len(after.split()) <= max_words


def segments(low: str) -> list[tuple[int, int]]:
    """The text cut at correction markers ("actually", "make it"): later segments override."""
    cuts = [m.start() for m in CORRECTION.finditer(low)]
    bounds = [0, *cuts, len(low)]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


FILLER_PREFIX: Final = re.compile(
    r"^(?:\s|and\b|also\b|plus\b|so\b|oh\b|um+\b|well\b|ok\b|okay\b|yeah\b|yes\b|"
    r"mainly\b|mostly\b|honestly\b|really\b|basically\b|just\b|"
    r"i\s+(?:really\s+|just\s+|mainly\s+|mostly\s+)?(?:want|wanna|would like|'d like|need|"
    r"hope|am hoping|'m hoping|am trying|'m trying|am looking|'m looking)(?:\s+to)?\b|"
    r"i'?d like to\b|i'?m hoping to\b|i'?m trying to\b|i'?m looking to\b|"
    r"i'?ve got\b|i have\b|i got\b|got\b|have\b|"
    r"want to\b|wanna\b|trying to\b|looking to\b|hoping to\b|"
    r"my (?:main |primary |big )?goal(?: is| would be|'s)?(?: to)?\b|goal\s*:|to\b|[-:'\"])+",
    CI,
)


def tidy(fragment: str) -> str:
    """One line, without the filler an athlete wraps a fact in ("and I want to ...")."""
    phrase = re.sub(r"\s+", " ", fragment).strip()
    return FILLER_PREFIX.sub("", phrase).strip(" -:'\".")


def phrase(text: str, start: int, end: int, *, limit: int = 60) -> str:
    """The athlete's own words around a match, short enough to store and repeat back."""
    left, right = clause(text, start, end)
    phrase = tidy(text[left:right])
    if len(phrase) > limit or not phrase:
        words_before = text[left:start].split()[-3:]
        words_after = text[end:right].split()[:3]
        phrase = " ".join([*words_before, text[start:end].strip(), *words_after])
        phrase = re.sub(r"\s+", " ", phrase).strip(" -:'\".")[:limit].strip()
    return phrase or text[start:end].strip()


# --------------------------------------------------------------------------------------------

ONE_OFF: Final = re.compile(
    r"\b(?:today|tonight|tomorrow|yesterday|this (?:week|morning|evening|afternoon|time)|"
    r"next week|right now)\b",
    CI,
)
#: Words of a workout report ("Done! 45 min"): numbers in it describe one session, not a habit.
REPORT: Final = re.compile(
    # "I have never done anything of this sort" reports no session
    r"\b(?<!never )(?<!not )(?<!n't )(?:done|did|finished|completed|crushed|smashed|took me|"
    r"logged|just got back)\b", CI
)


def one_off(low: str, start: int, end: int) -> bool:
    """Whether a number describes one day ("20 min today", "Done! 45 min") not the routine."""
    if ONE_OFF.search(low, *clause(low, start, end)):
        return True
    line_start = low.rfind("\n", 0, start) + 1
    line_end = low.find("\n", end)
    return bool(REPORT.search(low, line_start, line_end if line_end >= 0 else len(low)))


def prepare(
    text: str, languages: Sequence[str] | None = None, *, drop_rejected: bool = True
) -> str:
    """A text cleaned, its glossary words in English, numbers as digits, and (for reading
    profile facts) rejected values out ("4 days not 3" keeps the 4).

    ``languages`` (from the whole turn) lets a short text in a mixed conversation be read in
    the language the rest of the turn shows.
    """
    text = number_words(translate(clean_text(text[:MAX_TEXT]), languages))
    return REJECTED_VALUE.sub(" , ", text) if drop_rejected else text


# --- Sentences: statements, questions, other people ------------------------------------------

_SENTENCE_END: Final = re.compile(r"(?<=[!?;\n])|(?<=\.)(?=\s)|(?<=\.)$|\s{2,}")
_LEAD: Final = (r"^\W*(?:(?:ok|okay|so|also|and|but|oh|hey|yo|q|question|random q|real talk|"
                r"wait|pregunta|domanda|quick q|lol|haha|um+|hmm+)\W+)*")
_AUX: Final = (r"(?:is|are|was|were|do|does|did|should|can|could|would|will|'?s|s|about|"
                r"time|weight|kind|much|many|long|heavy|often|else|if)")
_INTERROGATIVE: Final = re.compile(
    _LEAD + r"(?:(?:what|how|why|when|where|which|who)\s+" + _AUX + r"\b|what'?s|whats|"
    r"is|are|was|were|"
    r"(?:do|does|did)\s+(?:i|you|u|we|they|he|she|my)|"
    # "will it hurt?", "should I"; not "will do, thanks" or "would love to"
    r"(?:should|shall|will|would)\s+(?:i|you|u|we|they|he|she|it|this|that|these|those|my|"
    r"the|there|a|an|doing|going)|am i|can i|"
    r"could i|may i|can u|can you|could you|is it|is that|any (?:tips|advice|idea)|ok to|"
    r"okay to|is this)\b|^[^?]*(?<!as for )(?<!as to )\b(?:what|how|why|when|where|which)\b"
    r"[^.!]*\?\s*$", CI)
_REQUEST: Final = re.compile(
    r"\b(?:can|could|would|will)\s+(?:you|u|ya)\b.{0,40}?\b(?:send|text|txt|message|msg|"
    r"schedule|make|change|move|switch|put|set)\b|\b(?:please|pls|plz)\b.{0,30}?\b(?:send|text|"
    r"make|change|move)\b", CI)
#: "Would half past eight suit?", "does 3 days a week work?": a proposal, answered by the
#: athlete as a question; it states what they want.
_PROPOSAL: Final = re.compile(
    r"^\W*(?:would|will|does|how about|what about)\b[^?]{1,70}?\b(?:suit|work|do|be (?:ok|okay|"
    r"fine|alright|all right|possible))\b(?!\s+(?:i|to)\b)", CI)
_ASK_ABOUT: Final = re.compile(
    r"\b(?:do|should|can|could|would)\s+i\s+(?:need|buy|get|use|do|try|add|keep|skip|drop)\b"
    r"|\bis (?:it|that|this) (?:ok|okay|safe|normal|bad|fine|good)\b"
    r"|\b(?:ok|okay|safe|normal|bad) (?:for|with) my\b", CI)
OTHERS: Final = re.compile(
    r"\b(?:(?:my|his|her|our|their|a|the)\s+)?(?:(?:best|old|work|gym)\s+)?(?:friend|friends|"
    r"buddy|bud|mate|neighbou?r|roommate|room mate|flatmate|husband|wife|partner|boyfriend|"
    r"girlfriend|bf|gf|cousin|primo|prima|coworker|co-worker|colleague|trainer|guy at the gym|"
    r"novio|novia|amig[oa]|freund|freundin|marido|esposa|esposo|vizinh[oa]|vecin[oa]|"
    r"guy|dude|lady|girl|someone|somebody|stranger)s?"
    r"(?:'s)?\b"
    r"|\b(?:my|his|her|our|their)\s+(?:(?:father|mother|brother|sister)-in-law|in-laws|boy|son|"
    r"daughter|grandson|granddaughter|sister|brother|sis|bro|mom|mum|mother|dad|father|boss|"
    r"kids?|uncle|aunt|grandpa|grandma)(?:'s)?\b", CI)
#: After another person's name, what makes the clause about them: what they have or do.
_THEIR_THING: Final = re.compile(
    r"\s*(?:'s\b|(?:(?!i\b)\w+\s+){0,4}(?:has|have|had|got|gets|owns|own|uses|use|used|does|did|is|"
    r"was|says|said|keeps|bought|buys|gave|lent|lends|swears|trains|lifts|runs|hat|tem|tiene|"
    r"pulled|benched|squatted|deadlifted|lifted|hit|ran|pr'?d|maxed|"
    r"does|do|can|could|let|lets|wants|thinks|compr[oó]|comprou|usa|faz|hace|tiene|gekauft|"
    r"kaufte|benutzt|ha comprato|usa)\b)", CI)
_HOUSEHOLD: Final = re.compile(r"\b(?:husband|wife|partner)\b", CI)
_AT_HOME: Final = re.compile(r"\b(?:garage|basement|at home|in the house|in our|home gym)\b", CI)
_REJECTED: Final = re.compile(
    r"\b(?:no thanks|nah|not touching|not happening|no way|ni loca|lol no|so no(?=\s*(?:$|[.,!;]))|"
    r"not for me|"
    r"not interested|not gonna|i'?m good w(?:ith)?|wife says no)\b", CI)
_HYPOTHETICAL: Final = re.compile(
    r"\b(?:might|maybe (?:someday|one day)|someday|one day|tempted|thinking (?:of|about) "
    r"(?:buying|getting)|(?:want|plan|going) to buy|if i (?:buy|get)|not sure yet|lend me|"
    r"keeps? (?:saying|telling)|swears by|wants me to)\b", CI)
_CLAUSE_END: Final = re.compile(r"[,;:]\s|\bbut\b|\bthough\b|\bhowever\b|\s-\s", CI)


@dataclass(frozen=True)
class Sentence:
    text: str
    kind: str  # statement, question or request

    @property
    def states_facts(self) -> bool:
        return self.kind != "question"


def is_question(sentence: str) -> bool:
    """An information question: "do I need a bench?", "is it ok for my back?"."""
    stripped = sentence.strip()
    if not stripped:
        return False
    if _REQUEST.search(stripped) or _PROPOSAL.search(stripped):
        return False
    return bool(_INTERROGATIVE.search(stripped) or _ASK_ABOUT.search(stripped)
                or _ELLIPTIC.match(stripped))


#: A question by its tone alone: "that bad?", "normal?", "too heavy?".
_ELLIPTIC: Final = re.compile(
    r"^(?:is\s+)?(?:(?:that|this|it)(?:'s|\s+is)?\s+)?(?:bad|normal|ok|okay|serious|too much|"
    r"too heavy|too light|enough|fine|safe|a problem)\s*\?+$", CI)


_QUESTION_TAIL: Final = re.compile(r"^\W*(?:(?:like|about|maybe|around|roughly|or)\b|~)\W*\S+"
                                   r"(?:\s+\S+){0,3}\W*$", CI)


def sentences(text: str) -> list[Sentence]:
    """A text cut into sentences, each marked statement, request or question."""
    found: list[Sentence] = []
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if not piece:
            continue
        kind = "question" if is_question(piece) else (
            "request" if _REQUEST.search(piece) or _PROPOSAL.search(piece) else "statement")
        if found and found[-1].kind == "question" and _QUESTION_TAIL.match(piece):
            kind = "question"  # "extra curls on wed? like 15 min": still the question
        found.append(Sentence(piece, kind))
    return found


def without_others(sentence: str) -> str:
    """The sentence without clauses about other people's things, hypotheticals or rejections."""
    out = sentence
    for pattern in (OTHERS, _HYPOTHETICAL):
        position = 0
        while True:
            match = pattern.search(out, position)
            if match is None:
                break
            if pattern is OTHERS and _household(out, match):
                break
            position = match.end()
            if pattern is OTHERS and not _THEIR_THING.match(out, match.end()):
                continue  # "weekends I have my son": the athlete's own plans, kept
            end_match = _CLAUSE_END.search(out, match.end())
            end = end_match.start() if end_match else len(out)
            out = out[:match.start()] + " " * (end - match.start()) + out[end:]
    segments = [s for s in re.split(r"(,|;|\bbut\b)", out)]
    # "nah make it 3pm": the rejection is of what came before; what replaces it is kept.
    kept = [s for s in segments if not _REJECTED.search(s) or CORRECTION.search(s)]
    return "".join(kept)


def _household(text: str, match: re.Match[str]) -> bool:
    """A partner's kit at home that the athlete uses ("my husband has a rack in the garage")."""
    if not _HOUSEHOLD.search(match.group(0)):
        return False
    return bool(_AT_HOME.search(text)) and not _REJECTED.search(text)


def turn_languages(texts: Sequence[str]) -> list[str]:
    return detect_languages(" ".join(clean_text(t) for t in texts if isinstance(t, str)))


#: Sentences about a trip state nothing about the athlete's routine ("back Thu the 23rd").
TRIP_TALK: Final = re.compile(r"\b(?:going to|flying|fly out|flight|trip|travell?ing|back "
                              r"(?:on|home|from(?! (?:a |an |my )?(?:\w+ )?(?:injury|flare|"
                              r"break|surgery|disc|baby|pregnancy|illness|hiatus|layoff)))"
                              r"|back in (?!shape|the gym|training|it\b|action)"
                              r"|away (?:for|next)|jet lag|the hotel|hotel (?:has|gym =|gym has))"
                              r"(?!\w)", CI)  # a trip, not a triple
#: Sentences about a session done or a time long past describe no equipment owned now.
_LOGGED: Final = re.compile(r"\b(?:did|done|finished|\d+\s*x\s*\d+|sets? of|reps)\b", CI)
_PAST_TIME: Final = re.compile(r"\b(?:video|youtube|tiktok|instagram|online|saw|watched|"
                               r"article|last (?:year|yr|month)|used to|in (?:high school|college)|"
                               r"back then|years ago|tried|on and off|since|when i was)\b",
                               CI)


def without(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` without the sentences ``pattern`` finds."""
    return " ".join(s.text for s in sentences(text) if not pattern.search(s.text))


#: When a thing was bought ("bought it 2 years ago"): they still own it, so not an old time.
_BOUGHT_AGO: Final = re.compile(r"\b(?:bought|got|ordered|picked up)\s+(?:it|them|one|that|"
                                r"those)\b[^.;]{0,20}?\b(?:years?|months?|weeks?) ago\b", CI)


def kit_text(text: str) -> str:
    """What can describe the equipment owned now: no logs, no old times."""
    return without(without(_BOUGHT_AGO.sub(" ", text), _LOGGED), _PAST_TIME)


def statements(texts: Sequence[str], *, on_trip: bool = False) -> list[str]:
    """Each text prepared and reduced to what it states about the athlete. Trip talk is left
    out ("back Thu the 23rd" is no training day), except while away, when "the hotel gym has
    dumbbells" describes where they are."""
    kept: list[str] = []
    spoken = turn_languages(texts)
    for raw in list(texts)[-MAX_TEXTS:]:
        text = prepare(raw if isinstance(raw, str) else "", spoken)
        parts = [without_others(s.text) for s in sentences(text)
                 if s.states_facts and (on_trip or not TRIP_TALK.search(s.text))]
        kept.append(" ".join(p.strip() for p in parts if p.strip()))
    return kept


def questions(texts: Sequence[str]) -> list[str]:
    """The information questions in the texts, prepared (for the coach's answers)."""
    found: list[str] = []
    spoken = turn_languages(texts)
    for raw in texts:
        found += [s.text for s in sentences(prepare(raw, spoken)) if s.kind == "question"]
    return found
