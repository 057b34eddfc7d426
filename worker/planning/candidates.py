"""The part of the exercise library one athlete can use."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from worker.db.pool import Conn
from worker.db.queries import sql
from worker.library.seed import BODY_AREAS

_AREA_WORDS = {"back": "lower_back", "shoulders": "shoulder", "knees": "knee", "hips": "hip",
               "ankles": "ankle", "wrists": "wrist", "elbows": "elbow"}


def body_area(text: str | None) -> str | None:
    """A free body-part word ("Knees", "lower back") as the schema's area, or None."""
    if not text:
        return None
    slug = re.sub(r"[^a-z]+", "_", text.lower()).strip("_")
    slug = _AREA_WORDS.get(slug, slug)
    return slug if slug in BODY_AREAS else None


def injured_areas(injuries: Sequence[dict[str, Any]]) -> list[str]:
    return sorted({str(i["area"]) for i in injuries if i.get("area")})


async def candidates_for(
    conn: Conn, equipment: Sequence[str], injuries: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Library exercises needing only ``equipment`` and loading no injured area (one query)."""
    rows = await conn.fetch(sql("library_candidates"), list(equipment), injured_areas(injuries))
    return [dict(row) for row in rows]
