"""The webhook app. It stores and enqueues; it never thinks, so it answers in milliseconds."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

import asyncpg
from redis.exceptions import RedisError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from worker.constants import (
    MAX_ADDRESS_CHARS,
    MAX_ERROR_CODE_DIGITS,
    MAX_SID_CHARS,
    MAX_SMS_BODY_CHARS,
    MAX_WEBHOOK_FIELDS,
    WEBHOOK_DB_TIMEOUT_S,
)
from worker.db.pool import create_pool
from worker.db.queries import sql
from worker.errors import BadRequest
from worker.inbound import ChatBatcher, InboundText, accept_inbound
from worker.inbound_buffer import DATABASE_DOWN, buffer_inbound
from worker.paths import WEB_STATIC_DIR
from worker.photos.media import parse_media
from worker.queue import connect_redis
from worker.settings import Settings
from worker.sms.channel import OPTED_OUT_CODES, UNDELIVERABLE_CODES
from worker.web.athlete import athlete_routes
from worker.web.body import bounded_body
from worker.web.console import console
from worker.web.deps import WebDeps, deps_of
from worker.web.forms import parse_form
from worker.web.signature import is_valid, public_url
from worker.web.signup import signup_routes
from worker.web.stripe_webhook import stripe_webhook

log = logging.getLogger(__name__)

SID = re.compile(r"^[A-Za-z0-9_-]+$")
ERROR_CODE = re.compile(rf"^[0-9]{{1,{MAX_ERROR_CODE_DIGITS}}}$")
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
TWILIO_STATUSES = frozenset(
    {"accepted", "scheduled", "queued", "sending", "sent", "delivered", "undelivered",
     "failed", "read", "canceled"}
)




async def _signed_form(request: Request, settings: Settings) -> dict[str, str]:
    """The POSTed form, once its Twilio signature checks out (400 unreadable, 403 forged,
    413 too large)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise BadRequest(400, "expected an application/x-www-form-urlencoded body")
    body = await bounded_body(request)
    try:
        pairs = parse_form(body.decode("utf-8"), max_fields=MAX_WEBHOOK_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest(400, "unreadable form body") from None
    params = dict(pairs)
    signature = request.headers.get("x-twilio-signature", "")
    url = public_url(request, settings.public_base_url,
                     trust_forwarded=settings.trust_proxy_headers)
    if not is_valid(settings.webhook_auth_token, url, params, signature):
        log.warning("rejected a webhook with an invalid signature for %s", url)
        raise BadRequest(403, "invalid signature")
    return params


def _required(params: dict[str, str], name: str, max_chars: int) -> str:
    """A field that must be there, short, and free of bytes PostgreSQL refuses (NUL)."""
    value = params.get(name, "").strip()
    if not value:
        raise BadRequest(400, f"missing {name}")
    if len(value) > max_chars or "\x00" in value:
        raise BadRequest(400, f"{name} is not a valid value")
    return value


def _sid(params: dict[str, str]) -> str:
    sid = _required(params, "MessageSid", MAX_SID_CHARS)
    if not SID.match(sid):
        raise BadRequest(400, "MessageSid is not a valid id")
    return sid


def _body(params: dict[str, str]) -> str:
    """The text as sent, without NUL bytes (PostgreSQL refuses them; "STOP\\0" is still STOP)."""
    body = params.get("Body", "").replace("\x00", "")
    if len(body) > MAX_SMS_BODY_CHARS:
        raise BadRequest(400, f"Body over {MAX_SMS_BODY_CHARS} characters")
    return body


def _error_code(params: dict[str, str]) -> int | None:
    """Twilio's numeric error code; anything else ("²", 5,000 digits) is not one."""
    value = params.get("ErrorCode", "")
    return int(value) if ERROR_CODE.match(value) else None


async def twilio_sms(request: Request) -> Response:
    d = deps_of(request)
    try:
        params = await _signed_form(request, d.settings)
        text = InboundText(
            sid=_sid(params),
            from_number=_required(params, "From", MAX_ADDRESS_CHARS),
            to_number=_required(params, "To", MAX_ADDRESS_CHARS),
            body=_body(params),
            media=parse_media(params, local_files=not d.settings.uses_twilio),
        )
        if not E164.match(text.from_number):
            raise BadRequest(400, "From is not an E.164 phone number")
    except BadRequest as exc:
        return Response(exc.detail, status_code=exc.status, media_type="text/plain")
    try:
        # asyncio.timeout, not wait_for: no task is created per text.
        async with asyncio.timeout(WEBHOOK_DB_TIMEOUT_S):
            accepted = await accept_inbound(d.pool, d.redis, d.settings, text, d.batcher)
    except Exception as exc:
        # Twilio does not redeliver by default: a signed text we could not store (PostgreSQL
        # down, or anything else) is kept in Redis until a worker stores it. Only if Redis is
        # gone too is it a 503 (Twilio's fallback URL can act on that).
        level = logging.WARNING if isinstance(exc, DATABASE_DOWN) else logging.ERROR
        log.log(level, "could not store %s now; keeping it in Redis", text.sid, exc_info=True)
        try:
            await buffer_inbound(d.redis, text)
        except (OSError, RedisError):
            log.error("PostgreSQL and Redis both unavailable; %s refused with 503", text.sid)
            return Response("storage unavailable", status_code=503, media_type="text/plain")
        return Response(EMPTY_TWIML, media_type="text/xml")
    if accepted.duplicate:
        log.info("duplicate delivery of %s ignored", text.sid)
    return Response(EMPTY_TWIML, media_type="text/xml")


async def twilio_status(request: Request) -> Response:
    d = deps_of(request)
    try:
        params = await _signed_form(request, d.settings)
        sid = _sid(params)
        status = _required(params, "MessageStatus", MAX_SID_CHARS).lower()
    except BadRequest as exc:
        return Response(exc.detail, status_code=exc.status, media_type="text/plain")
    if status not in TWILIO_STATUSES:
        return Response("unknown MessageStatus", status_code=400, media_type="text/plain")
    error_code = _error_code(params)
    message_id = _uuid(request.query_params.get("message_id"))
    try:
        await asyncio.wait_for(_record_status(d.pool, message_id, sid, status, error_code),
                               WEBHOOK_DB_TIMEOUT_S)
    except DATABASE_DOWN:
        # A delivery receipt only: Twilio may retry it, and the send is settled either way.
        log.warning("PostgreSQL unavailable; status %s for %s not recorded", status, sid)
        return Response("database unavailable", status_code=503, media_type="text/plain")
    return Response(status_code=204)


async def _record_status(pool: asyncpg.Pool, message_id: UUID | None, sid: str, status: str,
                         error_code: int | None) -> None:
    async with pool.acquire() as conn, conn.transaction():
        if message_id is not None:
            row = await conn.fetchrow(
                sql("record_status_by_id"), message_id, sid, status, error_code
            )
        else:
            row = await conn.fetchrow(sql("record_status_by_sid"), sid, status, error_code)
        if row is not None and error_code in OPTED_OUT_CODES:
            await conn.execute(sql("opt_out_user"), row["user_id"])
        elif row is not None and error_code in UNDELIVERABLE_CODES:
            await conn.execute(sql("mark_user_undeliverable"), row["user_id"])


async def healthz(request: Request) -> Response:
    d = deps_of(request)
    checks: dict[str, str] = {}
    # ok or error only: exception text (hosts, users, versions) is for the log, not the wire.
    try:
        async with d.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        log.warning("healthz: database check failed", exc_info=True)
        checks["database"] = "error"
    try:
        await d.redis.ping()
        checks["redis"] = "ok"
    except Exception:
        log.warning("healthz: redis check failed", exc_info=True)
        checks["redis"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", **checks},
        status_code=200 if healthy else 503,
    )


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


def create_app(
    settings: Settings,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    deps: WebDeps | None = None,
) -> Starlette:
    """The webhook app: with ``deps`` (tests) it uses them, else it opens its own on startup."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if deps is not None:
            app.state.deps = deps
            yield
            return
        assert database_url is not None and redis_url is not None
        pool = await create_pool(database_url, max_size=20)
        redis = await connect_redis(redis_url)
        app.state.deps = WebDeps(settings, pool, redis, ChatBatcher(pool, redis, settings))
        try:
            yield
        finally:
            await redis.aclose()
            await pool.close()

    app = Starlette(
        routes=[
            Route("/twilio/sms", twilio_sms, methods=["POST"]),
            Route("/twilio/status", twilio_status, methods=["POST"]),
            Route("/stripe/webhook", stripe_webhook, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            *athlete_routes,
            *signup_routes,
            console,
            Mount("/static", StaticFiles(directory=WEB_STATIC_DIR), name="static"),
        ],
        lifespan=lifespan,
    )
    if deps is not None:
        app.state.deps = deps
    return app

