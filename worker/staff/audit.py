"""The audit trail: every operator action, in admin_activity_logs, in the same transaction as
the action itself, so the record and the change stand or fall together."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from worker.db.pool import Conn
from worker.db.queries import sql

#: The actor of what the product does by itself (a takeover running out).
SYSTEM = "system"

Detail = str | int | float | bool | None


@dataclass(frozen=True)
class Activity:
    actor: str
    action: str
    details: Mapping[str, Detail]
    created_at: datetime


async def record(conn: Conn, actor: str, action: str, target_type: str | None = None,
                 target_id: object | None = None,
                 details: Mapping[str, Detail] | None = None) -> None:
    await conn.execute(sql("record_admin_activity"), actor, action, target_type,
                       None if target_id is None else str(target_id), dict(details or {}))


async def recent(conn: Conn, target_type: str, target_id: object, limit: int = 20
                 ) -> list[Activity]:
    rows = await conn.fetch(sql("recent_admin_activity"), target_type, str(target_id), limit)
    return [Activity(r["actor"], r["action"], r["details"], r["created_at"]) for r in rows]
