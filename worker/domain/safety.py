"""Screening a turn's texts in code, before any agent runs.

Red flags (chest pain, fainting, numbness, a joint giving way, pain that wakes them at night,
not being able to bear weight, breathlessness at rest, dizziness, one spot on a bone that hurts
to press) get one answer whatever the
provider: stop, see a professional, today's session is cleared. Negation counts ("no chest
pain", "not dizzy", "never fainted"), so an athlete reassuring the coach is not sent to a
doctor.

The same screen notices requests the coach declines (its instructions, other athletes' data),
so both providers decline them in plain words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_I = re.IGNORECASE

RED_FLAGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chest_pain", re.compile(
        r"\bchest (?:pain|pains|tightness|pressure|hurts?|is tight|feels tight)\b"
        r"|\bpain in (?:my|the) chest\b|\bdolor (?:en el|de) pecho\b|\bdor no peito\b"
        r"|\bdolore al petto\b|\bbrustschmerz", _I)),
    ("fainting", re.compile(
        r"\b(?:faint(?:ed|ing)?|passed out|pass out|black(?:ed)? out|blacking out)\b"
        r"|\bme desmay[eé]\b|\bdesmaie?i\b|\bsvenut[oa]\b|\bohnm[aä]chtig\b", _I)),
    ("numbness", re.compile(
        r"\b(?:numb(?:ness)?|tingling|pins and needles|lost feeling)\b|\bentumecid|\bdormente\b",
        _I)),
    ("joint_gave_way", re.compile(
        r"\b(?:gave way|giving way|gives way|gave out|buckled)\b", _I)),
    ("night_pain", re.compile(
        r"\b(?:wakes? me (?:up )?(?:at night)?|woke me up|pain at night|hurts at night)\b",
        _I)),
    ("cant_bear_weight", re.compile(
        r"\bcan'?t (?:put|bear) (?:any )?weight\b|\bcannot (?:put|bear) weight\b"
        r"|\b(?:heard|felt) a pop\b", _I)),
    ("breathless", re.compile(
        r"\b(?:short of breath|can'?t (?:catch my|get my) breath|struggling to breathe)\b", _I)),
    ("dizzy", re.compile(r"\b(?:dizzy|dizziness|light[- ]?headed|mareado|tontura)\b", _I)),
    # One spot on a bone that hurts to press: the sign of a stress fracture, not shin splints.
    ("bone_point_pain", re.compile(
        r"\b(?:press|pressing|push|pushing|touch|touching|poke|poking)\s+(?:on\s+)?(?:the|my)\s+"
        r"(?:shin\s*)?bone\b[^.?!]{0,60}?\b(?:hurts?|pain(?:ful)?|sore|tender)\b"
        r"|\b(?:one|a|single)\s+(?:spot|point|place)\s+on\s+(?:the|my)\s+(?:shin\s*)?bone\b"
        r"|\bstress fracture\b", _I)),
    # Making weight by dehydrating: what a coach stops first, above all in a young athlete.
    ("unsafe_cut", re.compile(
        r"\b(?:trash|garbage|plastic) bags?\b|\b(?:sauna|rubber|plastic|sweat) suits?\b"
        r"|\bspit(?:ting)? (?:in(?:to)?|in a) (?:a )?(?:bottle|cup)\b|\blaxatives?\b"
        r"|\bdiuretics?\b|\bno (?:water|fluids|drinking)\b[^.!?]{0,40}\b(?:weigh|cut|make)\w*"
        r"|\b(?:stop|quit) (?:drinking|eating)\b[^.!?]{0,40}\b(?:weigh|cut|make)\w*", _I)),
)
_NEGATION = re.compile(
    r"\b(?:no|not|never|without|don'?t|dont|didn'?t|didnt|isn'?t|wasn'?t|haven'?t|hasn'?t|"
    r"no longer|nor|zero|sin|sem|senza|kein\w*|nicht)\b", _I)
_CLAUSE = re.compile(r"[.;!?\n,]|\bbut\b|\bthough\b|\bpero\b|\bmas\b|\bma\b|\baber\b", _I)

REFERRAL = (
    "That needs a professional, not a training plan: please stop training and get it checked "
    "by a doctor or physio (urgent care or emergency services if it is severe or sudden). "
    "I've cleared today's session. Text me once you've been seen."
)
UNSAFE_CUT = (
    "Please don't cut that way: sweating in a bag, spitting and going without water drain your "
    "strength and can put you in hospital. Talk to your coach or athletic trainer (and your "
    "parents) about making weight safely: keep drinking water, eat normally, and if the class "
    "isn't reachable that way, wrestle up a class."
)


@dataclass(frozen=True)
class RedFlag:
    kind: str

    @property
    def answer(self) -> str:
        """What the coach says: a weight cut by dehydration gets its own answer; every other
        flag is a referral."""
        return UNSAFE_CUT if self.kind == "unsafe_cut" else REFERRAL

    @property
    def clears_session(self) -> bool:
        """Symptoms clear today's session; a cutting plan is stopped, not the training."""
        return self.kind != "unsafe_cut"


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u2019", "'")


def _negated(text: str, start: int) -> bool:
    """A negation earlier in the same clause, within a few words: "no chest pain"."""
    left = 0
    for match in _CLAUSE.finditer(text, 0, start):
        left = match.end()
    before = text[left:start]
    negations = list(_NEGATION.finditer(before))
    return bool(negations) and len(before[negations[-1].end():].split()) <= 4


def screen(texts: Sequence[str]) -> RedFlag | None:
    """The first red flag the texts report, negations and all, or None."""
    for raw in texts:
        text = _clean(raw)
        for kind, pattern in RED_FLAGS:
            for match in pattern.finditer(text):
                if not _negated(text, match.start()):
                    return RedFlag(kind)
    return None


DECLINES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("instructions", re.compile(
        r"\b(?:system prompt|your (?:prompt|instructions|rules|programming)|ignore (?:all |your "
        r"|the )?(?:previous|prior|above)|developer mode|jailbreak|what model are you)\b", _I)),
    ("other_athletes", re.compile(
        r"\b(?:other (?:people|ppl|users|athletes|clients|members)|other people'?s|everyone "
        r"else'?s|someone else'?s|another (?:user|athlete|client)'?s?|all (?:the )?(?:users|"
        r"phone numbers)|who else)\b", _I)),
)


def declines(texts: Sequence[str]) -> list[str]:
    """What in these texts the coach declines: its instructions, other athletes' data."""
    joined = _clean(" ".join(texts))
    return [kind for kind, pattern in DECLINES if pattern.search(joined)]
