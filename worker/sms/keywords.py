"""Carrier keywords (STOP, START, HELP) and the answers the law and carriers expect.

They are answered by the webhook itself, before any agent sees them, and recorded as consent
changes, because a coach that talks past a STOP is a compliance failure, not a bug.
"""

from __future__ import annotations

import enum

OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
# YES opts back in only for someone who opted out; otherwise it is an ordinary answer.
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
OPT_IN_WHEN_OPTED_OUT = frozenset({"YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})


class Keyword(enum.StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


def classify(body: str, *, opted_out: bool) -> Keyword | None:
    """The keyword a single-word text carries, if any ("stop", "Stop." and " STOP " all count)."""
    word = body.strip().strip(".!?").strip().upper()
    if not word or " " in word:
        return None
    if word in OPT_OUT_WORDS:
        return Keyword.OPT_OUT
    if word in OPT_IN_WORDS or (opted_out and word in OPT_IN_WHEN_OPTED_OUT):
        return Keyword.OPT_IN
    if word in HELP_WORDS:
        return Keyword.HELP
    return None


#: Message kinds of keyword answers; the opt-out confirmation is the one text that may go to
#: someone who just opted out.
KIND_BY_KEYWORD = {
    Keyword.OPT_OUT: "opt_out_confirmation",
    Keyword.OPT_IN: "opt_in_confirmation",
    Keyword.HELP: "help",
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
}
