"""What every tool shares: the turn's context, strict argument models and readable errors.

Kept apart from the registry so tool modules for different concerns (the plan, logging,
questions) can each define their tools without importing one another.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, time
from typing import Any, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from worker.clock import now
from worker.coach.results import ExerciseExplained
from worker.db.pool import Conn
from worker.errors import ToolError
from worker.localtime import parse_clock_time, resolve_day


class Db(Protocol):
    """What tools query through: the pool, or one connection inside a tool's transaction."""

    def acquire(self) -> Any: ...
    async def execute(self, query: str, *args: Any) -> Any: ...
    async def fetch(self, query: str, *args: Any) -> Any: ...
    async def fetchrow(self, query: str, *args: Any) -> Any: ...
    async def fetchval(self, query: str, *args: Any) -> Any: ...


class OneConnection:
    """A connection that stands in for the pool, so a writing tool's queries (its own
    ``acquire()`` and ``transaction()`` included, which become a savepoint) all run in the
    transaction that also records the call in ``tool_effects``."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[Conn]:
        yield self.conn

    async def execute(self, query: str, *args: Any) -> Any:
        return await self.conn.execute(query, *args)

    async def fetch(self, query: str, *args: Any) -> Any:
        return await self.conn.fetch(query, *args)

    async def fetchrow(self, query: str, *args: Any) -> Any:
        return await self.conn.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        return await self.conn.fetchval(query, *args)


@dataclass
class ToolContext:
    """Whose turn it is. Tools take the athlete from here, never from the model's arguments."""

    pool: Db
    user_id: UUID
    timezone: str
    source_message_id: UUID | None = None
    #: The turn the tool runs in (help requests record it).
    turn_id: UUID | None = None
    #: Writes an exercise's how-to with the explainer agent (a model provider only; offline
    #: the library's own text is the explanation).
    explain: Callable[[ExerciseExplained], Awaitable[str | None]] | None = None

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
