"""Console login and logout.

Login attempts are counted in Redis per email and per client address, in a fixed window from
the first; past either limit the login is refused before the password is checked, so guessing
costs the attacker the window, not us an argon2 hash per try.
"""

from __future__ import annotations

import hmac
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
    new_token,
    set_session_cookie,
    start_session,
)
from worker.web.templating import render

log = logging.getLogger(__name__)

#: The login form's double-submit cookie, sent back to the login path only.
LOGIN_CSRF_COOKIE = "textcoach_login_csrf"
LOGIN_PATH = "/console/login"


def _client(request: Request) -> str:
    """The client's address. Behind a trusted proxy uvicorn has already put the proxy's view
    of it here (proxy_headers), so a forged X-Forwarded-For buys no fresh address."""
    return request.client.host if request.client else "unknown"


def _keys(email: str, address: str) -> tuple[str, str]:
    return (f"{constants.LOGIN_FAILURES_PREFIX}email:{email}",
            f"{constants.LOGIN_FAILURES_PREFIX}addr:{address}")


async def _reserve_attempt(redis: ArqRedis, email: str, address: str) -> bool:
    """Count this attempt before the password is checked, so parallel guesses cannot all slip
    under the limit; False when either counter is over it. The window starts at a counter's
    first attempt; a successful login clears the email's counter."""
    async with redis.pipeline(transaction=True) as pipe:
        for key in _keys(email, address):
            pipe.set(key, 0, ex=constants.LOGIN_WINDOW_S, nx=True)
            pipe.incr(key)
        _, by_email, _, by_address = await pipe.execute()
    return (int(by_email) <= constants.LOGIN_MAX_FAILURES_PER_EMAIL
            and int(by_address) <= constants.LOGIN_MAX_FAILURES_PER_ADDRESS)


def _safe_next(target: str) -> str:
    """Only a console path: never an absolute URL (an open redirect)."""
    if target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console"


def _login_form(request: Request, status_code: int = 200, *, target: str = "",
                error: str | None = None) -> Response:
    """The login page, with a fresh pre-session CSRF token in the form and in a cookie (a
    double submit): another site cannot log a browser in to an account of its choosing."""
    token = new_token()
    response = render(request, "console/login.html", status_code, next=target, error=error,
                      csrf_token=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=constants.LOGIN_WINDOW_S,
                        httponly=True, samesite="strict", path=LOGIN_PATH,
                        secure=deps_of(request).settings.secure_cookies)
    return response


async def login_page(request: Request) -> Response:
    if await signed_in(request) is not None:
        return RedirectResponse("/console", status_code=303)
    return _login_form(request, target=request.query_params.get("next", ""))


async def login(request: Request) -> Response:
    d = deps_of(request)
    form = await request.form()
    email = field(form, "email", 320).strip().lower()
    password = field(form, "password", 1000)
    target = _safe_next(field(form, "next", 500))
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(),
                                               field(form, "csrf_token", 100).encode()):
        return _login_form(request, 403, target=target,
                           error="The login form expired. Please try again.")
    address = _client(request)
    if not email.isascii() or not await _reserve_attempt(d.redis, email, address):
        log.warning("console login for %r from %s refused: too many attempts", email, address)
        return _login_form(request, 429, target=target,
                           error="Too many failed logins. Try again in 15 minutes.")
    async with d.pool.acquire() as conn:
        operator = await authenticate(conn, email, password)
        if operator is None:
            return _login_form(request, 401, target=target, error="Wrong email or password.")
        async with conn.transaction():
            token, _ = await start_session(
                conn, ttl=timedelta(hours=d.settings.console_session_hours),
                operator_id=operator.id)
            await audit.record(conn, operator.email, "login", "operator", operator.id,
                               {"address": address})
    await d.redis.delete(_keys(email, address)[0])
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, constants.CONSOLE_COOKIE, token,
                       max_age=int(d.settings.console_session_hours * 3600),
                       secure=d.settings.secure_cookies, path=COOKIE_PATH)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return response


async def logout(request: Request) -> Response:
    """Logout is a POST with the CSRF token, so another site cannot log an operator out."""
    allowed = await authorise(request, "viewer")
    if isinstance(allowed, Response):
        return allowed
    who, _ = allowed
    async with deps_of(request).pool.acquire() as conn, conn.transaction():
        await end_session(conn, request, constants.CONSOLE_COOKIE)
        await audit.record(conn, who.operator.email, "logout", "operator", who.operator.id)
    response = RedirectResponse("/console/login", status_code=303)
    clear_session_cookie(response, constants.CONSOLE_COOKIE, path=COOKIE_PATH)
    return response
