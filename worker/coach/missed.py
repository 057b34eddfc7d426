"""Missed sessions: a rule the daily and weekly jobs apply, not something a reply decides.

A session still unlogged two mornings later is marked skipped ("missed"): it is not made up,
the plan keeps its shape, and the weekly recap counts it honestly. The athlete can still log it
afterwards ("did Monday's on Tuesday"), which replaces the mark.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from worker.db.pool import Conn
from worker.db.queries import sql

#: A session is missed once this many local days have passed without a log.
MISSED_AFTER_DAYS = 2
#: How far back the rule looks (older sessions were settled by earlier runs).
LOOKBACK_DAYS = 14


async def mark_missed(conn: Conn, user_id: UUID, today: date) -> list[date]:
    """Mark sessions missed before ``today`` - MISSED_AFTER_DAYS + 1; return their dates."""
    cutoff = today - timedelta(days=MISSED_AFTER_DAYS - 1)
    rows = await conn.fetch(sql("mark_missed_sessions"), user_id, cutoff,
                            today - timedelta(days=LOOKBACK_DAYS))
    return [r["date"] for r in rows]
