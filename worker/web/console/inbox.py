"""The console's front page: athletes, searchable and filtered, needing a person first."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from worker.clock import now
from worker.constants import CONSOLE_PAGE_SIZE
from worker.db.athlete_search import (
    LAST_TEXT_DAYS,
    STATUSES,
    AthleteFilter,
    athlete_list_query,
)
from worker.domain.vocabulary import GOALS
from worker.web.console.access import page, signed_in, to_login
from worker.web.deps import deps_of

MAX_QUERY_CHARS = 100


def _filter_from(request: Request) -> AthleteFilter:
    params = request.query_params
    days = params.get("last_text", "")
    page = params.get("page", "1")
    return AthleteFilter(
        q=params.get("q", "")[:MAX_QUERY_CHARS],
        status=params.get("status", ""),
        goal=params.get("goal", ""),
        needs_person=params.get("needs_person") == "1",
        paused=params.get("paused") == "1",
        opted_out=params.get("opted_out") == "1",
        last_text_days=int(days) if days.isdecimal() and int(days) in LAST_TEXT_DAYS else None,
        page=min(int(page), 10_000) if page.isdecimal() and int(page) > 0 else 1,
    )


async def inbox_page(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_login(request)
    wanted = _filter_from(request)
    query, args = athlete_list_query(wanted, now())
    async with deps_of(request).pool.acquire() as conn:
        rows = await conn.fetch(query, *args)
    params = [(key, value) for key, value in request.query_params.multi_items()
              if key != "page"]
    return await page(request, "console/inbox.html", who, wanted=wanted,
                  athletes=rows[:CONSOLE_PAGE_SIZE], has_next=len(rows) > CONSOLE_PAGE_SIZE,
                  params=params, statuses=STATUSES, goals=GOALS, last_text_days=LAST_TEXT_DAYS)
