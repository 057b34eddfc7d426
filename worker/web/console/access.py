"""Who is signed in to the console, what their role allows, and the CSRF check on every POST.

Pages call :func:`signed_in`; a missing or dead session sends the browser to the login page.
Actions call :func:`authorise`, which also checks the form's CSRF token and the role, and
answers with a plain 403 when either fails (nothing is changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from worker.constants import CONSOLE_COOKIE
from worker.staff.accounts import Operator, Role, operator_by_id
from worker.staff.help import open_help_count
from worker.web.deps import deps_of
from worker.web.sessions import CSRF_FIELD, WebSession, csrf_matches, session_from
from worker.web.templating import render

#: The console's cookie is sent to these paths only.
COOKIE_PATH = "/console"


@dataclass(frozen=True)
class SignedIn:
    operator: Operator
    session: WebSession


async def signed_in(request: Request) -> SignedIn | None:
    pool = deps_of(request).pool
    async with pool.acquire() as conn:
        session = await session_from(conn, request, CONSOLE_COOKIE)
        if session is None or session.operator_id is None:
            return None
        operator = await operator_by_id(conn, session.operator_id)
    return SignedIn(operator, session) if operator is not None else None


def to_login(request: Request) -> RedirectResponse:
    """Back to the login page, remembering where the operator was going (a local path only)."""
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(f"/console/login?next={quote(target, safe='')}", status_code=303)


async def authorise(request: Request, role: Role) -> tuple[SignedIn, FormData] | Response:
    """A POST's operator and form, or the response refusing it."""
    who = await signed_in(request)
    if who is None:
        return to_login(request)
    form = await request.form()
    token = form.get(CSRF_FIELD)
    if not csrf_matches(who.session, token if isinstance(token, str) else None):
        return PlainTextResponse("invalid or missing CSRF token", status_code=403)
    if not who.operator.may(role):
        return PlainTextResponse(f"this needs the {role} role", status_code=403)
    return who, form


def field(form: FormData, name: str, max_chars: int = 2000) -> str:
    """A text field of a form, '' when absent or not text, cut to ``max_chars``."""
    value = form.get(name)
    return value[:max_chars] if isinstance(value, str) else ""


async def page(request: Request, template: str, who: SignedIn, status_code: int = 200,
               **context: Any) -> HTMLResponse:
    """A console page: the template with the operator and the needs-a-person badge's count."""
    async with deps_of(request).pool.acquire() as conn:
        count = await open_help_count(conn)
    return render(request, template, status_code, who=who, needs_person_count=count,
                  **context)
