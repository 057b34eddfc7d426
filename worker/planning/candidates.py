"""The part of the exercise library one athlete can use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from worker.db.pool import Conn
from worker.db.queries import sql


def injured_areas(injuries: Sequence[dict[str, Any]]) -> list[str]:
    return sorted({str(i["area"]) for i in injuries if i.get("area")})


async def candidates_for(
    conn: Conn, equipment: Sequence[str], injuries: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Library exercises needing only ``equipment`` and loading no injured area (one query)."""
    rows = await conn.fetch(sql("library_candidates"), list(equipment), injured_areas(injuries))
    return [dict(row) for row in rows]
