"""What the talking agents answer: the coach's reply to a turn and the morning text."""

from __future__ import annotations

from pydantic import Field

from worker.domain.workouts import Strict

#: A reply is written to fit two SMS; longer ones are re-asked shorter (see the runtime).
REPLY_LIMIT = 480


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
