"""What the talking agents answer: the coach's reply to a turn and the morning text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import Field

from worker.domain.workouts import Strict

#: A reply is written to fit two SMS; longer ones are re-asked shorter (see the runtime).
REPLY_LIMIT = 480
#: SMS parts a model's reply may take: two, or four when the athlete asked for detail. A longer
#: one is re-asked shorter once, then cut at a sentence boundary.
REPLY_PARTS = 2
DETAIL_REPLY_PARTS = 4
_DETAIL = re.compile(
    r"\b(?:explain|explanation|in detail|details?|tell me more|more info|walk me through|"
    r"step by step|break it down|why (?:do|does|is|are|should)|how (?:do|does|should) i)\b",
    re.IGNORECASE)


def reply_parts(texts: Sequence[str]) -> int:
    """How many SMS parts the answer to these texts may take."""
    return DETAIL_REPLY_PARTS if any(_DETAIL.search(t) for t in texts) else REPLY_PARTS


class CoachReply(Strict):
    """The coach's answer to one turn: the text the athlete receives."""

    reply: str = Field(
        description="The SMS to send. Plain, warm, specific; at most 480 characters.",
        min_length=1,
        max_length=1600,
    )


class DailyMessage(Strict):
    """The morning text: today's session in at most two SMS where possible."""

    message: str = Field(min_length=1, max_length=1600)


class ExerciseHowTo(Strict):
    """How to do one exercise, for anyone: written once per exercise and agent version and
    reused for every athlete who asks (``ai_content_cache``), so explanations are consistent
    and cost one model call each."""

    how_to: str = Field(min_length=1, max_length=480, description="Set-up, the movement and "
                        "the one mistake to avoid, in two or three plain sentences.")
