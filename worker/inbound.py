"""Accepting an inbound text: store it once, answer carrier keywords, hand the rest to a turn.

Everything here runs inside the webhook's request. A plain text (nearly all of them) is one
statement and one Redis round trip; a keyword ("STOP", "HELP", "yes" after an opt-out) is a
short transaction, because its answer depends on and changes the athlete's consent (LINK's
answer carries a one-time link stored in that transaction, INVITE's a referral code made in
it). A referral code in a new number's first text is no keyword: that text is the athlete's
first message to the coach, and the statement storing it also links the referral. The coach's
thinking happens later in ``process_inbox``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg
from arq.connections import ArqRedis

from worker import constants
from worker.coach.links import issue_link
from worker.coach.referrals import code_in, referral_code_for
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.outbox import conversation_for, write_outbound
from worker.photos.media import MediaRef
from worker.queue import enqueue_inbox, enqueue_many, enqueue_send, inbox_job
from worker.settings import Settings
from worker.sms.keywords import (
    KIND_BY_KEYWORD,
    REPLIES,
    Keyword,
    classify,
    invite_reply,
    link_reply,
    may_be_keyword,
)
from worker.sms.segments import segment_info
from worker.timezones import guess_timezone, guess_units

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InboundText:
    sid: str
    from_number: str
    to_number: str
    body: str
    #: An MMS's media references (checked by the webhook); () for a plain text.
    media: tuple[MediaRef, ...] = ()

    def __post_init__(self) -> None:
        # Read back from the Redis buffer (JSON), media come as lists of dicts.
        media = tuple(m if isinstance(m, MediaRef) else MediaRef(**m) for m in self.media)
        object.__setattr__(self, "media", media)


@dataclass
class Accepted:
    user_id: UUID
    message_id: UUID | None
    duplicate: bool
    keyword: Keyword | None = None
    created_user: bool = False
    outbound_ids: list[UUID] = field(default_factory=list)


async def accept_inbound(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings, text: InboundText,
    batcher: ChatBatcher | None = None,
) -> Accepted:
    """Store ``text`` idempotently on its SID, then enqueue whatever must happen next.

    A redelivered SID stores and enqueues nothing. Keywords are answered here, in the same
    transaction that records the consent change, so STOP takes effect before this returns.
    A plain text goes through ``batcher`` when there is one (the webhook's group commit).
    """
    # A new athlete's zone and units are guessed from their number until they say otherwise.
    guess = guess_timezone(text.from_number).timezone or settings.default_timezone
    units = guess_units(text.from_number)
    if not may_be_keyword(text.body):
        chat = Chat(text, guess, units)
        if text.media:
            return await _store_with_media(pool, redis, settings, chat)
        if batcher is not None:
            return await batcher.accept(chat)
        return (await store_chats(pool, redis, settings, [chat]))[0]
    info = segment_info(text.body)
    async with pool.acquire() as conn, conn.transaction():
        user = await conn.fetchrow(sql("upsert_user_by_phone"), text.from_number, guess, units)
        assert user is not None
        user_id: UUID = user["id"]
        opted_out = user["opted_out_at"] is not None
        keyword = classify(text.body, opted_out=opted_out)
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
        if text.media:
            await _store_media(conn, message_id, user_id, text.media)
        if keyword is not None:
            accepted.outbound_ids = await _answer_keyword(
                conn, keyword, user_id, conversation_id, message_id, text,
                opted_out=opted_out, base_url=settings.base_url,
                coach_number=settings.coach_number,
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


@dataclass(frozen=True)
class Chat:
    """A plain text to store, with the zone and units a new athlete would start with."""

    text: InboundText
    zone: str
    units: str


async def store_chats(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings, chats: Sequence[Chat]
) -> list[Accepted]:
    """Texts that are no keyword, stored by one statement and their turns enqueued in one
    pipelined round trip; one Accepted per text, in order. Consent plays no part in storing
    them; the turn and the send check it later. A brand-new athlete whose first text carries a
    referral code ("JOIN 7KX2MQ") is linked to its owner by the same statement."""
    accepted = await _store_chats(pool, chats)
    await _enqueue_turns(redis, settings, accepted)
    return accepted


async def _store_with_media(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings, chat: Chat
) -> Accepted:
    """An MMS: the text and its media references in one transaction, so a photo is either
    kept with its text or neither is (and Twilio's redelivery stores both once)."""
    async with pool.acquire() as conn, conn.transaction():
        [accepted] = await _store_chats(conn, [chat])
        if accepted.message_id is not None:
            await _store_media(conn, accepted.message_id, accepted.user_id, chat.text.media)
    await _enqueue_turns(redis, settings, [accepted])
    return accepted


async def _store_media(conn: Conn, message_id: UUID, user_id: UUID,
                       media: Sequence[MediaRef]) -> None:
    await conn.execute(sql("insert_inbound_media"), message_id, user_id,
                       [m.position for m in media], [m.url for m in media],
                       [m.content_type for m in media])


async def _store_chats(pool: asyncpg.Pool | Conn, chats: Sequence[Chat]) -> list[Accepted]:
    infos = [segment_info(c.text.body) for c in chats]
    rows = await pool.fetch(
        sql("accept_chat_texts"),
        [c.text.from_number for c in chats], [c.zone for c in chats],
        [c.units for c in chats], [c.text.body for c in chats],
        [c.text.to_number for c in chats], [c.text.sid for c in chats],
        [i.segments for i in infos], [i.encoding for i in infos],
        [code_in(c.text.body) for c in chats],
    )
    return [Accepted(row["user_id"], row["message_id"], row["message_id"] is None, None,
                     bool(row["created"])) for row in rows]


async def _enqueue_turns(redis: ArqRedis, settings: Settings, accepted: list[Accepted]) -> None:
    await enqueue_many(redis, [
        inbox_job(a.user_id, a.message_id, defer_s=settings.inbox_debounce_seconds)
        for a in accepted if a.message_id is not None])


class ChatBatcher:
    """Group commit for the webhook's plain texts.

    A text arriving while a batch is being stored waits for the next one, and each batch is
    one statement and one Redis round trip however many texts it holds. Alone, a text is
    stored at once (a batch of one), so nothing waits under light load; under heavy load
    PostgreSQL and the webhook do one statement's work for many texts. Every caller still
    gets its own answer (or the batch's error, and keeps its text in Redis as before).
    """

    def __init__(self, pool: asyncpg.Pool, redis: ArqRedis, settings: Settings) -> None:
        self._pool = pool
        self._redis = redis
        self._settings = settings
        self._waiting: list[tuple[Chat, asyncio.Future[Accepted]]] = []
        self._drainer: asyncio.Task[None] | None = None
        self._finishing: set[asyncio.Task[None]] = set()

    async def accept(self, chat: Chat) -> Accepted:
        future: asyncio.Future[Accepted] = asyncio.get_running_loop().create_future()
        self._waiting.append((chat, future))
        if self._drainer is None:
            # Its own task: a caller that gives up (its timeout) does not stop the others'.
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[:constants.INBOUND_BATCH_MAX]
                del self._waiting[:len(batch)]
                try:
                    async with asyncio.timeout(constants.WEBHOOK_DB_TIMEOUT_S):
                        results = await _store_chats(self._pool, [chat for chat, _ in batch])
                except Exception as exc:
                    _fail(batch, exc)
                    continue
                # The next batch is stored while this one's turns are enqueued.
                finishing = asyncio.create_task(self._finish(batch, results))
                self._finishing.add(finishing)
                finishing.add_done_callback(self._finishing.discard)
        finally:
            self._drainer = None

    async def _finish(self, batch: list[tuple[Chat, asyncio.Future[Accepted]]],
                      results: list[Accepted]) -> None:
        try:
            await _enqueue_turns(self._redis, self._settings, results)
        except Exception as exc:
            _fail(batch, exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)


def _fail(batch: list[tuple[Chat, asyncio.Future[Accepted]]], exc: Exception) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(exc)


async def _answer_keyword(
    conn: Conn,
    keyword: Keyword,
    user_id: UUID,
    conversation_id: UUID,
    message_id: UUID,
    text: InboundText,
    *,
    opted_out: bool,
    base_url: str,
    coach_number: str,
) -> list[UUID]:
    if keyword is Keyword.OPT_OUT:
        await conn.execute(sql("opt_out_user"), user_id)
    elif keyword is Keyword.OPT_IN:
        await conn.execute(sql("opt_in_user"), user_id)
    turn_id = uuid.uuid4()
    await conn.execute(sql("mark_inbound_processed"), [message_id], turn_id)
    body = REPLIES[keyword]
    if keyword is Keyword.LINK:
        if opted_out:
            return []  # no text goes to someone who opted out, and no link is made for none
        body = link_reply(await issue_link(conn, user_id, base_url))
    elif keyword is Keyword.INVITE:
        if opted_out:
            return []  # nothing goes to someone who opted out, and no code is made for them
        body = invite_reply(await referral_code_for(conn, user_id), coach_number)
    return await write_outbound(
        conn,
        user_id=user_id,
        conversation_id=conversation_id,
        from_number=text.to_number,
        to_number=text.from_number,
        body=body,
        kind=KIND_BY_KEYWORD[keyword],
        turn_id=turn_id,
        reply_to_id=message_id,
    )
