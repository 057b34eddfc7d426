"""The sweeper: PostgreSQL is the truth, so anything Redis lost is found again here.

Every minute it re-enqueues inbound texts left unprocessed and outbound texts left pending past
``TEXTCOACH_SWEEP_AFTER_SECONDS``, and settles sends interrupted mid-call. Job ids make a
re-enqueue of a job that is still queued a no-op.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from worker import constants
from worker.clock import now
from worker.db.queries import sql
from worker.inbound_buffer import drain_buffered
from worker.jobs.context import deps
from worker.queue import enqueue_inbox, enqueue_send
from worker.staff.takeover import expire_takeovers

log = logging.getLogger(__name__)


async def sweep(ctx: dict[str, Any]) -> str:
    d = deps(ctx)
    cutoff = now() - timedelta(seconds=d.settings.sweep_after_seconds)
    async with d.pool.acquire() as conn:
        # Takeovers that ran out hand the conversation back to the coach by themselves.
        expired = await expire_takeovers(conn, d.redis)
        await conn.execute(sql("purge_web_sessions"), now())
        inbound = await conn.fetch(sql("stale_inbound"), cutoff, constants.SWEEP_BATCH, now())
        outbound = await conn.fetch(sql("stale_pending_outbound"), cutoff, constants.SWEEP_BATCH,
                                    now())
        abandoned = await conn.fetch(sql("abandon_submitting"), cutoff)
    # A fresh job id per sweep interval: a job killed mid-run keeps its own id blocked in ARQ
    # until its in-progress key expires, which must not hold the text up that long.
    tick = int(now().timestamp()) // d.settings.sweep_after_seconds
    requeued_in = 0
    for row in inbound:
        requeued_in += await enqueue_inbox(d.redis, user_id=row["user_id"], message_id=row["id"],
                                           sweep_tick=tick)
    requeued_out = 0
    for row in outbound:
        requeued_out += await enqueue_send(d.redis, row["id"], sweep_tick=tick)
    summary = (
        f"inbound {requeued_in}/{len(inbound)} re-enqueued, "
        f"outbound {requeued_out}/{len(outbound)} re-enqueued, {len(abandoned)} interrupted, "
        f"{expired} takeover(s) expired"
    )
    if inbound or outbound or abandoned:
        log.warning("sweep: %s", summary)
    await d.redis.set(constants.SWEEP_LAST_RUN, f"{now().isoformat()} {summary}",
                      ex=constants.SWEEP_LAST_RUN_TTL_S)
    return summary


async def drain_inbound(ctx: dict[str, Any]) -> str:
    """Store inbound texts the webhook kept in Redis while PostgreSQL was down."""
    d = deps(ctx)
    return f"{await drain_buffered(d.pool, d.redis, d.settings)} buffered texts stored"
