"""Help requests: the coach asking for a person, and an operator closing the request.

A request is opened by the domain (a red flag, repeated confusion) or by the coach's
``request_human`` tool (the athlete asked for a person). At most one is open per athlete (a
partial unique index): asking again while one is open changes nothing and opens nothing, so
the console's badge counts athletes waiting, and operators are notified once per request. What
the athlete said after the first ask is in the conversation the person reads anyway.

The console reads :func:`open_help_count` for its badge and :func:`open_help_for` for an
athlete's page, and calls :func:`resolve_help_request` (recording its own audit entry, as every
operator action does). Notifying the operators' webhook is the ``notify_operators`` job's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from worker.clock import now
from worker.coach.results import Result
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.escalation import Escalation, HelpReason, told


@dataclass(frozen=True)
class HelpRequest:
    """One request for a person, as stored."""

    id: UUID
    user_id: UUID
    reason: HelpReason
    detail: str | None
    source_message_id: UUID | None
    turn_id: UUID | None
    notified_at: datetime | None
    resolved_at: datetime | None
    resolved_by: UUID | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> HelpRequest:
        return cls(row["id"], row["user_id"], row["reason"], row["detail"],
                   row["source_message_id"], row["turn_id"], row["notified_at"],
                   row["resolved_at"], row["resolved_by"], row["created_at"])


class HumanRequested(Result):
    """What ``request_human`` reports: whether this opened the request (or one was open), and
    the sentence the reply should carry, so a model and the offline coach say the same."""

    opened: bool
    reason: HelpReason
    tell_athlete: str


async def open_help_request(
    conn: Conn, user_id: UUID, reason: HelpReason, detail: str | None,
    source_message_id: UUID | None, turn_id: UUID | None,
) -> HelpRequest | None:
    """Open a request for ``user_id``; None (and nothing written) when one is open already.

    Safe against a concurrent open for the same athlete: the insert yields to the open one."""
    row = await conn.fetchrow(sql("open_help_request"), user_id, reason, detail,
                              source_message_id, turn_id, now())
    return HelpRequest.from_row(row) if row is not None else None


async def escalate(
    conn: Conn, user_id: UUID, escalation: Escalation, source_message_id: UUID | None,
    turn_id: UUID | None,
) -> HumanRequested:
    """Open the request the domain decided on and say what the athlete is told."""
    opened = await open_help_request(conn, user_id, escalation.reason, escalation.detail,
                                     source_message_id, turn_id)
    return HumanRequested(opened=opened is not None, reason=escalation.reason,
                          tell_athlete=told(escalation.reason, opened is not None))


async def resolve_help_request(conn: Conn, user_id: UUID, operator_id: UUID | None) -> bool:
    """Close the athlete's open request; False when none was open."""
    return await conn.fetchval(sql("resolve_help_request"), user_id, operator_id,
                               now()) is not None


async def open_help_count(conn: Conn) -> int:
    """Athletes waiting for a person: the console's badge."""
    count: int = await conn.fetchval(sql("open_help_count"))
    return count


async def open_help_for(conn: Conn, user_id: UUID) -> HelpRequest | None:
    row = await conn.fetchrow(sql("open_help_for"), user_id)
    return HelpRequest.from_row(row) if row is not None else None
