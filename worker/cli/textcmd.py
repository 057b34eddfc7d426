"""``textcoach text`` and ``textcoach chat``: be the athlete from a terminal.

Each text is posted to the running webhook exactly as Twilio would post it, signed, so it takes
the real path (signature, storage, queue, worker, outbox). The replies are then read from the
database: the outbound rows of the turn that answered this text.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Sequence
from uuid import UUID

import asyncpg
import httpx2

from worker.db.pool import connect
from worker.db.queries import sql
from worker.embedded import resolve_database
from worker.errors import ConfigError
from worker.settings import Settings
from worker.web.signature import sign, twilio_form

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


async def post_text(settings: Settings, phone: str, body: str) -> str:
    """Post one signed inbound text to the webhook; return its MessageSid."""
    sid = f"SM{uuid.uuid4().hex}"
    url = f"{settings.base_url}/twilio/sms"
    form = twilio_form(settings, sid=sid, phone=phone, body=body)
    headers = {"X-Twilio-Signature": sign(settings.webhook_auth_token, url, form)}
    try:
        async with httpx2.AsyncClient(timeout=10) as client:
            response = await client.post(url, data=form, headers=headers)
    except httpx2.HTTPError as exc:
        raise ConfigError(
            f"nothing answered at {url} ({exc.__class__.__name__}); is `textcoach run` running?"
        ) from None
    if response.status_code != 200:
        raise ConfigError(f"the webhook answered {response.status_code}: {response.text.strip()}")
    return sid


async def wait_for_replies(
    conn: asyncpg.Connection, sid: str, *, wait_s: float
) -> list[str] | None:
    """The bodies the turn answering ``sid`` wrote, or None if none came within ``wait_s``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while loop.time() < deadline:
        row = await conn.fetchrow(sql("inbound_by_sid"), sid)
        if row is not None and row["turn_id"] is not None:
            turn_id: UUID = row["turn_id"]
            replies = await conn.fetch(sql("turn_outbound"), turn_id)
            if replies or row["processed_at"] is not None:
                return [reply["body"] for reply in replies]
        await asyncio.sleep(0.1)
    return None


def _check_phone(phone: str) -> str:
    if not E164.match(phone):
        raise ConfigError(f"{phone!r} is not an E.164 number (like +15551230001)")
    return phone


def _print_replies(replies: Sequence[str] | None, timeout: float) -> None:
    if replies is None:
        print(f"(no reply within {timeout:g}s; the worker may be busy or stopped)")
    elif not replies:
        print("(stored; no reply was due)")
    for body in replies or []:
        print(f"coach: {body}")


async def _text(settings: Settings, phone: str, message: str, wait_s: float) -> None:
    database_url, _handle = resolve_database(settings)
    conn = await connect(database_url)
    try:
        sid = await post_text(settings, phone, message)
        _print_replies(await wait_for_replies(conn, sid, wait_s=wait_s), wait_s)
    finally:
        await conn.close()


def text(settings: Settings, phone: str, message: str, *, timeout: float) -> int:
    asyncio.run(_text(settings, _check_phone(phone), message, timeout))
    return 0


async def _chat(settings: Settings, phone: str, wait_s: float) -> None:
    database_url, _handle = resolve_database(settings)
    conn = await connect(database_url)
    print(f"You are {phone}. Type a text and press Enter; Ctrl-D to leave.")
    try:
        while True:
            try:
                line = await asyncio.to_thread(input, "you: ")
            except EOFError:
                print()
                return
            if not line.strip():
                continue
            sid = await post_text(settings, phone, line)
            _print_replies(await wait_for_replies(conn, sid, wait_s=wait_s), wait_s)
    finally:
        await conn.close()


def chat(settings: Settings, phone: str, *, timeout: float) -> int:
    asyncio.run(_chat(settings, _check_phone(phone), timeout))
    return 0
