"""process_inbox: one athlete's unanswered texts become one turn and one reply.

Under the athlete's advisory lock, every unprocessed inbound row is drained together (a burst of
texts gets one answer). The reply's rows are written in the same transaction that marks those
rows processed, so a crash either answers and marks, or does neither and the job runs again.
What the turn does is :mod:`worker.agents.turn`.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from uuid import UUID

from arq import Retry

from worker import constants
from worker.agents.runtime import deadline_after
from worker.agents.turn import TurnOutcome, take_turn
from worker.clock import now
from worker.coach.achievements import announce
from worker.db.locks import athlete_lock
from worker.db.profiles import latest_profile
from worker.db.queries import sql
from worker.domain.onboarding import ESSENTIALS, known
from worker.domain.profile import Profile
from worker.errors import TurnRaced
from worker.jobs.context import deps
from worker.outbox import conversation_for, write_outbound
from worker.queue import enqueue_build_plan, enqueue_send, enqueue_write_week

log = logging.getLogger(__name__)


async def process_inbox(ctx: dict[str, Any], user_id: str) -> str:
    d = deps(ctx)
    athlete = UUID(user_id)
    async with athlete_lock(
        d.pool, constants.LOCK_NS_INBOX, athlete, wait_s=constants.INBOX_LOCK_WAIT_S
    ) as locked:
        if not locked:
            raise Retry(defer=constants.LOCK_BUSY_RETRY_S)
        with deadline_after(constants.PROCESS_INBOX_TIMEOUT_S):
            outbound = await _take_turn(ctx, athlete)
    for message_id in outbound:
        await enqueue_send(d.redis, message_id, first=True)  # replies go ahead of bulk texts
    await _plan_when_ready(ctx, athlete)
    return f"{len(outbound)} outbound"


async def _plan_when_ready(ctx: dict[str, Any], athlete: UUID) -> None:
    """Plan work a turn can leave behind, each as its own job.

    Onboarding's essentials are known, or a new goal ended the old plan: a plan is written.
    Weeks put back to 'planned' (new days, equipment, an injury, a trip) are written now rather
    than at the next rollover.
    """
    d = deps(ctx)
    async with d.pool.acquire() as conn:
        user = await conn.fetchrow(sql("get_user"), athlete)
        if user is None or user["opted_out_at"] is not None:
            return
        if user["status"] == "onboarding":
            profile = await latest_profile(conn, athlete) or Profile()
            if not all(known(profile, f) for f in ESSENTIALS):
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
    turn_id = uuid.uuid4()
    ids = [row["id"] for row in inbox]
    turn = TurnOutcome()
    if user["opted_out_at"] is None:
        turn = await take_turn(d.pool, d.agents(), athlete, list(inbox),
                               first_contact=first_contact, turn_id=turn_id)

    async with d.pool.acquire() as conn, conn.transaction():
        marked = await conn.fetch(sql("mark_inbound_processed"), ids, turn_id)
        if len(marked) != len(ids):
            raise TurnRaced(f"turn {turn_id}: {len(ids) - len(marked)} texts taken by another")
        if not turn.replies:
            log.info("turn %s: athlete %s opted out; stored, not answered", turn_id, athlete)
            return []
        await announce(conn, athlete, turn.told_achievements)  # told in this reply
        conversation_id = await conversation_for(conn, athlete)
        outbound: list[UUID] = []
        for reply in turn.replies:
            outbound += await write_outbound(
                conn,
                user_id=athlete,
                conversation_id=conversation_id,
                from_number=d.settings.coach_number,
                to_number=user["phone"],
                body=reply.body,
                kind=reply.kind,
                turn_id=turn_id,
                reply_to_id=ids[-1],
                asks=reply.asks,
            )
        return outbound
