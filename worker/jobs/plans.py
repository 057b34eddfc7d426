"""Plan jobs: the first plan after onboarding, each week's workouts, and the weekly rollover.

Each is idempotent against PostgreSQL (one active plan per athlete; a week is written once), so
ARQ re-running one, or two workers racing, writes nothing twice.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from uuid import UUID

from worker import constants
from worker.clock import now
from worker.db.queries import sql
from worker.jobs.context import deps
from worker.outbox import conversation_for, write_outbound
from worker.planning.service import ProfileIncomplete, build_plan, write_week
from worker.queue import enqueue_send, enqueue_write_week

log = logging.getLogger(__name__)


async def build_plan_job(ctx: dict[str, Any], user_id: str) -> str:
    d = deps(ctx)
    athlete = UUID(user_id)
    trace = uuid.uuid4()
    try:
        result = await build_plan(d.pool, d.agents(), athlete, trace_id=trace)
    except ProfileIncomplete as exc:
        return f"profile incomplete: {exc}"
    if not result.created:
        return "plan already exists"
    async with d.pool.acquire() as conn:
        user = await conn.fetchrow(sql("get_user"), athlete)
    assert user is not None
    body = plan_message(user, result.summary, result.first_session)
    async with d.pool.acquire() as conn, conn.transaction():
        ids = await write_outbound(
            conn, user_id=athlete, conversation_id=await conversation_for(conn, athlete),
            from_number=d.settings.coach_number, to_number=user["phone"], body=body,
            kind="plan_summary", turn_id=trace, dedupe_key=f"plan:{result.plan_id}",
        )
    for message_id in ids:
        await enqueue_send(d.redis, message_id)
    return f"plan {result.plan_id} written"


def plan_message(user: Any, summary: str, first: dict[str, Any] | None) -> str:
    name = f", {user['name']}" if user["name"] else ""
    send_time = user["send_time"].strftime("%H:%M")
    if first is None:
        when = "Your first session is coming up this week"
    else:
        when = f"First session: {first['date']:%a %d %b}, {first['title']}"
    return f"Your plan is ready{name}! {summary} {when}; I'll text it at {send_time} that morning."


async def write_week_job(ctx: dict[str, Any], microcycle_id: str) -> str:
    d = deps(ctx)
    written = await write_week(d.pool, d.agents(), UUID(microcycle_id), trace_id=uuid.uuid4())
    return f"{written} days written"


async def roll_weeks(ctx: dict[str, Any]) -> str:
    """Cron: enqueue the writing of every week starting within WEEK_LEAD_DAYS, athlete-local.

    One indexed query finds them; each week is its own job with its own retries.
    """
    d = deps(ctx)
    async with d.pool.acquire() as conn:
        due = await conn.fetch(
            sql("due_microcycles"), now(), constants.WEEK_LEAD_DAYS, constants.SWEEP_BATCH,
            None,
        )
    for row in due:
        await enqueue_write_week(d.redis, row["id"])
    return f"{len(due)} weeks due"
