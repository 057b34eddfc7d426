"""process_inbox: one athlete's unanswered texts become one turn and one reply.

Under the athlete's advisory lock, every unprocessed inbound row is drained together (a burst of
texts gets one answer). The reply's rows are written in the same transaction that marks those
rows processed, so a crash either answers and marks, or does neither and the job runs again.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from uuid import UUID

from arq import Retry

from worker import constants
from worker.agents.context import athlete_variables
from worker.agents.runtime import Call
from worker.agents.schemas import CoachReply
from worker.clock import now
from worker.coach.achievements import announce
from worker.coach.welcome import WELCOME
from worker.db.locks import athlete_lock
from worker.db.queries import sql
from worker.jobs.context import deps
from worker.llm.types import ToolOutcome
from worker.outbox import conversation_for, write_outbound
from worker.profiles import latest_profile, missing_fields
from worker.queue import enqueue_build_plan, enqueue_send, enqueue_write_week

log = logging.getLogger(__name__)


class TurnRaced(RuntimeError):
    """Another worker marked some of the drained rows first; this turn's writes were undone."""


async def process_inbox(ctx: dict[str, Any], user_id: str) -> str:
    d = deps(ctx)
    athlete = UUID(user_id)
    async with athlete_lock(
        d.pool, constants.LOCK_NS_INBOX, athlete, wait_s=constants.INBOX_LOCK_WAIT_S
    ) as locked:
        if not locked:
            raise Retry(defer=constants.LOCK_BUSY_RETRY_S)
        outbound = await _take_turn(ctx, athlete)
    for message_id in outbound:
        await enqueue_send(d.redis, message_id)
    await _plan_when_ready(ctx, athlete)
    return f"{len(outbound)} outbound"


async def _plan_when_ready(ctx: dict[str, Any], athlete: UUID) -> None:
    """Plan work a turn can leave behind, each as its own job.

    Onboarding just completed, or a new goal ended the old plan: a plan is written. New training
    days put weeks back to 'planned': they are written now rather than at the next rollover.
    """
    d = deps(ctx)
    async with d.pool.acquire() as conn:
        user = await conn.fetchrow(sql("get_user"), athlete)
        if user is None or user["opted_out_at"] is not None:
            return
        if user["status"] == "onboarding":
            if missing_fields(await latest_profile(conn, athlete), user["name"]):
                return
        elif user["status"] != "active":
            return
        elif await conn.fetchrow(sql("active_plan"), athlete) is not None:
            weeks = await conn.fetch(sql("due_microcycles"), now(), constants.WEEK_LEAD_DAYS,
                                     constants.SWEEP_BATCH, athlete)
            for week in weeks:
                await enqueue_write_week(d.redis, week["id"])
            return
    await enqueue_build_plan(d.redis, athlete)


async def _take_turn(ctx: dict[str, Any], athlete: UUID) -> list[UUID]:
    d = deps(ctx)
    async with d.pool.acquire() as conn:
        inbox = await conn.fetch(sql("unprocessed_inbound"), athlete)
        if not inbox:
            return []
        user = await conn.fetchrow(sql("get_user"), athlete)
        if user is None:
            return []
        first_contact = not await conn.fetchval(sql("has_outbound_kind"), athlete, "welcome")
        variables = None
        if user["opted_out_at"] is None:
            variables = await athlete_variables(conn, athlete, inbox, first_contact=first_contact)
    turn_id = uuid.uuid4()
    ids = [row["id"] for row in inbox]

    replies: list[tuple[str, str]] = []
    told: list[str] = []
    if variables is not None:
        if first_contact:
            replies.append(("welcome", WELCOME))
        run = await d.agents().run(
            "coach",
            Call(user_id=athlete, trace_id=turn_id, timezone=user["timezone"], turn_id=turn_id,
                 source_message_id=ids[-1]),
            variables,
        )
        assert isinstance(run.output, CoachReply)
        replies.append(("chat", run.output.reply))
        told = told_achievements(run.tool_outcomes)

    async with d.pool.acquire() as conn, conn.transaction():
        marked = await conn.fetch(sql("mark_inbound_processed"), ids, turn_id)
        if len(marked) != len(ids):
            raise TurnRaced(f"turn {turn_id}: {len(ids) - len(marked)} texts taken by another")
        if not replies:
            log.info("turn %s: athlete %s opted out; stored, not answered", turn_id, athlete)
            return []
        await announce(conn, athlete, told)  # told in this reply, so marked with it
        conversation_id = await conversation_for(conn, athlete)
        outbound: list[UUID] = []
        for kind, body in replies:
            outbound += await write_outbound(
                conn,
                user_id=athlete,
                conversation_id=conversation_id,
                from_number=d.settings.coach_number,
                to_number=user["phone"],
                body=body,
                kind=kind,
                turn_id=turn_id,
                reply_to_id=ids[-1],
            )
        return outbound


def told_achievements(outcomes: list[ToolOutcome]) -> list[str]:
    """Ids of the achievements the turn's log results handed the coach to announce."""
    return [str(a["id"]) for o in outcomes if o.call.name == "log_workout"
            for a in o.result.get("achievements") or [] if a.get("id")]
