"""Carrier keywords (STOP, START, HELP) and the answers the law and carriers expect.

They are answered by the webhook itself, before any agent sees them, and recorded as consent
changes, because a coach that talks past a STOP is a compliance failure, not a bug. Consent may
be revoked "by any reasonable means" (FCC 2024 TCPA order), so besides the single words a text
whose sentence is only about stopping the messages ("stop please", "opt out", "unsubscribe me",
"Stop texting me", "don't text me anymore", "please could you stop the texts for good",
"basta messaggi, stop please") is an opt-out too, however it is typed
(full-width letters, zero-width spaces, quotes, emoji). A text that only qualifies the messages
("stop texting me so early, 9am is fine") is not.

LINK is this product's own keyword, answered the same way (by the webhook, in the transaction
that stores the text): the reply carries a one-time link to the athlete's progress page. It is
only ever the whole text ("link", "my link", "progress page"), never a word in a sentence.
INVITE likewise ("invite", "invite code", "refer a friend", "my code", as the whole text): the
reply is a short text to forward, carrying the athlete's referral code (made in that
transaction, see worker/coach/referrals.py).
"""

from __future__ import annotations

import enum
import re
import unicodedata

from worker.constants import ATHLETE_LINK_TTL_S

OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT",
     # Spanish, Portuguese and French carriers' words, on their own
     "PARA", "PARAR", "CANCELAR", "BAJA", "ARRET", "ARRÊT"}
)
# YES opts back in only for someone who opted out; otherwise it is an ordinary answer.
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
OPT_IN_WHEN_OPTED_OUT = frozenset({"YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})
#: Asking for the progress page: the whole text, folded (see normalize), is one of these.
LINK_PHRASES = frozenset(
    {"link", "my link", "send link", "send my link", "send me my link", "send me the link",
     "send me a link", "progress page", "my progress page", "my page"}
)
#: Asking for one's referral code: the whole text, folded, optionally "send me"/"what's" before
#: and "please" after. "invite" alone counts; "can I invite my wife to train too?" does not.
_INVITE = re.compile(
    r"^(?:(?:send me|text me|give me|what'?s|what is|get)\s+)?(?:my |an |the |a )?"
    r"(?:invite(?: code| link)?|invitation(?: code)?|referral(?: code| link)?|"
    r"refer a friend|invite a friend|my code)"
    r"(?:\s+(?:please|pls|plz|thanks|thx))?$")


class Keyword(enum.StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    LINK = "link"
    INVITE = "invite"


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_MESSAGES = r"(?:the |these |all |your |any |any more |anymore )?(?:texts|messages|msgs|sms)"
_OPT_OUT_SENTENCE = re.compile(
    r"^(?:(?:please|pls|plz|ok|okay|just|yes|hey|coach|so|and|but)\s+)*"
    r"(?:(?:i (?:want|wanna|would like|'d like|need) to|i'?m going to|can you|could you|"
    r"can i|could i|would you|will you|please could you|please can you|you can)\s+)?"
    r"(?:stop(?:\s*all)?|opt\s*-?\s*out|unsubscribe(?:\s+me)?|revoke(?:\s+(?:my )?consent)?|"
    r"cancel|quit|end|remove me(?:\s+from (?:the |this |your )?list)?|"
    r"take me off(?:\s+(?:the |this |your )?list)?|"
    r"stop (?:texting|messaging|sending|contacting)(?:\s+(?:me|texts|messages))?|"
    rf"stop {_MESSAGES}|stop sending (?:me )?{_MESSAGES}|no more (?:texts|messages)|"
    rf"(?:do not|don'?t|dont) (?:text|message|msg|contact|send) me(?: {_MESSAGES})?|"
    r"(?:i(?:'d| would)? )?(?:much )?(?:prefer|rather) not (?:to )?(?:receive|get|have) "
    rf"{_MESSAGES}|"
    r"(?:basta|stop) messaggi|no (?:me )?(?:mandes|env[ií]es) m[aá]s mensajes|"
    r"darme de baja|pare de (?:me )?mandar mensagens|arr[eê]te[rz]? les (?:messages|textos))"
    r"(?:\s+(?:any ?more|again|for good|altogether|completely|ever))?"
    r"(?:\s+(?:please|pls|plz|now|thanks|thank you|thx|asap|immediately))*$")


#: Coming back, said in a sentence; only for someone who opted out ("start" alone always is).
_OPT_IN_SENTENCE = re.compile(
    r"^(?:(?:please|pls|ok|okay|yes|hi|hey)\s+)*"
    r"(?:(?:i (?:want|wanna|would like|'d like) to|can you|could you|please)\s+)?"
    r"(?:start(?: again| texting me(?: again)?| the (?:texts|messages)(?: again)?)?|"
    r"opt\s*-?\s*(?:back\s+)?in|resubscribe(?: me)?|subscribe(?: me)?(?: again)?|unstop|"
    r"resume(?: the)? (?:texts|messages)|(?:send|text) me again|i'?m back)"
    r"(?:\s+(?:please|pls|now|thanks|thank you))*$")


#: What the folding below does to plain ASCII (letters, digits, spaces and "-'.,;!?\n" kept,
#: anything else a space), as one translate: most texts are ASCII, and every text is folded.
_ASCII_FOLD = str.maketrans({chr(code): " " for code in range(128)
                             if not (chr(code).isalnum() or chr(code) in " -'.,;!?\n")})


def normalize(body: str) -> str:
    """A text as typed, folded: full-width letters, zero-width spaces, quotes and emoji
    removed, lower case, single spaces."""
    if body.isascii():
        kept = body.translate(_ASCII_FOLD)
    else:
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", body)).translate(_APOSTROPHES)
        kept = "".join(ch if unicodedata.category(ch)[0] in "LNZ" or ch in "-'.,;!?\n"
                       else " " for ch in text)
    return re.sub(r"\s+", " ", kept).strip().lower()


def _only_about_stopping(text: str) -> bool:
    return any(_OPT_OUT_SENTENCE.match(piece.strip(" '-"))
               for piece in re.split(r"[.,;!?\n]+", text) if piece.strip(" '-"))


def classify(body: str, *, opted_out: bool) -> Keyword | None:
    """The keyword a text carries, if any: a single word ("stop", "Stop." and " STOP " all
    count), or for opting out, a sentence that is only about stopping the messages."""
    text = normalize(body)
    word = text.strip(".!?,;' ").upper()
    if word in OPT_OUT_WORDS or _only_about_stopping(text):
        return Keyword.OPT_OUT
    if opted_out and _OPT_IN_SENTENCE.match(text.strip(" .!?,;'")):
        return Keyword.OPT_IN
    if text.strip(".!?,;' ") in LINK_PHRASES:
        return Keyword.LINK
    if _INVITE.match(text.strip(".!?,;' ")):
        return Keyword.INVITE
    if not word or " " in word:
        return None
    if word in OPT_IN_WORDS or (opted_out and word in OPT_IN_WHEN_OPTED_OUT):
        return Keyword.OPT_IN
    if word in HELP_WORDS:
        return Keyword.HELP
    return None


def may_be_keyword(body: str) -> bool:
    """Whether ``body`` is a keyword for someone, opted out or not. Opted out is the wider
    reading (it adds "yes", "subscribe me again"...), so a text that is no keyword then is a
    plain chat text whatever the athlete's consent state: the webhook can store it without
    reading that state first."""
    return classify(body, opted_out=True) is not None


#: Message kinds of keyword answers; the opt-out confirmation is the one text that may go to
#: someone who just opted out.
KIND_BY_KEYWORD = {
    Keyword.OPT_OUT: "opt_out_confirmation",
    Keyword.OPT_IN: "opt_in_confirmation",
    Keyword.HELP: "help",
    Keyword.LINK: "athlete_link",
    Keyword.INVITE: "referral_invite",
}

#: Each fits one GSM-7 SMS (a unit test holds them to it).
REPLIES = {
    Keyword.OPT_OUT: (
        "textcoach: You're unsubscribed and will get no more messages. "
        "Reply START to resubscribe."
    ),
    Keyword.OPT_IN: (
        "textcoach: You're subscribed again. Msg frequency varies; msg & data rates may apply. "
        "Reply HELP for help, STOP to opt out."
    ),
    Keyword.HELP: (
        "textcoach: SMS fitness coaching. Text your coach anytime. "
        "Msg & data rates may apply. Reply STOP to opt out, START to opt back in."
    ),
    # {url} is the athlete's one-time link (see link_reply).
    Keyword.LINK: f"Your progress page (one use, {ATHLETE_LINK_TTL_S // 60} min): {{url}}",
    # {code} is the athlete's referral code, {number} the coach's (see invite_reply).
    Keyword.INVITE: (
        "Forward this to a friend: \"I'm training with textcoach by text. Text JOIN {code} "
        "to {number} to start.\" Thanks for spreading the word!"
    ),
}


def link_reply(url: str) -> str:
    """The answer to LINK, carrying the athlete's one-time link."""
    return REPLIES[Keyword.LINK].format(url=url)


def invite_reply(code: str, number: str) -> str:
    """The answer to INVITE: a text to forward, carrying the athlete's code and the number."""
    return REPLIES[Keyword.INVITE].format(code=code, number=number)
