"""The offline coach: deterministic answers with no model, no key and no network.

It keeps the whole pipeline runnable and testable anywhere, and is the fallback when a real
model fails, so an athlete always gets an answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

WELCOME = (
    "Welcome to textcoach! I'm your coach by text: I'll build a training plan around your "
    "goals and text you each day's workout in the morning. Msg frequency varies; msg & data "
    "rates may apply. Reply HELP for help, STOP to opt out. To start: what should I call you?"
)

_GREETING = re.compile(r"^\s*(hi|hey|hello|yo|hiya|morning|good (morning|afternoon|evening))\b",
                       re.IGNORECASE)
_THANKS = re.compile(r"\b(thanks|thank you|thx|cheers)\b", re.IGNORECASE)
_QUESTION = re.compile(r"\?\s*$")


def reply(texts: Sequence[str], *, first_contact: bool, name: str | None) -> str:
    """Answer one turn: every text the athlete sent since the last answer, oldest first."""
    if first_contact:
        return WELCOME
    who = f", {name}" if name else ""
    joined = " ".join(t.strip() for t in texts if t.strip())
    if not joined:
        return f"I'm here{who}. Tell me how training is going, or ask me anything."
    if _THANKS.search(joined) and len(joined) < 40:
        return f"Anytime{who}. Text me whenever you need me."
    if _GREETING.match(joined) and len(joined) < 30:
        return f"Hey{who}! How's training going? Tell me what you did, or ask me anything."
    count = f"your {len(texts)} messages" if len(texts) > 1 else "that"
    if _QUESTION.search(joined):
        return (
            f"Good question{who}. I've noted {count} and will answer with your plan in mind."
        )
    return f"Got {count}{who}. I'll factor it into your training."
