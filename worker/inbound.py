"""Accepting an inbound text: store it once, answer carrier keywords, hand the rest to a turn.

Everything here runs inside the webhook's request. A plain text (nearly all of them) is one
statement and one Redis round trip; a keyword ("STOP", "HELP", "yes" after an opt-out) is a
short transaction, because its answer depends on and changes the athlete's consent. The coach's
thinking happens later in ``process_inbox``.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg
from arq.connections import ArqRedis

from worker.db.pool import Conn
from worker.db.queries import sql
from worker.outbox import conversation_for, write_outbound
from worker.queue import enqueue_inbox, enqueue_send
from worker.settings import Settings
from worker.sms.keywords import KIND_BY_KEYWORD, REPLIES, Keyword, classify, may_be_keyword
from worker.sms.segments import segment_info
from worker.timezones import guess_timezone, guess_units

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboundText:
    sid: str
    from_number: str
    to_number: str
    body: str


@dataclass
class Accepted:
    user_id: UUID
    message_id: UUID | None
    duplicate: bool
    keyword: Keyword | None = None
    created_user: bool = False
    outbound_ids: list[UUID] = field(default_factory=list)


async def accept_inbound(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings, text: InboundText
) -> Accepted:
    """Store ``text`` idempotently on its SID, then enqueue whatever must happen next.

    A redelivered SID stores and enqueues nothing. Keywords are answered here, in the same
    transaction that records the consent change, so STOP takes effect before this returns.
    """
    info = segment_info(text.body)
    # A new athlete's zone and units are guessed from their number until they say otherwise.
    guess = guess_timezone(text.from_number).timezone or settings.default_timezone
    units = guess_units(text.from_number)
    if not may_be_keyword(text.body):
        return await _accept_chat(pool, redis, settings, text, guess, units)
    async with pool.acquire() as conn, conn.transaction():
        user = await conn.fetchrow(sql("upsert_user_by_phone"), text.from_number, guess, units)
        assert user is not None
        user_id: UUID = user["id"]
        keyword = classify(text.body, opted_out=user["opted_out_at"] is not None)
        conversation_id = await conversation_for(conn, user_id)
        message_id: UUID | None = await conn.fetchval(
            sql("insert_inbound"),
            user_id,
            conversation_id,
            "keyword" if keyword else "chat",
            text.body,
            text.from_number,
            text.to_number,
            text.sid,
            info.segments,
            info.encoding,
        )
        if message_id is None:
            return Accepted(user_id, None, duplicate=True)
        accepted = Accepted(user_id, message_id, False, keyword, bool(user["created"]))
        if keyword is not None:
            accepted.outbound_ids = await _answer_keyword(
                conn, keyword, user_id, conversation_id, message_id, text
            )

    if keyword is None:
        await enqueue_inbox(
            redis,
            user_id=user_id,
            message_id=message_id,
            defer_s=settings.inbox_debounce_seconds,
        )
    for outbound_id in accepted.outbound_ids:
        await enqueue_send(redis, outbound_id, first=True)  # STOP/HELP answers go ahead
    return accepted


async def _accept_chat(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings, text: InboundText, zone: str,
    units: str,
) -> Accepted:
    """The common case, a text that is no keyword: one statement, one round trip, and one
    enqueue. Consent plays no part in storing it; the turn and the send check it later."""
    info = segment_info(text.body)
    args = (text.from_number, zone, units, text.body, text.to_number, text.sid,
            info.segments, info.encoding)
    row = await pool.fetchrow(sql("accept_chat_text"), *args)
    assert row is not None
    user_id: UUID = row["user_id"]
    message_id: UUID | None = row["message_id"]
    if message_id is None:
        return Accepted(user_id, None, duplicate=True)
    await enqueue_inbox(
        redis, user_id=user_id, message_id=message_id, defer_s=settings.inbox_debounce_seconds
    )
    return Accepted(user_id, message_id, False, None, bool(row["created"]))


async def _answer_keyword(
    conn: Conn,
    keyword: Keyword,
    user_id: UUID,
    conversation_id: UUID,
    message_id: UUID,
    text: InboundText,
) -> list[UUID]:
    if keyword is Keyword.OPT_OUT:
        await conn.execute(sql("opt_out_user"), user_id)
    elif keyword is Keyword.OPT_IN:
        await conn.execute(sql("opt_in_user"), user_id)
    turn_id = uuid.uuid4()
    await conn.execute(sql("mark_inbound_processed"), [message_id], turn_id)
    return await write_outbound(
        conn,
        user_id=user_id,
        conversation_id=conversation_id,
        from_number=text.to_number,
        to_number=text.from_number,
        body=REPLIES[keyword],
        kind=KIND_BY_KEYWORD[keyword],
        turn_id=turn_id,
        reply_to_id=message_id,
    )
