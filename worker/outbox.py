"""Writing outbound texts: split into SMS parts, stored, and queued in order.

Called inside the caller's transaction, so a reply is written together with whatever it answers
(the inbound marked processed, a consent change). Sending happens later, in send_message.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from worker.db.pool import Conn
from worker.db.queries import sql
from worker.sms.segments import encoding_of, segment_info, split_message


@dataclass(frozen=True)
class Part:
    """One SMS of an outbound text, as it is stored."""

    body: str
    index: int
    count: int
    segments: int
    #: The whole text's encoding: one emoji makes every part UCS-2.
    encoding: str


def parts_of(body: str) -> list[Part]:
    parts = split_message(body)
    encoding = encoding_of(body)
    return [Part(part, index, len(parts), segment_info(part).segments, encoding)
            for index, part in enumerate(parts, start=1)]


async def write_outbound(
    conn: Conn,
    *,
    user_id: UUID,
    conversation_id: UUID,
    from_number: str,
    to_number: str,
    body: str,
    kind: str,
    turn_id: UUID | None = None,
    reply_to_id: UUID | None = None,
    dedupe_key: str | None = None,
    asks: list[str] | None = None,
) -> list[UUID]:
    """Store ``body`` as one outbound row per SMS part, queued in order; return their ids.

    A dedupe key belongs to the first part (the rest carry it with a part suffix), so the whole
    reply is refused by the UNIQUE constraint if that key was already written. ``asks`` (the
    profile fields the text asks for) is recorded on the first part too.
    """
    ids: list[UUID] = []
    for part in parts_of(body):
        key = dedupe_key if part.index == 1 or dedupe_key is None \
            else f"{dedupe_key}#{part.index}"
        message_id: UUID = await conn.fetchval(
            sql("insert_outbound"),
            user_id,
            conversation_id,
            kind,
            part.body,
            from_number,
            to_number,
            part.segments,
            part.encoding,
            part.index,
            part.count,
            reply_to_id,
            turn_id,
            key,
            asks if part.index == 1 and asks else None,
        )
        await conn.execute(sql("enqueue_outbound"), user_id, message_id)
        ids.append(message_id)
    await conn.execute(sql("touch_conversation"), conversation_id)
    return ids


async def conversation_for(conn: Conn, user_id: UUID) -> UUID:
    """The athlete's current conversation, started on first contact."""
    conversation_id: UUID | None = await conn.fetchval(sql("latest_conversation"), user_id)
    if conversation_id is None:
        conversation_id = await conn.fetchval(sql("insert_conversation"), user_id)
    assert conversation_id is not None
    return conversation_id
