"""Server-rendered pages: one Jinja environment for the console and the athlete page.

Autoescaping is on for every template (athletes' texts are shown verbatim, so they must never
become markup), and pages work without JavaScript: forms POST and redirect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from worker.paths import WEB_TEMPLATES_DIR


def _when(value: datetime | None, zone: str = "UTC") -> str:
    """A timestamp as people read it in a list: 'Tue 10 Mar 18:02'."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M")


#: Every page's policy (the athlete page tightens it further).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'none'; img-src 'self' data:; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

templates = Jinja2Templates(directory=str(WEB_TEMPLATES_DIR))
templates.env.filters["when"] = _when


def render(request: Request, template: str, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """``template`` rendered with ``context``; every page is private and never cached."""
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # No page needs script, and athletes' words are shown on them: forbid it outright.
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response
