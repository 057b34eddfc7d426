"""What every tool shares: the turn's context, strict argument models and readable errors.

Kept apart from the registry so tool modules for different concerns (the plan, logging,
questions) can each define their tools without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
from pydantic import BaseModel, ConfigDict

from worker.clock import now
from worker.errors import ToolError
from worker.localtime import parse_clock_time, resolve_day


@dataclass
class ToolContext:
    """Whose turn it is. Tools take the athlete from here, never from the model's arguments."""

    pool: asyncpg.Pool
    user_id: UUID
    timezone: str
    source_message_id: UUID | None = None

    def today(self) -> date:
        return now().astimezone(ZoneInfo(self.timezone)).date()


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


DayRef = str  # "today", "tomorrow", "yesterday", a weekday name, or YYYY-MM-DD


def day_of(ref: DayRef, today: date) -> date:
    try:
        return resolve_day(ref, today)
    except ValueError as exc:
        raise ToolError(str(exc)) from None


def clock_of(text: str) -> time:
    try:
        return parse_clock_time(text)
    except ValueError as exc:
        raise ToolError(str(exc)) from None
