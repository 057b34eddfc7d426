"""One athlete in the console: the thread, what the coach knows and did, and the takeover.

Everything an operator needs to step in is on one page: the messages with their delivery
states and SMS parts, the profile with the text each field came from, the plan and this week,
logs, progression decisions, model cost and each trace one click away. The actions (take over,
reply, hand back, resolve a request for a person) are POSTs that redirect back here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from worker.agents.trace_text import format_call
from worker.clock import now
from worker.coach.links import redact_links
from worker.constants import PHOTOS_SHOWN
from worker.db.queries import sql
from worker.staff import audit
from worker.staff.accounts import Role
from worker.staff.help import open_help_for, resolve_help_request
from worker.staff.takeover import (
    MAX_REPLY_CHARS,
    Morning,
    TakeoverError,
    current_takeover,
    hand_back,
    reply_as_operator,
    take_over,
)
from worker.web.athlete import send_photo
from worker.web.console.access import SignedIn, authorise, field, page, signed_in, to_login
from worker.web.deps import deps_of
from worker.web.sessions import new_token

log = logging.getLogger(__name__)

THREAD_LENGTH = 200
LIST_LENGTH = 20
#: What a redirect back to the page says, by code (never text from the query string).
NOTES = {
    "taken_over": "You have taken over. The coach will not answer until you hand back.",
    "replied": "Your reply is queued; it goes out through the same outbox as the coach's.",
    "already_sent": "That reply was sent already (the form was posted twice); nothing new "
                    "was sent.",
    "handed_back": "Handed back. The coach answers again, starting with anything waiting.",
    "resolved": "Marked as handled.",
}


@dataclass(frozen=True)
class ThreadMessage:
    """One SMS part of the thread as the console shows it: a working athlete link in a body
    is masked, so the page never hands a way into the athlete's own page to whoever reads it."""

    direction: str
    kind: str
    body: str
    status: str
    error_code: int | None
    part_index: int
    part_count: int
    segments: int
    turn_id: UUID | None
    processed_at: datetime | None
    created_at: datetime
    seq: int

    @classmethod
    def of(cls, row: asyncpg.Record) -> ThreadMessage:
        return cls(row["direction"], row["kind"], redact_links(row["body"]), row["status"],
                   row["error_code"], row["part_index"], row["part_count"], row["segments"],
                   row["turn_id"], row["processed_at"], row["created_at"], row["seq"])


@dataclass(frozen=True)
class ProfileLine:
    field: str
    value: str
    source: str


def _athlete_id(request: Request) -> UUID | None:
    try:
        return UUID(str(request.path_params["user_id"]))
    except ValueError:
        return None


def _monday(zone: str) -> date:
    today = now().astimezone(ZoneInfo(zone)).date()
    return today - timedelta(days=today.weekday())


def _profile_lines(athlete: asyncpg.Record) -> list[ProfileLine]:
    sources: dict[str, Any] = athlete["sources"] or {}
    shown = [("primary_goal", athlete["primary_goal"]), ("experience", athlete["experience"]),
             ("days_per_week", athlete["days_per_week"]),
             ("training_days", athlete["training_days"]),
             ("session_minutes", athlete["session_minutes"]),
             ("equipment", ", ".join(athlete["equipment"] or [])),
             ("training_location", athlete["training_location"]),
             ("injuries", "; ".join(str(i.get("note") or i.get("area"))
                                    for i in athlete["injuries"] or [])),
             ("age", athlete["age"])]
    lines = []
    for name, value in shown:
        source = sources.get(name) or {}
        said = source.get("text") or ("assumed by the coach" if source.get("assumed") else "")
        lines.append(ProfileLine(name, "" if value in (None, "", []) else str(value), said))
    return lines


async def athlete_page(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_login(request)
    user_id = _athlete_id(request)
    if user_id is None:
        return PlainTextResponse("no such athlete", status_code=404)
    d = deps_of(request)
    moment = now()
    async with d.pool.acquire() as conn:
        athlete = await conn.fetchrow(sql("console_athlete"), user_id)
        if athlete is None:
            return PlainTextResponse("no such athlete", status_code=404)
        monday = _monday(athlete["timezone"])
        thread = await conn.fetch(sql("console_thread"), user_id, THREAD_LENGTH)
        plan = await conn.fetchrow(sql("console_plan"), user_id, monday,
                                   monday + timedelta(days=7))
        logs = await conn.fetch(sql("console_logs"), user_id, LIST_LENGTH)
        steps = await conn.fetch(sql("console_steps"), user_id, LIST_LENGTH)
        today = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        costs = await conn.fetchrow(sql("console_costs"), user_id, today,
                                    moment - timedelta(days=30))
        traces = await conn.fetch(sql("console_traces"), user_id, LIST_LENGTH,
                                  moment - timedelta(days=30))
        takeover = await current_takeover(conn, user_id)
        help_request = await open_help_for(conn, user_id)
        activity = await audit.recent(conn, "user", user_id, LIST_LENGTH)
        photos = await conn.fetch(sql("live_photos"), user_id, PHOTOS_SHOWN)
    messages = [ThreadMessage.of(m) for m in thread]
    return await page(request, "console/athlete.html", who, athlete=athlete, messages=messages,
        profile=_profile_lines(athlete), plan=plan, logs=logs, steps=steps, costs=costs,
        traces=traces, takeover=takeover, help_request=help_request, activity=activity,
        photos=photos,
        reply_key=new_token(), max_reply=MAX_REPLY_CHARS,
        seen_seq=max((m.seq for m in messages), default=0),
        takeover_hours=d.settings.takeover_hours,
        note=NOTES.get(request.query_params.get("note", "")),
        error=request.query_params.get("error") if request.query_params.get("error")
        in ERRORS else None, errors=ERRORS,
    )


async def photo(request: Request) -> Response:
    """An athlete's progress photo for any signed-in operator (viewers too); deleted photos
    and another athlete's id in the path are a 404."""
    if await signed_in(request) is None:
        return to_login(request)
    user_id = _athlete_id(request)
    if user_id is None:
        return PlainTextResponse("no such photo", status_code=404)
    return await send_photo(request, user_id)


async def trace_page(request: Request) -> Response:
    who = await signed_in(request)
    if who is None:
        return to_login(request)
    user_id = _athlete_id(request)
    try:
        trace_id = UUID(str(request.path_params["trace_id"]))
    except ValueError:
        trace_id = None
    if user_id is None or trace_id is None:
        return PlainTextResponse("no such trace", status_code=404)
    async with deps_of(request).pool.acquire() as conn:
        rows = await conn.fetch(sql("console_trace_of"), trace_id, user_id)
    if not rows:
        return PlainTextResponse("no such trace", status_code=404)
    calls = [format_call(index, dict(row)) for index, row in enumerate(rows, start=1)]
    return await page(request, "console/trace.html", who, user_id=user_id, trace_id=trace_id,
                  calls=calls, started=rows[0]["created_at"])


#: Errors a redirect may name, with what the page says.
ERRORS = {
    "taken": "Someone has already taken over this conversation.",
    "not_taken": "Take over the conversation before replying.",
    "empty": "The reply is empty.",
    "too_long": f"The reply is over {MAX_REPLY_CHARS} characters.",
    "opted_out": "The athlete has opted out (STOP); nothing can be sent.",
    "not_paused": "The coach was not paused.",
    "no_athlete": "No such athlete.",
}


def _back(user_id: UUID, *, note: str | None = None, error: str | None = None) -> Response:
    query = f"?note={note}" if note else f"?error={error}" if error else ""
    return RedirectResponse(f"/console/athletes/{user_id}{query}#actions", status_code=303)


@dataclass(frozen=True)
class _Acting:
    """An allowed POST about one athlete: who acts, their form, on whom."""

    who: SignedIn
    form: FormData
    user_id: UUID


async def _acting(request: Request, role: Role) -> _Acting | Response:
    """The operator (signed in, CSRF checked, role enough) and the athlete the POST is about,
    or the response refusing it."""
    allowed = await authorise(request, role)
    if isinstance(allowed, Response):
        return allowed
    user_id = _athlete_id(request)
    if user_id is not None:
        async with deps_of(request).pool.acquire() as conn:
            if await conn.fetchrow(sql("athlete_contact"), user_id) is None:
                user_id = None
    if user_id is None:
        return PlainTextResponse("no such athlete", status_code=404)
    return _Acting(allowed[0], allowed[1], user_id)


async def take_over_action(request: Request) -> Response:
    act = await _acting(request, "coach")
    if isinstance(act, Response):
        return act
    morning: Morning = "send" if field(act.form, "morning") == "send" else "hold"
    d = deps_of(request)
    try:
        async with d.pool.acquire() as conn:
            await take_over(conn, act.user_id, act.who.operator, morning,
                            d.settings.takeover_hours)
    except TakeoverError as exc:
        return _back(act.user_id, error=exc.code)
    return _back(act.user_id, note="taken_over")


async def reply_action(request: Request) -> Response:
    act = await _acting(request, "coach")
    if isinstance(act, Response):
        return act
    key = field(act.form, "key", 100)
    seen = field(act.form, "seen", 20)
    if not key:
        return PlainTextResponse("missing form key", status_code=400)
    d = deps_of(request)
    try:
        async with d.pool.acquire() as conn:
            sent = await reply_as_operator(
                conn, d.redis, act.user_id, act.who.operator,
                field(act.form, "body", MAX_REPLY_CHARS + 1),
                from_number=d.settings.coach_number, key=key,
                seen_seq=int(seen) if seen.isdecimal() else None)
    except TakeoverError as exc:
        return _back(act.user_id, error=exc.code)
    return _back(act.user_id, note="replied" if sent else "already_sent")


async def hand_back_action(request: Request) -> Response:
    act = await _acting(request, "coach")
    if isinstance(act, Response):
        return act
    d = deps_of(request)
    async with d.pool.acquire() as conn:
        ended = await hand_back(conn, d.redis, act.user_id, act.who.operator)
    if not ended:
        return _back(act.user_id, error="not_paused")
    return _back(act.user_id, note="handed_back")


async def resolve_action(request: Request) -> Response:
    act = await _acting(request, "coach")
    if isinstance(act, Response):
        return act
    async with deps_of(request).pool.acquire() as conn, conn.transaction():
        if await resolve_help_request(conn, act.user_id, act.who.operator.id):
            await audit.record(conn, act.who.operator.email, "resolve_help_request", "user",
                               act.user_id)
    return _back(act.user_id, note="resolved")
