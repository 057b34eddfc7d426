"""Human takeover: a person answers an athlete instead of the coach, for a bounded time.

While a takeover is open the athlete's texts are stored and shown but no agent answers them
(``turn_start`` reports it and the inbox job leaves them waiting; the sweeper skips them); the
morning text is held or sent as the operator chose. The operator's replies go through the same
outbox as the coach's (one row per SMS part, queued in order, sent exactly once, consent and
pacing checked at send time) and answer whatever was waiting. Handing back, or the takeover
running out, resumes the coach: texts that arrived after the operator's last reply are answered
by it then, with the operator's messages in its context like any earlier message.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from arq.connections import ArqRedis

from worker.clock import now
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.errors import TextcoachError
from worker.outbox import conversation_for, write_outbound
from worker.queue import enqueue_build_plan, enqueue_inbox, enqueue_send
from worker.staff import audit
from worker.staff.accounts import Operator

Morning = Literal["hold", "send"]
#: The kind of an outbound message a person wrote.
OPERATOR_KIND = "operator"
#: Longest operator reply: what Twilio accepts in one message (11 GSM-7 SMS parts).
MAX_REPLY_CHARS = 1600


class TakeoverError(TextcoachError):
    """A takeover action that does not apply now; ``code`` names which case, for the page."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True)
class Takeover:
    id: UUID
    user_id: UUID
    operator_email: str | None
    morning: Morning
    started_at: datetime
    expires_at: datetime


async def current_takeover(conn: Conn, user_id: UUID) -> Takeover | None:
    """The takeover pausing the coach for this athlete now, if any."""
    row = await conn.fetchrow(sql("open_takeover"), user_id, now())
    if row is None:
        return None
    return Takeover(row["id"], row["user_id"], row["operator_email"], row["morning"],
                    row["started_at"], row["expires_at"])


async def take_over(conn: Conn, user_id: UUID, operator: Operator, morning: Morning,
                    hours: float) -> Takeover:
    """Pause the coach for ``user_id`` for at most ``hours``."""
    moment = now()
    async with conn.transaction():
        await conn.execute(sql("close_run_out_takeover"), user_id, moment)
        row = await conn.fetchrow(sql("start_takeover"), user_id, operator.id, morning, moment,
                                  moment + timedelta(hours=hours))
        if row is None:
            raise TakeoverError("taken", "this conversation is already taken over")
        await audit.record(conn, operator.email, "takeover", "user", user_id,
                           {"morning": morning, "expires_at": row["expires_at"].isoformat()})
    return Takeover(row["id"], user_id, operator.email, morning, row["started_at"],
                    row["expires_at"])


async def reply_as_operator(conn: Conn, redis: ArqRedis, user_id: UUID, operator: Operator,
                            body: str, *, from_number: str, key: str,
                            seen_seq: int | None = None) -> list[UUID]:
    """Queue the operator's text to the athlete; it answers the waiting texts they saw.

    ``key`` is the form's one-time key: a double-clicked or re-posted form writes nothing the
    second time (the message's dedupe key), so the athlete gets it once, and [] says so.
    ``seen_seq``: the newest message on the operator's screen; texts after it still wait
    (a red flag that arrived while they typed is not marked answered by a reply to something
    else). None: every waiting text.
    """
    body = body.strip()
    if not body:
        raise TakeoverError("empty", "the reply is empty")
    if len(body) > MAX_REPLY_CHARS:
        raise TakeoverError("too_long", f"the reply is over {MAX_REPLY_CHARS} characters")
    async with conn.transaction():
        # Two posts of one form at once: the second waits here, then finds the first's.
        await conn.execute(sql("lock_operator_reply"), key)
        if await conn.fetchval(sql("scheduled_kinds_sent"), f"operator:{key}"):
            return []
        if await current_takeover(conn, user_id) is None:
            raise TakeoverError("not_taken", "take over the conversation before replying")
        athlete = await conn.fetchrow(sql("athlete_contact"), user_id)
        if athlete is None:
            raise TakeoverError("no_athlete", "no such athlete")
        if athlete["opted_out_at"] is not None:
            raise TakeoverError("opted_out",
                                "the athlete has opted out (STOP); nothing can be sent")
        turn = uuid.uuid4()
        answered = await conn.fetch(sql("answer_waiting_texts"), user_id, turn,
                                    seen_seq if seen_seq is not None else 2**62, now())
        last = max(answered, key=lambda row: row["seq"], default=None)
        ids = await write_outbound(
            conn, user_id=user_id, conversation_id=await conversation_for(conn, user_id),
            from_number=from_number, to_number=athlete["phone"], body=body,
            kind=OPERATOR_KIND, turn_id=turn, dedupe_key=f"operator:{key}",
            reply_to_id=last["id"] if last is not None else None,
        )
        await audit.record(conn, operator.email, "reply", "user", user_id,
                           {"chars": len(body), "parts": len(ids),
                            "answered_texts": len(answered)})
    for message_id in ids:
        await enqueue_send(redis, message_id, first=True)
    return ids


async def hand_back(conn: Conn, redis: ArqRedis, user_id: UUID, operator: Operator) -> bool:
    """Resume the coach; it answers what the athlete sent since the operator last replied."""
    async with conn.transaction():
        started = await conn.fetchval(sql("end_takeover"), user_id, now())
        if started is None:
            return False
        await audit.record(conn, operator.email, "hand_back", "user", user_id)
    await resume_coach(conn, redis, user_id, since=started)
    return True


async def expire_takeovers(conn: Conn, redis: ArqRedis) -> int:
    """Close takeovers whose time has run out and let the coach answer what waited."""
    async with conn.transaction():
        rows = await conn.fetch(sql("expire_takeovers"), now())
        for row in rows:
            await audit.record(conn, audit.SYSTEM, "takeover_expired", "user", row["user_id"])
    for row in rows:
        await resume_coach(conn, redis, row["user_id"], since=row["started_at"])
    return len(rows)


async def resume_coach(conn: Conn, redis: ArqRedis, user_id: UUID, *, since: datetime) -> None:
    """Queue a turn for texts left waiting by a takeover (the sweeper would, later), and the
    text of a plan written while a person had the conversation (``since`` it began)."""
    first = await conn.fetchval(sql("first_waiting_text"), user_id)
    if first is not None:
        await enqueue_inbox(redis, user_id=user_id, message_id=first,
                            sweep_tick=int(now().timestamp()))
    if await conn.fetchval(sql("plan_text_held"), user_id, since):
        await enqueue_build_plan(redis, user_id)
