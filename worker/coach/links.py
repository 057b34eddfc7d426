"""The athlete's own-page link: a one-time code texted as ``<base_url>/a/<code>``.

An athlete who texts LINK gets a link that opens their progress page once, within
ATHLETE_LINK_TTL_S; opening it starts a browser session and the link is spent. Only the code's
SHA-256 is stored (``user_auth_codes.code_hash``), so the table opens nothing. The code is 256
random bits, so a guess cannot hit one; what the checks below guard against is a link that
travels (forwarded, screenshotted, left in a shared phone's history): after one use, after its
quarter of an hour, or after a newer link was texted, it opens nothing.

The outbound text itself carries the code, so whatever shows message bodies to people (the
operator console) passes them through :func:`redact_links` first.
"""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID

from worker.clock import now
from worker.constants import ATHLETE_LINK_MAX_ATTEMPTS, ATHLETE_LINK_TTL_S
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.tokens import new_token, token_hash

#: Where a link points, under the site's base URL.
LINK_PREFIX = "/a/"
#: A code as :func:`new_token` makes it (43 URL-safe characters), with a little slack; anything
#: else in the URL is refused before the database is asked.
CODE_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")
#: A link code inside a text, for masking: the path and at least 16 code characters (also a
#: code cut short by a line break or a split text is masked).
_CODE_IN_TEXT = re.compile(r"(?<=/a/)[A-Za-z0-9_-]{16,}")
#: What a masked code reads as.
REDACTED = "[link hidden]"
#: The weekly recap's pointer to the page.
LINK_OFFER = "Text LINK to see your charts."
#: The recap leaves the pointer out for an athlete who opened the page this recently.
OFFER_UNLESS_VISITED_DAYS = 28


def link_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}{LINK_PREFIX}{code}"


async def issue_link(conn: Conn, user_id: UUID, base_url: str) -> str:
    """A new one-time link for ``user_id``, as texted; earlier unused links stop working.

    Run it in the transaction that writes the text carrying the link, so a link is never
    stored without the text that hands it out (nor texted without being stored)."""
    code = new_token()
    moment = now()
    await conn.execute(sql("retire_athlete_links"), user_id, moment)
    await conn.execute(sql("insert_athlete_link"), user_id, token_hash(code),
                       moment + timedelta(seconds=ATHLETE_LINK_TTL_S))
    return link_url(base_url, code)


def is_code_shaped(code: str) -> bool:
    """Whether ``code`` could be a link code at all (no database work for the rest)."""
    return CODE_SHAPE.fullmatch(code) is not None


async def consume_link(conn: Conn, code: str) -> UUID | None:
    """The athlete whose link this is, spending it; None when it is unknown, used, expired,
    replaced by a newer one, or burnt. Atomic: of two concurrent opens, one wins."""
    if not is_code_shaped(code):
        return None
    hashed = token_hash(code)
    user_id: UUID | None = await conn.fetchval(
        sql("consume_athlete_link"), hashed, now(), ATHLETE_LINK_MAX_ATTEMPTS)
    if user_id is None:
        await conn.execute(sql("count_link_attempt"), hashed, ATHLETE_LINK_MAX_ATTEMPTS)
    return user_id


async def note_presented(conn: Conn, code: str) -> None:
    """A link fetched without being opened (a messaging app building a preview): counted, so
    a link fetched by many such clients (posted somewhere public) stops working."""
    if is_code_shaped(code):
        await conn.execute(sql("count_link_attempt"), token_hash(code),
                           ATHLETE_LINK_MAX_ATTEMPTS)


async def offers_link(conn: Conn, user_id: UUID) -> bool:
    """Whether the weekly recap should end with :data:`LINK_OFFER`: not for an athlete who
    opened the page in the last weeks (they know; every word of a recap costs SMS)."""
    since = now() - timedelta(days=OFFER_UNLESS_VISITED_DAYS)
    return not await conn.fetchval(sql("visited_page_since"), user_id, since)


def redact_links(text: str) -> str:
    """``text`` with every link code masked: a message body shown to a person (the operator
    console) must not be a working way into the athlete's page."""
    return _CODE_IN_TEXT.sub(REDACTED, text)
