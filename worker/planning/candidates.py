"""The part of the exercise library one athlete can use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.profile import Injury, Profile
from worker.planning.constraints import constraints_for


def injured_areas(injuries: Sequence[Injury]) -> list[str]:
    """Areas to keep load off: current injuries that are not mild (a mild ache only rules out
    the movements named with it) and recent surgery; healed ones and conditions inform
    exercise choice elsewhere."""
    return sorted({i.area for i in injuries
                   if i.status in (None, "current") and i.severity != "mild"})


async def candidates_for(
    conn: Conn, equipment: Sequence[str], profile: Profile
) -> list[dict[str, Any]]:
    """Library exercises needing only ``equipment``, loading no injured area and breaking none
    of the athlete's promises (:mod:`worker.planning.constraints`): one query, then the rules."""
    rows = await conn.fetch(sql("library_candidates"), list(equipment),
                            injured_areas(profile.current_injuries()))
    return constraints_for(profile).filter(dict(r) for r in rows)
