"""Console login and logout.

Failed logins are counted in Redis per email and per client address over a rolling window;
past either limit the login is refused before the password is checked, so guessing costs the
attacker the window, not us an argon2 hash per try.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from arq.connections import ArqRedis
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from worker import constants
from worker.staff import audit
from worker.staff.accounts import authenticate
from worker.web.console.access import COOKIE_PATH, authorise, field, signed_in
from worker.web.deps import deps_of
from worker.web.sessions import (
    clear_session_cookie,
    end_session,
    set_session_cookie,
    start_session,
)
from worker.web.templating import render

log = logging.getLogger(__name__)


def _client(request: Request) -> str:
    settings = deps_of(request).settings
    if settings.trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


def _keys(email: str, address: str) -> tuple[str, str]:
    return (f"{constants.LOGIN_FAILURES_PREFIX}email:{email.strip().lower()}",
            f"{constants.LOGIN_FAILURES_PREFIX}addr:{address}")


async def _locked_out(redis: ArqRedis, email: str, address: str) -> bool:
    by_email, by_address = await redis.mget(_keys(email, address))
    return (int(by_email or 0) >= constants.LOGIN_MAX_FAILURES_PER_EMAIL
            or int(by_address or 0) >= constants.LOGIN_MAX_FAILURES_PER_ADDRESS)


async def _count_failure(redis: ArqRedis, email: str, address: str) -> None:
    """One more failure on each counter; the window starts at a counter's first failure."""
    async with redis.pipeline(transaction=True) as pipe:
        for key in _keys(email, address):
            pipe.set(key, 0, ex=constants.LOGIN_WINDOW_S, nx=True)
            pipe.incr(key)
        await pipe.execute()


def _safe_next(target: str) -> str:
    """Only a console path: never an absolute URL (an open redirect)."""
    if target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console"


async def login_page(request: Request) -> Response:
    if await signed_in(request) is not None:
        return RedirectResponse("/console", status_code=303)
    return render(request, "console/login.html", next=request.query_params.get("next", ""))


async def login(request: Request) -> Response:
    d = deps_of(request)
    form = await request.form()
    email, password = field(form, "email", 320), field(form, "password", 1000)
    target = _safe_next(field(form, "next", 500))
    address = _client(request)
    if await _locked_out(d.redis, email, address):
        log.warning("console login for %s from %s refused: too many failures", email, address)
        return render(request, "console/login.html", status_code=429, next=target,
                      error="Too many failed logins. Try again in 15 minutes.")
    async with d.pool.acquire() as conn:
        operator = await authenticate(conn, email, password)
        if operator is None:
            await _count_failure(d.redis, email, address)
            return render(request, "console/login.html", status_code=401, next=target,
                          error="Wrong email or password.")
        token, _ = await start_session(
            conn, ttl=timedelta(hours=d.settings.console_session_hours), operator_id=operator.id)
        await audit.record(conn, operator.email, "login", "operator", operator.id,
                           {"address": address})
    await d.redis.delete(_keys(email, address)[0])
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, constants.CONSOLE_COOKIE, token,
                       max_age=int(d.settings.console_session_hours * 3600),
                       secure=d.settings.secure_cookies, path=COOKIE_PATH)
    return response


async def logout(request: Request) -> Response:
    """Logout is a POST with the CSRF token, so another site cannot log an operator out."""
    allowed = await authorise(request, "viewer")
    response = RedirectResponse("/console/login", status_code=303)
    if isinstance(allowed, Response):
        return allowed
    who, _ = allowed
    async with deps_of(request).pool.acquire() as conn:
        await end_session(conn, request, constants.CONSOLE_COOKIE)
        await audit.record(conn, who.operator.email, "logout", "operator", who.operator.id)
    clear_session_cookie(response, constants.CONSOLE_COOKIE, path=COOKIE_PATH)
    return response
