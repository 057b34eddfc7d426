"""Inbound texts kept in Redis while PostgreSQL is down, and stored once it is back.

Twilio does not redeliver an inbound webhook by default, so a text the webhook cannot store is
gone. When PostgreSQL is unreachable the webhook keeps the signed text in a Redis hash under its
MessageSid (a redelivery overwrites itself) and still answers 200; a worker job drains the hash
through the same :func:`accept_inbound` as the webhook, so the usual SID dedupe applies and a
text stored before the outage (the webhook timed out after its commit) is not stored twice.

Opt-outs come first: the drain stores every buffered STOP before any other text, and while one
is buffered its phone is in a set the send job checks, so nothing reaches that athlete between
PostgreSQL returning and the STOP being stored.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass

import asyncpg
from arq.connections import ArqRedis

from worker import constants
from worker.inbound import InboundText, accept_inbound
from worker.settings import Settings
from worker.sms.keywords import Keyword, classify

log = logging.getLogger(__name__)

#: What "PostgreSQL cannot take this text now" looks like from asyncpg: refused or dropped
#: connections, a server starting or shutting down, no free connection, or no answer in time.
DATABASE_DOWN: tuple[type[BaseException], ...] = (
    OSError, TimeoutError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError, asyncpg.AdminShutdownError, asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
)


@dataclass(frozen=True)
class Buffered:
    text: InboundText
    received_at: float

    @property
    def opts_out(self) -> bool:
        return classify(self.text.body, opted_out=False) is Keyword.OPT_OUT


async def buffer_inbound(redis: ArqRedis, text: InboundText) -> None:
    """Keep a signed text in Redis (raises if Redis is down too: the webhook then says 503)."""
    entry = json.dumps({**asdict(text), "received_at": time.time()})
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hset(constants.INBOUND_BUFFER, text.sid, entry)
        if classify(text.body, opted_out=False) is Keyword.OPT_OUT:
            pipe.sadd(constants.BUFFERED_OPT_OUTS, text.from_number)
        await pipe.execute()


async def buffered(redis: ArqRedis) -> list[Buffered]:
    """Up to DRAIN_BATCH buffered texts, opt-outs first, then in the order they arrived."""
    found: list[Buffered] = []
    async for _, raw in redis.hscan_iter(constants.INBOUND_BUFFER, count=constants.DRAIN_BATCH):
        data = json.loads(raw)
        received_at = float(data.pop("received_at"))
        found.append(Buffered(InboundText(**data), received_at))
        if len(found) >= constants.DRAIN_BATCH:
            break
    return sorted(found, key=lambda b: (not b.opts_out, b.received_at))


async def drain_buffered(pool: asyncpg.Pool, redis: ArqRedis, settings: Settings) -> int:
    """Store what the webhook buffered; each text leaves Redis only once PostgreSQL has it."""
    stored = 0
    for entry in await buffered(redis):
        try:
            await accept_inbound(pool, redis, settings, entry.text)
        except DATABASE_DOWN:
            log.warning("PostgreSQL still unavailable; buffered texts wait in Redis")
            break
        except Exception:
            # Kept, not dropped: an operator can see it in the log and in Redis.
            log.exception("could not store buffered text %s; it stays in Redis", entry.text.sid)
            continue
        async with redis.pipeline(transaction=True) as pipe:
            pipe.hdel(constants.INBOUND_BUFFER, entry.text.sid)
            if entry.opts_out:
                pipe.srem(constants.BUFFERED_OPT_OUTS, entry.text.from_number)
            await pipe.execute()
        stored += 1
    if stored:
        log.warning("stored %d inbound texts kept in Redis while PostgreSQL was down", stored)
    return stored


async def opt_out_buffered(redis: ArqRedis, phone: str) -> bool:
    """Whether a STOP from this phone is waiting in Redis to be stored."""
    return bool(await redis.sismember(constants.BUFFERED_OPT_OUTS, phone))  # type: ignore[misc]
