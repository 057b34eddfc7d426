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
from worker.agents.turn import Reply, TurnOutcome, take_turn
from worker.clock import now
from worker.coach.achievements import announce
from worker.coach.subscriptions import Standing, standing, tell_lapsed
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
from worker.photos.fetch import MediaUnavailable
from worker.photos.save import PhotoTurn, photo_services, take_photos
from worker.queue import JobSpec, enqueue_build_plan, enqueue_many, enqueue_send, enqueue_write_week
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
    if await d.pool.fetchval(sql("photos_to_purge_exist"), athlete):  # "delete my photos"
        await enqueue_many(d.redis, [JobSpec(constants.PURGE_PHOTOS, (str(athlete),),
                                             constants.purge_photos_job_id(athlete))])
    if end.taken_over:
        return f"taken over by a person; {len(end.outbound)} outbound"
    if end.lapsed:
        return f"subscription lapsed; {len(end.outbound)} outbound"
    await _plan_when_ready(ctx, athlete, end.standing)
    return f"{len(end.outbound)} outbound"


@dataclass(frozen=True)
class _TurnEnd:
    """What a turn left: the texts to send, the athlete's standing for plan work (None: read
    it again), and whether a person has the conversation (then no plan work starts either)."""

    outbound: list[UUID]
    standing: asyncpg.Record | None = None
    taken_over: bool = False
    #: The athlete's subscription lapsed: nothing was coached, so no plan work either.
    lapsed: bool = False


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
    if start["opted_out_at"] is None:
        async with d.pool.acquire() as conn:
            subscription = await standing(conn, athlete, now(), d.settings)
        if not subscription.entitled:
            return await _lapsed(ctx, athlete, start, subscription)
    inbox = list(start["inbox"])
    turn_id = uuid.uuid4()
    ids = [row["id"] for row in inbox]
    turn = TurnOutcome()
    photos = await _take_photos(ctx, athlete, ids)
    if start["opted_out_at"] is None:
        turn = await _coach(ctx, athlete, inbox, photos, first_contact=not start["welcomed"],
                            turn_id=turn_id)
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


async def _take_photos(ctx: dict[str, Any], athlete: UUID, ids: list[UUID]) -> PhotoTurn:
    """The turn's photos fetched and stored before the coach thinks; Twilio unreachable
    leaves the texts waiting and the job is tried again (worker/photos/save.py)."""
    services = photo_services(ctx, deps(ctx).settings)
    try:
        return await take_photos(deps(ctx).pool, services.source, services.store, athlete, ids,
                                 taken_at=now())
    except MediaUnavailable:
        raise Retry(defer=constants.PHOTO_RETRY_S) from None


async def _coach(ctx: dict[str, Any], athlete: UUID, inbox: list[Any], photos: PhotoTurn, *,
                 first_contact: bool, turn_id: UUID) -> TurnOutcome:
    """The coach's turn, told only that photos were saved, and the photos' acknowledgement
    appended by code. Texts that were only a photo need no coach: the acknowledgement is the
    reply."""
    d = deps(ctx)
    ack = photos.acknowledgement()
    said = [row for row in inbox if row["id"] not in photos.with_media or row["body"].strip()]
    if ack and not said and not first_contact:
        return TurnOutcome(replies=[Reply("chat", ack)])
    seen = [photos.for_coach(row) for row in said or inbox]
    turn = await take_turn(d.pool, d.agents(), athlete, seen, first_contact=first_contact,
                           turn_id=turn_id)
    chats = [reply for reply in turn.replies if reply.kind == "chat"]
    if ack and chats:
        chats[-1].body = f"{chats[-1].body} {ack}"
    elif ack:
        turn.replies.append(Reply("chat", ack))
    return turn


async def _lapsed(ctx: dict[str, Any], athlete: UUID, start: asyncpg.Record,
                  lapse: Standing) -> _TurnEnd:
    """Coaching is paused (subscriptions are required and this athlete's lapsed): the texts
    are kept and marked handled without coaching, and the lapse's one text (where to renew)
    answers them, unless this lapse was told already."""
    d = deps(ctx)
    ids = [row["id"] for row in start["inbox"]]
    turn_id = uuid.uuid4()
    async with d.pool.acquire() as conn, conn.transaction():
        marked = await conn.fetch(sql("mark_inbound_processed"), ids, turn_id)
        _check_all_marked(len(marked), ids, turn_id)
        outbound = await tell_lapsed(conn, athlete, lapse, settings=d.settings,
                                     to_number=start["phone"], reply_to_id=ids[-1],
                                     turn_id=turn_id)
    log.info("turn %s: athlete %s's subscription lapsed; %d text(s) kept uncoached",
             turn_id, athlete, len(ids))
    # A red flag is answered whatever the subscription: the referral, and a person is asked.
    return _TurnEnd(outbound + await _red_flag_while_taken_over(ctx, athlete, start),
                    lapsed=True)


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
