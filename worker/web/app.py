"""The webhook app. It stores and enqueues; it never thinks, so it answers in milliseconds."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from uuid import UUID

import asyncpg
from arq.connections import ArqRedis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from worker.db.pool import create_pool
from worker.db.queries import sql
from worker.errors import BadRequest
from worker.inbound import InboundText, accept_inbound
from worker.queue import connect_redis
from worker.settings import Settings
from worker.sms.channel import OPTED_OUT_CODES, UNDELIVERABLE_CODES
from worker.web.signature import is_valid, public_url

log = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
TWILIO_STATUSES = frozenset(
    {"accepted", "scheduled", "queued", "sending", "sent", "delivered", "undelivered",
     "failed", "read", "canceled"}
)


@dataclass
class WebDeps:
    settings: Settings
    pool: asyncpg.Pool
    redis: ArqRedis


def _deps(request: Request) -> WebDeps:
    found = request.app.state.deps
    assert isinstance(found, WebDeps)
    return found


async def _signed_form(request: Request, settings: Settings) -> dict[str, str]:
    """The POSTed form, once its Twilio signature checks out (400 unreadable, 403 forged)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise BadRequest(400, "expected an application/x-www-form-urlencoded body")
    try:
        form = await request.form()
    except Exception:
        raise BadRequest(400, "unreadable form body") from None
    params = {key: value for key, value in form.items() if isinstance(value, str)}
    signature = request.headers.get("x-twilio-signature", "")
    url = public_url(request, settings.public_base_url)
    if not is_valid(settings.webhook_auth_token, url, params, signature):
        log.warning("rejected a webhook with an invalid signature for %s", url)
        raise BadRequest(403, "invalid signature")
    return params


def _required(params: dict[str, str], name: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise BadRequest(400, f"missing {name}")
    return value


async def twilio_sms(request: Request) -> Response:
    d = _deps(request)
    try:
        params = await _signed_form(request, d.settings)
        text = InboundText(
            sid=_required(params, "MessageSid"),
            from_number=_required(params, "From"),
            to_number=_required(params, "To"),
            body=params.get("Body", ""),
        )
        if not E164.match(text.from_number):
            raise BadRequest(400, "From is not an E.164 phone number")
    except BadRequest as exc:
        return Response(exc.detail, status_code=exc.status, media_type="text/plain")
    accepted = await accept_inbound(d.pool, d.redis, d.settings, text)
    if accepted.duplicate:
        log.info("duplicate delivery of %s ignored", text.sid)
    return Response(EMPTY_TWIML, media_type="text/xml")


async def twilio_status(request: Request) -> Response:
    d = _deps(request)
    try:
        params = await _signed_form(request, d.settings)
        sid = _required(params, "MessageSid")
        status = _required(params, "MessageStatus").lower()
    except BadRequest as exc:
        return Response(exc.detail, status_code=exc.status, media_type="text/plain")
    if status not in TWILIO_STATUSES:
        return Response(f"unknown MessageStatus {status!r}", status_code=400)
    error_code = int(params["ErrorCode"]) if params.get("ErrorCode", "").isdigit() else None
    message_id = _uuid(request.query_params.get("message_id"))
    async with d.pool.acquire() as conn, conn.transaction():
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
    return Response(status_code=204)


async def healthz(request: Request) -> Response:
    d = _deps(request)
    checks: dict[str, str] = {}
    try:
        async with d.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc}"
    try:
        await d.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {exc}"
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
        app.state.deps = WebDeps(settings, pool, redis)
        try:
            yield
        finally:
            await redis.aclose()
            await pool.close()

    app = Starlette(
        routes=[
            Route("/twilio/sms", twilio_sms, methods=["POST"]),
            Route("/twilio/status", twilio_status, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    if deps is not None:
        app.state.deps = deps
    return app

