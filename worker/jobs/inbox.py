"""process_inbox: one athlete's unanswered texts become one turn and one reply.

Under the athlete's advisory lock, every unprocessed inbound row is drained together (a burst of
texts gets one answer). The reply's rows are written by the statement that marks those rows
processed (``finish_turn``), so a crash either answers and marks, or does neither and the job
runs again.
What the turn does is :mod:`worker.agents.turn`.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
from arq import Retry

from worker import constants
from worker.agents.runtime import deadline_after
from worker.agents.turn import TurnOutcome, take_turn
from worker.clock import now
from worker.coach.achievements import announce
from worker.db.locks import athlete_lock
from worker.db.profiles import latest_profile
from worker.db.queries import sql
from worker.domain.escalation import for_red_flag, red_flag_reply
from worker.domain.onboarding import ESSENTIALS, known
from worker.domain.profile import Profile
from worker.domain.safety import screen
from worker.errors import TurnRaced
from worker.jobs.context import deps
from worker.jobs.notify import enqueue_notices
from worker.outbox import conversation_for, parts_of, write_outbound
from worker.queue import enqueue_build_plan, enqueue_send, enqueue_write_week
from worker.staff.help import escalate

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
            end = await _take_turn(ctx, athlete)
    for message_id in end.outbound:
        await enqueue_send(d.redis, message_id, first=True)  # replies go ahead of bulk texts
    await enqueue_notices(d, athlete)  # the coach asked for a person: the operators hear of it
    if end.taken_over:
        return f"taken over by a person; {len(end.outbound)} outbound"
    await _plan_when_ready(ctx, athlete, end.standing)
    return f"{len(end.outbound)} outbound"


@dataclass(frozen=True)
class _TurnEnd:
    """What a turn left: the texts to send, the athlete's standing for plan work (None: read
    it again), and whether a person has the conversation (then no plan work starts either)."""

    outbound: list[UUID]
    standing: asyncpg.Record | None = None
    taken_over: bool = False


async def _plan_when_ready(ctx: dict[str, Any], athlete: UUID,
                           standing: asyncpg.Record | None) -> None:
    """Plan work a turn can leave behind, each as its own job.

    Onboarding's essentials are known, or a new goal ended the old plan: a plan is written.
    Weeks put back to 'planned' (new days, equipment, an injury, a trip) are written now rather
    than at the next rollover. ``standing`` is the athlete's state as the turn's last
    statement read it (status, consent, whether a plan runs), or None to read it here.
    """
    d = deps(ctx)
    async with d.pool.acquire() as conn:
        user = standing or await conn.fetchrow(sql("plan_work"), athlete)
        if user is None or user["opted_out_at"] is not None:
            return
        if user["status"] == "onboarding":
            profile = await latest_profile(conn, athlete) or Profile()
            if not all(known(profile, f) for f in ESSENTIALS):
                return
        elif user["status"] != "active":
            return
        elif user["has_plan"]:
            weeks = await conn.fetch(sql("due_microcycles"), now(), constants.WEEK_LEAD_DAYS,
                                     constants.SWEEP_BATCH, athlete)
            for week in weeks:
                await enqueue_write_week(d.redis, week["id"])
            return
    await enqueue_build_plan(d.redis, athlete)


async def _take_turn(ctx: dict[str, Any], athlete: UUID) -> _TurnEnd:
    d = deps(ctx)
    start = await d.pool.fetchrow(sql("turn_start"), athlete, now())
    if start is None or not start["inbox"]:
        return _TurnEnd([])
    if start["taken_over"]:
        # A person is answering this athlete: the texts wait for them (or for the coach, once
        # the conversation is handed back or the takeover runs out).
        log.info("athlete %s: taken over by a person; %d text(s) left for them",
                 athlete, len(start["inbox"]))
        return _TurnEnd(await _red_flag_while_taken_over(ctx, athlete, start), taken_over=True)
    inbox = list(start["inbox"])
    turn_id = uuid.uuid4()
    ids = [row["id"] for row in inbox]
    turn = TurnOutcome()
    if start["opted_out_at"] is None:
        turn = await take_turn(d.pool, d.agents(), athlete, inbox,
                               first_contact=not start["welcomed"], turn_id=turn_id)
    if not turn.replies:
        log.info("turn %s: athlete %s opted out; stored, not answered", turn_id, athlete)
    parts = [(reply, part) for reply in turn.replies for part in parts_of(reply.body)]
    args = (
        athlete, ids, turn_id, d.settings.coach_number, start["phone"], ids[-1],
        [reply.kind for reply, _ in parts], [part.body for _, part in parts],
        [part.segments for _, part in parts], [part.encoding for _, part in parts],
        [part.index for _, part in parts], [part.count for _, part in parts],
        [",".join(reply.asks) if part.index == 1 else "" for reply, part in parts],
        now(),
    )
    async with d.pool.acquire() as conn:
        if turn.told_achievements:
            # Told in this reply: marked in the same transaction that writes it.
            async with conn.transaction():
                finished = await conn.fetchrow(sql("finish_turn"), *args)
                assert finished is not None
                if not finished["taken_over"]:
                    _check_all_marked(finished["marked"], ids, turn_id)
                    await announce(conn, athlete, turn.told_achievements)
        else:
            finished = await conn.fetchrow(sql("finish_turn"), *args)
            assert finished is not None
            if not finished["taken_over"]:
                _check_all_marked(finished["marked"], ids, turn_id)
    if finished["taken_over"]:
        # A person took over while the coach was thinking: its reply is dropped and the texts
        # wait for them (or were answered by them already).
        log.info("turn %s: athlete %s taken over mid-turn; reply dropped", turn_id, athlete)
        return _TurnEnd([], taken_over=True)
    return _TurnEnd(list(finished["outbound"]), finished)


async def _red_flag_while_taken_over(ctx: dict[str, Any], athlete: UUID,
                                     start: asyncpg.Record) -> list[UUID]:
    """A red flag cannot wait for the person to look: the referral (stop, get checked) goes
    out now, once per flagged text, and the request for a person is opened, so the badge and
    the operators' webhook say so. The texts stay waiting for the person."""
    if start["opted_out_at"] is not None:
        return []
    flagged = next(((row, flag) for row in start["inbox"]
                    if (flag := screen([row["body"]])) is not None), None)
    if flagged is None:
        return []
    row, flag = flagged
    d = deps(ctx)
    key = f"red-flag:{row['id']}"
    async with d.pool.acquire() as conn, conn.transaction():
        if await conn.fetchval(sql("scheduled_kinds_sent"), key):
            return []
        await escalate(conn, athlete, for_red_flag(flag, [row["body"]]), row["id"], None)
        return await write_outbound(
            conn, user_id=athlete, conversation_id=await conversation_for(conn, athlete),
            from_number=d.settings.coach_number, to_number=start["phone"],
            body=red_flag_reply(flag), kind="chat", reply_to_id=row["id"], dedupe_key=key)


def _check_all_marked(marked: int, ids: list[UUID], turn_id: UUID) -> None:
    """finish_turn wrote nothing if another worker answered some of these texts first."""
    if marked != len(ids):
        raise TurnRaced(f"turn {turn_id}: another turn answered some of its {len(ids)} texts "
                        "first; nothing was written")
