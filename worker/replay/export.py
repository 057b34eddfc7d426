"""Turning a real conversation in the database into a replay scenario.

The athlete's texts become steps at the same local times (clock moves in between), and what
the coach answered then is kept on each step as ``was``, so a replay against the current (or
another) agent version prints the old and the new replies side by side.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from worker.db.pool import Conn
from worker.db.queries import sql
from worker.errors import ConfigError


def _duration(delta: timedelta) -> str | None:
    minutes = int(delta.total_seconds() // 60)
    if minutes <= 0:
        return None
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


async def export_scenario(conn: Conn, phone: str) -> str:
    """The athlete's whole conversation as scenario YAML."""
    user = await conn.fetchrow(sql("get_user_by_phone"), phone)
    if user is None:
        raise ConfigError(f"no athlete with phone {phone}")
    zone = ZoneInfo(user["timezone"])
    rows = await conn.fetch(sql("conversation_export"), user["id"])
    steps: list[dict[str, Any]] = []
    previous: datetime | None = None
    for row in rows:
        if row["direction"] == "outbound":
            if steps and "text" in steps[-1] and row["kind"] not in (
                "daily_workout", "weekly_recap", "plan_summary"
            ):
                steps[-1].setdefault("was", []).append(row["body"])
            continue
        moment: datetime = row["created_at"]
        if previous is None:
            steps.append({"at": f"{moment.astimezone(zone):%Y-%m-%d %H:%M} {zone.key}"})
        elif (gap := _duration(moment - previous)) is not None:
            steps.append({"advance": gap})
        steps.append({"text": row["body"]})
        previous = moment
    if not steps:
        raise ConfigError(f"{phone} has sent no texts to export")
    scenario = {
        "name": f"export-{phone.lstrip('+')}",
        "persona": {"phone": phone, "description": f"exported from the conversation of {phone}"},
        "steps": steps,
    }
    return yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True, width=100)
