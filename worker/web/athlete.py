"""The athlete's own page: opened from the one-time link the coach texts, then read-only.

``GET /a/{code}`` only shows a page with one button: link previewers, carriers' and mail
providers' link scanners fetch a texted URL before the athlete taps it, and a GET that spent
the link would leave the athlete a dead one. The button POSTs to the same URL, which spends
the link (see worker.coach.links), starts an athlete session whose cookie is scoped to
``/me``, and redirects there. A link that is unknown, used, expired or malformed gets a 410
page saying to text LINK again (never a 500, never a hint which it was).
``GET /me`` shows the session's athlete, and only them: the athlete id comes from the session
row, nothing in the URL names an athlete, and there is no other route.

No page runs script: the Content-Security-Policy below forbids it, so even a chart label that
escaped escaping could not run (the charts are inline SVG, styled inline, hence 'unsafe-inline'
for styles only).
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from worker.clock import now
from worker.coach.links import consume_link, is_code_shaped, note_presented
from worker.constants import (
    ATHLETE_COOKIE,
    ATHLETE_LINK_TTL_S,
    ATHLETE_SESSION_TTL_S,
    PHOTOS_SHOWN,
)
from worker.db.queries import sql
from worker.photos.store import CONTENT_TYPE, store_for
from worker.web.athlete_data import load_page
from worker.web.charts import loads_chart, rungs_chart, sessions_chart, weight_chart
from worker.web.deps import deps_of
from worker.web.sessions import session_from, set_session_cookie, start_session
from worker.web.templating import render

#: The page, and the path its session cookie is scoped to.
ME_PATH = "/me"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: User agents of the apps that fetch a texted link to draw its preview (iMessage sends
#: facebookexternalhit and Twitterbot). A fetch by one of them must not spend the link the
#: athlete has not tapped yet; it gets a page with nothing on it. Faking one gains nothing.
PREVIEWERS = (
    "facebookexternalhit", "facebot", "twitterbot", "whatsapp", "slackbot", "telegrambot",
    "discordbot", "skypeuripreview", "linkedinbot", "embedly", "bingpreview", "googlebot",
)


def _locked_down(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _is_preview(request: Request) -> bool:
    """A fetch that is not the athlete opening the link: a HEAD (link checkers), or an app
    drawing a preview."""
    agent = request.headers.get("user-agent", "").lower()
    return request.method == "HEAD" or any(name in agent for name in PREVIEWERS)


def _gone(request: Request) -> Response:
    return _locked_down(render(request, "athlete/gone.html", status_code=410,
                               ttl_minutes=ATHLETE_LINK_TTL_S // 60))


async def show_link(request: Request) -> Response:
    """The page behind a texted link: a button that opens it. Nothing is spent here."""
    code = str(request.path_params["code"])
    if not is_code_shaped(code):
        return _gone(request)
    if _is_preview(request):
        async with deps_of(request).pool.acquire() as conn:
            await note_presented(conn, code)
        return _locked_down(render(request, "athlete/preview.html"))
    return _locked_down(render(request, "athlete/open.html", code=code))


async def open_link(request: Request) -> Response:
    """The athlete tapped Open: the link is spent and their page opens."""
    code = str(request.path_params["code"])
    if not is_code_shaped(code):
        return _gone(request)
    d = deps_of(request)
    async with d.pool.acquire() as conn, conn.transaction():
        user_id = await consume_link(conn, code)
        if user_id is None:
            return _gone(request)
        token, _ = await start_session(
            conn, ttl=timedelta(seconds=ATHLETE_SESSION_TTL_S), user_id=user_id)
        # The page, not the link: the code is never written anywhere in clear.
        await conn.execute(sql("record_page_visit"), ME_PATH, user_id, now())
    response = RedirectResponse(ME_PATH, status_code=303)
    set_session_cookie(response, ATHLETE_COOKIE, token, max_age=ATHLETE_SESSION_TTL_S,
                       secure=d.settings.secure_cookies, path=ME_PATH)
    return _locked_down(response)


async def me(request: Request) -> Response:
    d = deps_of(request)
    async with d.pool.acquire() as conn:
        session = await session_from(conn, request, ATHLETE_COOKIE)
        # An operator's session never opens an athlete's page (it lives under another
        # cookie anyway); only the athlete the link was texted to is shown.
        page = (await load_page(conn, session.user_id)
                if session is not None and session.user_id is not None else None)
        photos = (await conn.fetch(sql("live_photos"), session.user_id, PHOTOS_SHOWN)
                  if page is not None and session is not None else [])
    if page is None:
        return _locked_down(render(request, "athlete/signed_out.html", status_code=401))
    return _locked_down(render(
        request, "athlete/me.html", page=page,
        sessions_svg=sessions_chart(page.weeks),
        loads_svg=loads_chart(page.loads, page.unit) if page.loads or not page.rungs else None,
        rungs_svg=rungs_chart(page.rungs) if page.rungs else None,
        weight_svg=weight_chart(page.weights, page.unit), photos=photos,
    ))


async def send_photo(request: Request, user_id: UUID) -> Response:
    """A stored progress photo of ``user_id`` (the caller checked who may see it), never
    cached. Someone else's photo, a deleted one and one that never was get the same 404."""
    d = deps_of(request)
    try:
        photo_id = UUID(str(request.path_params["photo_id"]))
    except ValueError:
        photo_id = None
    key = (await d.pool.fetchval(sql("live_photo"), photo_id, user_id)
           if photo_id is not None else None)
    data = await store_for(d.settings).get(key) if key is not None else None
    if data is None:
        return _locked_down(Response("no such photo", status_code=404, media_type="text/plain"))
    response = _locked_down(Response(data, media_type=CONTENT_TYPE))
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


async def my_photo(request: Request) -> Response:
    """One of the session's athlete's own photos (their page's thumbnails)."""
    async with deps_of(request).pool.acquire() as conn:
        session = await session_from(conn, request, ATHLETE_COOKIE)
    if session is None or session.user_id is None:
        return _locked_down(Response("signed out", status_code=401, media_type="text/plain"))
    return await send_photo(request, session.user_id)


athlete_routes: list[BaseRoute] = [
    Route("/a/{code}", show_link, methods=["GET"]),
    Route("/a/{code}", open_link, methods=["POST"]),
    Route(ME_PATH, me, methods=["GET"]),
    Route(ME_PATH + "/photos/{photo_id}", my_photo, methods=["GET"]),
]
