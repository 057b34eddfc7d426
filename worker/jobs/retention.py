"""Retention: the daily upkeep of agent_logs' monthly partitions (migration 0018).

``agent_logs_maintain()`` in PostgreSQL does the work in one statement: it makes the partitions
for this month and the next ``AGENT_LOG_MONTHS_AHEAD``, moves any row that fell into the default
partition into its month, and with ``TEXTCOACH_AGENT_LOG_RETENTION_MONTHS`` > 0 drops the
partitions whose whole month is older than that. Dropping a partition is instant and leaves no
dead rows behind. Running it twice, or on two workers, does nothing the second time.

messages is not touched: the athlete's texts are the coaching record (README, "Scaling out").
"""

from __future__ import annotations

import logging
from typing import Any

from worker import constants
from worker.db.queries import sql
from worker.jobs.context import deps

log = logging.getLogger(__name__)


async def maintain_agent_logs(ctx: dict[str, Any]) -> str:
    d = deps(ctx)
    rows = await d.pool.fetch(sql("maintain_agent_logs"), d.settings.agent_log_retention_months,
                              constants.AGENT_LOG_MONTHS_AHEAD)
    done = [f"{r['action']} {r['partition_name']}"
            + (f" ({r['row_count']} rows)" if r["row_count"] else "") for r in rows]
    if any(r["action"] in ("moved", "deleted") for r in rows):
        # Rows sat in the default partition: the upkeep had not run for months.
        log.warning("agent_logs upkeep: %s", "; ".join(done))
    elif done:
        log.info("agent_logs upkeep: %s", "; ".join(done))
    return "; ".join(done) or "nothing to do"
