"""Browser sessions, shared by the operator console and the athlete page.

The cookie holds a random token; PostgreSQL holds only its SHA-256, so a leaked copy of the
table opens nothing, and revoking a row (logout, a disabled operator) ends the session at once,
which a signed-cookie session could not do. Each session has its own CSRF token, which every
form of that session carries and every POST must echo.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from worker.clock import now
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.tokens import new_token as new_token
from worker.tokens import token_hash as token_hash

#: The form field that carries a session's CSRF token.
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class WebSession:
    """A live session: exactly one of ``operator_id`` and ``user_id`` is set."""

    id: UUID
    operator_id: UUID | None
    user_id: UUID | None
    csrf_token: str
    expires_at: datetime


async def start_session(
    conn: Conn, *, ttl: timedelta, operator_id: UUID | None = None,
    user_id: UUID | None = None,
) -> tuple[str, WebSession]:
    """A new session and the token for its cookie (returned once, never stored)."""
    token = new_token()
    row = await conn.fetchrow(sql("start_web_session"), token_hash(token), operator_id, user_id,
                              new_token(), now() + ttl)
    assert row is not None
    return token, WebSession(**dict(row))


async def session_from(conn: Conn, request: Request, cookie: str) -> WebSession | None:
    """The request's live session under ``cookie``, or None (no cookie, unknown, expired)."""
    token = request.cookies.get(cookie)
    if not token or len(token) > 100:
        return None
    row = await conn.fetchrow(sql("web_session_by_token"), token_hash(token), now())
    return WebSession(**dict(row)) if row is not None else None


async def end_session(conn: Conn, request: Request, cookie: str) -> None:
    token = request.cookies.get(cookie)
    if token:
        await conn.execute(sql("revoke_web_session"), token_hash(token))


def csrf_matches(session: WebSession, submitted: str | None) -> bool:
    """A POST's token against its session's, in constant time."""
    return submitted is not None and hmac.compare_digest(session.csrf_token.encode(),
                                                         submitted.encode())


def set_session_cookie(response: Response, cookie: str, token: str, *, max_age: int,
                       secure: bool, path: str) -> None:
    """HttpOnly (no script reads it), SameSite=Lax (no cross-site POST carries it), Secure over
    HTTPS, and scoped to its own path, so the console's and an athlete's never meet."""
    response.set_cookie(cookie, token, max_age=max_age, httponly=True, secure=secure,
                        samesite="lax", path=path)


def clear_session_cookie(response: Response, cookie: str, *, path: str) -> None:
    response.delete_cookie(cookie, path=path)
