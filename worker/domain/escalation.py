"""When the coach asks for a person, and what the athlete is told when it does.

Three reasons, the same on every provider:

- a **red flag** (:mod:`.safety`): always, after the referral;
- **repeated confusion**: the athlete's texts say they are lost ("??", "what?", "i don't
  understand", "that's not what I said", "no entiendo") in this turn and in the one before,
  with the coach's answer between: a second wrong answer would not help, a person will;
- the athlete **asked for a person** ("can I talk to a real human?"): read by the language
  layer (a model, or the offline reader) into the ``request_human`` tool call.

The first two are decided here, in code, before any agent runs. Detection is conservative: a
text counts only when it is about not following the coach, so "what time?" or "I don't
understand why my knee hurts" is a question to answer, not confusion.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from worker.domain.context import Line
from worker.domain.safety import RedFlag

HelpReason = Literal["red_flag", "confusion", "asked_for_person"]

#: How much of the athlete's texts a request's detail keeps for the person reading it.
DETAIL_LIMIT: Final = 280
#: A text longer than this says more than that it is lost: the coach answers it.
CONFUSED_MAX_WORDS: Final = 30


@dataclass(frozen=True)
class Escalation:
    """A request for a person the domain decided on: why, and what the person should read."""

    reason: HelpReason
    detail: str


# -- What the athlete is told -------------------------------------------------------------------
#: After a red flag's referral, which stays first.
RED_FLAG_FOLLOW_UP: Final = "A person from our team will also text you here."
_ASKED_OPENED: Final = "Sure: I've asked a person from our team to text you here."
_ASKED_OPEN: Final = "A person from our team already has your message and will text you here."
_LOST: Final = "Sorry, I'm not getting this right."
_LOST_OPENED: Final = (f"{_LOST} I've asked a person from our team to look at our "
                       "conversation; they'll text you here.")
_LOST_OPEN: Final = (f"{_LOST} A person from our team already has our conversation and will "
                     "text you here.")


def told(reason: HelpReason, opened: bool) -> str:
    """The sentence the athlete gets: a person from the team will text them here. ``opened``:
    this asked for the person; otherwise a request was open already, and it says so."""
    if reason == "red_flag":
        return RED_FLAG_FOLLOW_UP
    if reason == "confusion":
        return _LOST_OPENED if opened else _LOST_OPEN
    return _ASKED_OPENED if opened else _ASKED_OPEN


def red_flag_reply(flag: RedFlag) -> str:
    """The referral (stop, get checked) first, then that a person will follow up."""
    return f"{flag.answer} {told('red_flag', True)}"


def for_red_flag(flag: RedFlag, texts: Sequence[str]) -> Escalation:
    """Every red flag gets a person: the referral is advice, someone should check on them."""
    return Escalation("red_flag", detail(texts, lead=flag.kind.replace("_", " ")))


def for_confusion(texts: Sequence[str], history: Sequence[Line]) -> Escalation | None:
    """A person, when the athlete is lost now and was in their previous turn too."""
    previous = previous_turn(history)
    if not (any(map(confused, texts)) and any(map(confused, previous))):
        return None
    lost = [t for t in previous if confused(t)][-1:] + [t for t in texts if confused(t)]
    return Escalation("confusion", detail(lost, lead="lost twice in a row"))


def detail(texts: Sequence[str], *, lead: str) -> str:
    """``lead`` and the athlete's words, short: what a person reads first in the console."""
    said = " | ".join(" ".join(t.split()) for t in texts if t.strip())
    return shortened(f"{lead}: {said}" if said else lead)


def shortened(text: str) -> str:
    """At most DETAIL_LIMIT characters, on one line."""
    text = " ".join(text.split())
    return text if len(text) <= DETAIL_LIMIT else text[:DETAIL_LIMIT - 1].rstrip() + "\u2026"


def previous_turn(history: Sequence[Line]) -> list[str]:
    """The athlete's texts of the turn before this one: their last texts that the coach then
    answered. Nothing when the coach has not answered since (there is no "in a row")."""
    index = len(history)
    while index and history[index - 1].who != "athlete":
        index -= 1
    if index == len(history):
        return []
    texts: list[str] = []
    while index and history[index - 1].who == "athlete":
        index -= 1
        texts.insert(0, history[index].text)
    return texts


# -- Confusion ------------------------------------------------------------------------------------
_I: Final = re.IGNORECASE
#: A whole text that is only this: "??", "what?", "huh", "whaaat", "wait what", "hein ?".
_BARE: Final = re.compile(
    r"^(?:(?:u+m+|u+h+|erm|sorry|wait|h+m+|o+k+|okay|lol)\s+)?"
    r"(?:w+h?a+t+|wu+t+|wha+|whu+t|wht|hu+h+|say what|come again|quoi|hein|h[äa]h|hä|"
    r"wie bitte|o que|como assim|comment [cç]a)(?:\s+(?:now|again|lol|exactly))?$", _I)
#: The same only when asked ("que?", "was?", "sorry?"): bare, these words are ordinary ones.
_BARE_ASKED: Final = re.compile(r"^(?:que|qu[eé]|was|come|como|c[oó]mo|cosa|eh|pardon|sorry|"
                                r"excuse me|what is this|what's this|whats this)$", _I)
#: Where a phrase about not following must end to be about the coach: "i don't understand",
#: "that makes no sense to me", "no entiendo nada"; not "...why my knee hurts".
_END: Final = (r"(?=\s*(?:$|[.?!,;:)(]|(?:at all|to me|anything|any of (?:this|that|it)|a (?:word|"
               r"thing)|sorry|lol|haha|jaja|kkk|pls|please|plz|mate|dude|bro|man|nada|rien|"
               r"nichts|niente|por favor|bitte|perd[oó]n|desculpa|scusa)\b))")
_NOT: Final = (r"(?:do not|don'?t|dont|did not|didn'?t|didnt|does not|doesn'?t|doesnt|can'?t|"
               r"cant|cannot)")
#: What "I don't understand" is about when it is about the coach's text.
_COACH: Final = (r"(?:(?:you|u|ya|ur|your (?:message|text|reply|answer|question)s?|that|this|it|"
                 r"the (?:message|text|reply|answer|question)|what (?:you|u|ur|that|this|it)\b"
                 r"[^.?!]{0,30})" + _END + r"|what (?:you|u) (?:mean|meant|said|are saying|"
                 r"'re saying|re saying|want))")
_PHRASES: Final = re.compile(
    # English, typos and text-speak included
    r"\b" + _NOT + r"\s+(?:really\s+|quite\s+|even\s+)?(?:understand|undrstand|understnad|"
    r"understan|undestand|understnd|undertand|get it|get you|get u|get what|follow|know what "
    r"(?:you|u) mean)\b(?:" + _END + r"|\s+" + _COACH + r")"
    r"|\b(?:what|wat|wht) (?:do|does|r|are|did) (?:you|u|ya) (?:mean|talking about|saying|"
    r"on about)\b(?!\s+(?:by|with)\b)|\bwdym\b(?!\s+(?:by|with)\b)"
    r"|\b(?:idk|not sure|no idea) what (?:you|u|ur) (?:mean|'re saying|are saying|re saying|"
    r"talking about)\b(?!\s+(?:by|with)\b)"
    r"|\bwhat(?:'s| is| does) (?:that|this|it) (?:supposed to )?mean\b" + _END
    + r"|\b(?:(?:that'?s|thats|that is|this is|it'?s|its|that was) not|(?:that|this|it) "
    r"(?:isn'?t|wasn'?t)|not|never) what i (?:said|asked|meant|ment|wrote|typed|told you|"
    r"wanted|asked for)\b"
    r"|\bi (?:never|didn'?t|didnt|did not) (?:say|said|ask|asked|mean|meant) (?:that|this)\b"
    r"|\b(?:you'?re|youre|you are|ur|u r|u|you) (?:not|aren'?t|arent) (?:making|makin) (?:any )?"
    r"sen[sc]e\b|\b(?:makes?|make|making) (?:no|zero) sen[sc]e\b" + _END
    + r"|\b(?:that|this|it|you|u|ur reply|your (?:reply|answer|text)) (?:doesn'?t|doesnt|does "
    r"not|don'?t|dont|do not) make (?:any )?sen[sc]e\b" + _END
    + r"|\b(?:i'?m|im|i am|getting|so|bit|really) (?:so |very |really |a bit |kinda |totally )?"
    r"(?:confused|lost)\b" + _END + r"|^\s*confused\b" + _END
    + r"|\b(?:i'?m|im|i am)? ?not following\b(?:\s+(?:you|u))?" + _END
    + r"|\b(?:you'?re|youre|you are|ur|u r|this is) (?:so )?confusing\b"
    r"|\byou lost me\b|\b(?:you'?re|youre|you are|ur|u r|u) not listening\b"
    r"|\bare (?:you|u) even (?:listening|reading)\b"
    # Spanish
    r"|\bno (?:te |lo |le )?(?:entiendo|entend[ií]|comprendo)\b(?:" + _END + r"|\s+(?:lo que "
    r"(?:dices|dijiste|quieres decir)|tu (?:mensaje|respuesta)))"
    r"|\bqu[eé] quieres decir\b|\beso no es lo que (?:dije|pregunt[eé]|quer[ií]a)\b"
    r"|\bno tiene (?:ning[uú]n )?sentido\b" + _END + r"|\bestoy (?:muy )?confundid[oa]\b" + _END
    # Portuguese
    + r"|\bn[aã]o (?:te |o )?(?:entendi|entendo|percebi|compreendo)\b(?:" + _END
    + r"|\s+o que (?:voc[eê] )?(?:disse|quer dizer))|\bn[aã]o faz (?:nenhum )?sentido\b" + _END
    + r"|\bn[aã]o foi isso que eu (?:disse|falei|perguntei)\b|\bestou confus[oa]\b" + _END
    # French
    + r"|\bj'?(?:e )?(?:ne )?(?:te |vous )?comprends (?:pas|rien)\b(?:" + _END
    + r"|\s+ce que (?:tu|vous) (?:dis|dites|veux dire|voulez dire))|\bj'?ai (?:rien|pas) compris\b"
    + _END + r"|\b(?:[cç]a|cela) n'?a (?:pas|aucun) de sens\b" + _END
    + r"|\bc'?est pas ce que j'?ai dit\b|\bce n'?est pas ce que j'?ai dit\b|\bje suis perdue?\b"
    + _END
    # German
    + r"|\bich versteh(?:e)? (?:das |dich |sie |es )?nicht\b" + _END
    + r"|\bversteh(?:e)? ich nicht\b|\b(?:das )?(?:ergibt|macht) keinen sinn\b" + _END
    + r"|\bdas hab(?:e)? ich nicht gesagt\b"
    # Italian
    r"|\bnon (?:ti |la |lo )?(?:capisco|ho capito)\b" + _END + r"|\bnon ha senso\b" + _END
    + r"|\bnon [eè] quello che ho detto\b", _I)
_CHAR_MAP: Final = str.maketrans({"\u2018": "'", "\u2019": "'", "\u00b4": "'", "`": "'"})
_REPEATS: Final = re.compile(r"([a-z])\1{2,}", _I)
_WORDS: Final = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+", re.UNICODE)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)
    text = "".join(c for c in text if unicodedata.category(c)[0] != "S" or c in "'")
    return _REPEATS.sub(r"\1", " ".join(text.split()))  # "whaaaat" is "what"


def confused(text: str) -> bool:
    """Whether this one text says the athlete does not follow the coach."""
    cleaned = _clean(text)
    if not cleaned:
        return False
    if re.fullmatch(r"[?¿!.\s]*\?[?¿!.\s]*", cleaned):
        return True  # "?", "??", "?!?"
    words = _WORDS.findall(cleaned)
    if len(words) > CONFUSED_MAX_WORDS:
        return False
    bare = " ".join(w.lower() for w in words)
    if _BARE.match(bare) or (_BARE_ASKED.match(bare) and "?" in cleaned):
        return True
    return bool(_PHRASES.search(cleaned))
