"""Verified web sign-up: a number entered on a page, a code texted to it, onboarding by text.

``GET /signup`` is a form: the number, an optional first name, and a consent box saying what
the person will get. ``POST /signup`` texts a six-digit code to the number through the outbox
(the exactly-once path of every coach text, kind ``verification``), even to a number that never
texted us: the form asked for it. ``/signup/verify`` takes the code back. Only then is the
number's consent recorded (``users.opted_in_at``, ``opted_in_via = 'web'``) and onboarding
started, by the same turn a first text starts: a ``signup`` inbound row is stored and its turn
enqueued, so the coach's welcome and first onboarding question are the coach's own, with the
first name already known when one was given.

Why each piece is the way it is:

- **A pending row, not a new table.** ``user_auth_codes.user_id`` needs a user, so the number
  gets one at once, without ``opted_in_at`` and without any inbound text. Nothing coaches or
  schedules a row like that: turns start from inbound texts, and morning texts need a plan,
  which needs onboarding. If the person texts us instead, that text is their opt-in as usual.
- **No hint whether a number is an athlete.** Every valid number gets the same page and, unless
  it opted out, a code. Only someone holding the code learns that the number already has a
  coach (a page saying so, and no second onboarding).
- **STOP is not overridden.** A number that opted out gets no code (the send job would refuse
  it anyway, and Twilio blocks a STOPped number): the page tells everyone, without saying whose
  case it is, that a number which replied STOP must text START first.
- **Codes** are stored as the SHA-256 of the row id and the code, so two equal codes never
  share a hash; a code works once, within SIGNUP_CODE_TTL_S, and SIGNUP_CODE_MAX_ATTEMPTS wrong
  entries spend it. The browser's cookie holds the row id, never the code.
- **Rate limits** in Redis (fixed windows, as the console login's): codes per number and per
  address, entries per address. Each code is a text to someone's phone.
- **CSRF**: a double-submit cookie, as the console login's, so another site cannot make a
  visitor's browser text codes or enter them.
- **Page visits** record the path only, and the athlete id once the code proved who it is.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from arq.connections import ArqRedis
from redis.exceptions import RedisError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from worker import constants
from worker.clock import now
from worker.coach.profile_changes import apply_update
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.domain.profile import ProfileUpdate, Source
from worker.outbox import conversation_for, write_outbound
from worker.queue import enqueue_inbox, enqueue_send
from worker.settings import Settings
from worker.sms.segments import segment_info
from worker.timezones import guess_timezone, guess_units
from worker.tokens import new_token, token_hash
from worker.web.athlete import CONTENT_SECURITY_POLICY
from worker.web.deps import WebDeps, deps_of
from worker.web.templating import render

log = logging.getLogger(__name__)

SIGNUP_PATH = "/signup"
VERIFY_PATH = "/signup/verify"
RESEND_PATH = "/signup/resend"
#: The path recorded in page_visits when a code was accepted (with the athlete's id).
VERIFIED_PATH = "/signup/verified"
#: The message kind of the texted code, and of the inbound row that starts onboarding.
CODE_KIND = "verification"
SIGNUP_KIND = "signup"
#: The inbound row that stands for the form in the conversation: what the coach sees as the
#: athlete's first message. No words of the visitor's are put in it.
SIGNUP_TEXT = "(Signed up on the web page and confirmed this number.)"
#: Longest phone field read; anything longer is no phone number.
MAX_PHONE_CHARS = 32
_PHONE_PUNCTUATION = re.compile(r"[\s\-.()/\u00a0\u2010-\u2015]")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_NANP = re.compile(r"^\+1[2-9][0-9]{2}[2-9][0-9]{6}$")
#: A first name: letters, with single spaces, apostrophes, hyphens or periods between them.
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\u2019.-]{1,2}[^\W\d_]+)*\.?$")


def code_text(code: str) -> str:
    """The verification text: one GSM-7 segment, saying what it is and what to do if unasked."""
    minutes = constants.SIGNUP_CODE_TTL_S // 60
    return (f"{code} is your textcoach sign-up code. It expires in {minutes} minutes. "
            "Didn't ask for it? Ignore this text.")


class BadPhone(ValueError):
    """A phone field that is no number we can text; the message is for the visitor."""


def normalise_phone(raw: str) -> str:
    """``raw`` as E.164 (+15551234567): punctuation dropped, 00 read as +, and a number
    without a country code read as North American (10 digits, or 11 starting with 1), which
    is what most people type. Raises BadPhone with the reason to show."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise BadPhone("Enter your mobile number.")
    if len(text) > MAX_PHONE_CHARS:
        raise BadPhone("That is too long for a phone number.")
    text = _PHONE_PUNCTUATION.sub("", text)
    if text.startswith("00"):
        text = "+" + text[2:]
    plus = text.startswith("+")
    digits = text[1:] if plus else text
    if not digits.isascii() or not digits.isdigit():
        raise BadPhone("A phone number has digits only (and a + before the country code).")
    if not plus:
        if len(digits) == 10:
            digits = "1" + digits
        elif not (len(digits) == 11 and digits.startswith("1")):
            raise BadPhone("Include your country code, starting with + (e.g. +44 7700 900123).")
    number = "+" + digits
    if not _E164.match(number):
        raise BadPhone("That is not a complete phone number.")
    if number.startswith("+1") and not _NANP.match(number):
        raise BadPhone("That is not a valid US or Canadian number.")
    return number


def normalise_name(raw: str) -> str | None:
    """The first name typed, tidied; None when left empty. Raises ValueError with the reason."""
    name = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not name:
        return None
    if len(name) > constants.SIGNUP_MAX_NAME_CHARS:
        raise ValueError(f"Keep the name under {constants.SIGNUP_MAX_NAME_CHARS} characters.")
    if not _NAME.match(name):
        raise ValueError("Use letters only for your name (or leave it empty).")
    return name


def new_code() -> str:
    digits = constants.SIGNUP_CODE_DIGITS
    return f"{secrets.randbelow(10 ** digits):0{digits}d}"


def code_hash(code_id: UUID, code: str) -> str:
    """What is stored for a code: its row id in the hash makes equal codes differ."""
    return token_hash(f"signup:{code_id}:{code}")


# -- Pages --------------------------------------------------------------------------------------


@dataclass
class SignupForm:
    """What the visitor typed, shown again with the errors when the form is refused."""

    phone: str = ""
    name: str = ""
    consent: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def _field(form: FormData, name: str, max_chars: int) -> str:
    value = form.get(name)
    return value[:max_chars] if isinstance(value, str) else ""


def _locked_down(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _page(request: Request, template: str, status_code: int = 200, **context: object) -> Response:
    """A sign-up page with a fresh CSRF token, in its form and in a cookie (a double submit)."""
    d = deps_of(request)
    token = new_token()
    response = render(request, template, status_code, csrf_token=token,
                      coach_number=d.settings.coach_number,
                      ttl_minutes=constants.SIGNUP_CODE_TTL_S // 60,
                      digits=constants.SIGNUP_CODE_DIGITS, **context)
    response.set_cookie(constants.SIGNUP_CSRF_COOKIE, token, max_age=constants.SIGNUP_WINDOW_S,
                        httponly=True, samesite="strict", path=SIGNUP_PATH,
                        secure=d.settings.secure_cookies)
    return _locked_down(response)


def _form_page(request: Request, form: SignupForm, status_code: int = 200) -> Response:
    return _page(request, "signup/form.html", status_code, form=form)


def _verify_page(request: Request, status_code: int = 200, *, error: str | None = None,
                 spent: bool = False) -> Response:
    """The code form; ``spent``: the code can no longer work, so only a new one is offered."""
    return _page(request, "signup/verify.html", status_code, error=error, spent=spent)


def _csrf_ok(request: Request, form: FormData) -> bool:
    expected = request.cookies.get(constants.SIGNUP_CSRF_COOKIE, "")
    submitted = _field(form, "csrf_token", 100)
    return bool(expected) and hmac.compare_digest(expected.encode(), submitted.encode())


def _client(request: Request) -> str:
    """The client's address (behind a trusted proxy, uvicorn's view of it already)."""
    return request.client.host if request.client else "unknown"


async def _within(redis: ArqRedis, limits: list[tuple[str, int]]) -> bool:
    """Count one use against each ``(key, limit)`` in a window from its first use (the console
    login's scheme); False when any is past its limit."""
    async with redis.pipeline(transaction=True) as pipe:
        for key, _ in limits:
            pipe.set(constants.SIGNUP_LIMIT_PREFIX + key, 0, ex=constants.SIGNUP_WINDOW_S,
                     nx=True)
            pipe.incr(constants.SIGNUP_LIMIT_PREFIX + key)
        counts = (await pipe.execute())[1::2]
    return all(int(count) <= limit for count, (_, limit) in zip(counts, limits, strict=True))


async def _visit(d: WebDeps, path: str, user_id: UUID | None = None) -> None:
    """A page visit: the path and, once proven, the athlete; no number, address or agent."""
    async with d.pool.acquire() as conn:
        await conn.execute(sql("record_page_visit"), path, user_id, now())


async def signup_page(request: Request) -> Response:
    await _visit(deps_of(request), SIGNUP_PATH)
    return _form_page(request, SignupForm())


async def signup(request: Request) -> Response:
    d = deps_of(request)
    form_data = await request.form()
    form = SignupForm(phone=_field(form_data, "phone", MAX_PHONE_CHARS * 2),
                      name=_field(form_data, "name", constants.SIGNUP_MAX_NAME_CHARS * 2),
                      consent=_field(form_data, "consent", 10) == "yes")
    if not _csrf_ok(request, form_data):
        form.errors["form"] = "The form expired. Please try again."
        return _form_page(request, form, 403)
    phone = name = None
    try:
        phone = normalise_phone(form.phone)
    except BadPhone as exc:
        form.errors["phone"] = str(exc)
    try:
        name = normalise_name(form.name)
    except ValueError as exc:
        form.errors["name"] = str(exc)
    if not form.consent:
        form.errors["consent"] = "Tick the box to agree to the texts; we only text if you do."
    if form.errors or phone is None:
        return _form_page(request, form, 400)
    if not await _within(d.redis, [(f"number:{phone}", constants.SIGNUP_MAX_CODES_PER_NUMBER),
                                   (f"addr:{_client(request)}",
                                    constants.SIGNUP_MAX_CODES_PER_ADDRESS)]):
        log.warning("sign-up refused: too many codes asked for a number or from %s",
                    _client(request))
        form.errors["form"] = "Too many codes asked for. Please try again in an hour."
        return _form_page(request, form, 429)
    code_id = await send_code(d, phone)
    return await _to_verify(d, code_id, name)


async def _to_verify(d: WebDeps, code_id: UUID, name: str | None) -> Response:
    """On to the code form, the browser holding which code it waits on (not the code)."""
    key = f"{constants.SIGNUP_NAME_PREFIX}{code_id}"
    try:
        if name:
            await d.redis.set(key, name, ex=constants.SIGNUP_CODE_TTL_S)
    except RedisError:
        log.warning("sign-up: could not keep the first name; the coach will ask for it")
    response = RedirectResponse(VERIFY_PATH, status_code=303)
    response.set_cookie(constants.SIGNUP_COOKIE, str(code_id),
                        max_age=constants.SIGNUP_CODE_TTL_S, httponly=True, samesite="lax",
                        path=SIGNUP_PATH, secure=d.settings.secure_cookies)
    return _locked_down(response)


async def send_code(d: WebDeps, phone: str) -> UUID:
    """Text a new code to ``phone`` (its earlier codes stop working); the code's row id.

    A number that opted out, or whose athlete was deleted, gets no text and no code: the id
    returned then names nothing, so the visitor sees the same page either way."""
    code_id = uuid.uuid4()
    code = new_code()
    zone = guess_timezone(phone).timezone or d.settings.default_timezone
    moment = now()
    async with d.pool.acquire() as conn, conn.transaction():
        user = await conn.fetchrow(sql("signup_user"), phone, zone, guess_units(phone))
        assert user is not None
        if user["opted_out_at"] is not None or user["deleted_at"] is not None:
            log.info("sign-up for an opted-out or deleted number: no code texted")
            return code_id
        user_id: UUID = user["id"]
        await conn.execute(sql("signup_retire_codes"), user_id, moment)
        await conn.execute(sql("signup_insert_code"), code_id, user_id, code_hash(code_id, code),
                           moment + timedelta(seconds=constants.SIGNUP_CODE_TTL_S))
        outbound = await write_outbound(
            conn, user_id=user_id, conversation_id=await conversation_for(conn, user_id),
            from_number=d.settings.coach_number, to_number=phone, body=code_text(code),
            kind=CODE_KIND, dedupe_key=f"{CODE_KIND}:{code_id}")
    await _enqueue(d, sends=outbound)
    return code_id


async def _enqueue(d: WebDeps, *, sends: Sequence[UUID] = (),
                   inbox: tuple[UUID, UUID] | None = None) -> None:
    """Hand the stored rows to the workers; if Redis is away, the sweeper finds them."""
    try:
        for message_id in sends:
            await enqueue_send(d.redis, message_id, first=True)
        if inbox is not None:
            await enqueue_inbox(d.redis, user_id=inbox[0], message_id=inbox[1])
    except (OSError, RedisError):
        log.warning("sign-up: could not enqueue now; the sweeper will", exc_info=True)


def _waiting_code(request: Request) -> UUID | None:
    value = request.cookies.get(constants.SIGNUP_COOKIE, "")
    try:
        return UUID(value) if value and len(value) <= 40 else None
    except ValueError:
        return None


async def verify_page(request: Request) -> Response:
    await _visit(deps_of(request), VERIFY_PATH)
    if _waiting_code(request) is None:
        return _expired(request)
    return _verify_page(request)


def _expired(request: Request) -> Response:
    """No code is waiting in this browser (never asked, or its time ran out)."""
    return _page(request, "signup/verify.html", 410, error=None, spent=True, no_code=True)


@dataclass(frozen=True)
class Verdict:
    """What entering a code came to."""

    outcome: str  # "wrong", "locked", "used", "expired", "onboarding", "athlete"
    user_id: UUID | None = None
    tries_left: int = 0
    inbox: tuple[UUID, UUID] | None = None


async def verify(request: Request) -> Response:
    d = deps_of(request)
    form = await request.form()
    if not _csrf_ok(request, form):
        return _verify_page(request, 403, error="The form expired. Please try again.")
    code_id = _waiting_code(request)
    if code_id is None:
        return _expired(request)
    if not await _within(d.redis, [(f"verify:{_client(request)}",
                                    constants.SIGNUP_MAX_VERIFIES_PER_ADDRESS)]):
        return _verify_page(request, 429, error="Too many tries. Please try again in an hour.")
    code = re.sub(r"[\s-]", "", _field(form, "code", 40))
    if not re.fullmatch(rf"[0-9]{{{constants.SIGNUP_CODE_DIGITS}}}", code):
        return _verify_page(request, 400, error=(
            f"Enter the {constants.SIGNUP_CODE_DIGITS}-digit code from the text."))
    name = await _kept_name(d.redis, code_id)
    async with d.pool.acquire() as conn, conn.transaction():
        verdict = await check_code(conn, d.settings, code_id, code, name)
    if verdict.outcome == "wrong":
        return _verify_page(request, 400, error=(
            f"That code is not right. {verdict.tries_left} "
            f"{'try' if verdict.tries_left == 1 else 'tries'} left."))
    if verdict.outcome in ("locked", "used", "expired"):
        error = {"locked": "Too many wrong codes: that code no longer works.",
                 "used": "That code was already used.",
                 "expired": "That code has expired."}[verdict.outcome]
        return _verify_page(request, 410, error=error, spent=True)
    await _enqueue(d, inbox=verdict.inbox)
    await _visit(d, VERIFIED_PATH, verdict.user_id)
    response = _page(request, "signup/done.html",
                     already=verdict.outcome == "athlete")
    response.delete_cookie(constants.SIGNUP_COOKIE, path=SIGNUP_PATH)
    return response


async def _kept_name(redis: ArqRedis, code_id: UUID) -> str | None:
    try:
        value = await redis.get(f"{constants.SIGNUP_NAME_PREFIX}{code_id}")
    except RedisError:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return value if isinstance(value, str) and value else None


async def check_code(conn: Conn, settings: Settings, code_id: UUID, code: str,
                     name: str | None) -> Verdict:
    """Judge ``code`` against the waiting code ``code_id`` (call inside a transaction). A right
    code for a new number opts it in and stores the inbound row that starts onboarding; for an
    athlete it changes nothing else."""
    row = await conn.fetchrow(sql("signup_code_for_update"), code_id)
    if row is None:
        # A number that was never texted a code (it opted out): every entry is wrong, and the
        # address limit bounds them.
        return Verdict("wrong", tries_left=constants.SIGNUP_CODE_MAX_ATTEMPTS)
    moment = now()
    if row["used_at"] is not None or row["deleted_at"] is not None:
        return Verdict("used")
    if row["attempts"] >= constants.SIGNUP_CODE_MAX_ATTEMPTS:
        return Verdict("locked")
    if row["expires_at"] <= moment:
        return Verdict("expired")
    if not hmac.compare_digest(row["code_hash"], code_hash(code_id, code)):
        attempts: int = await conn.fetchval(sql("signup_count_wrong_code"), code_id)
        left = constants.SIGNUP_CODE_MAX_ATTEMPTS - attempts
        return Verdict("wrong", tries_left=left) if left > 0 else Verdict("locked")
    await conn.execute(sql("signup_use_code"), code_id, moment)
    user_id: UUID = row["user_id"]
    if row["opted_out_at"] is not None:
        return Verdict("used")  # opted out since the code was sent: STOP stands
    if await conn.fetchval(sql("signup_is_athlete"), user_id):
        return Verdict("athlete", user_id)
    await conn.execute(sql("signup_opt_in"), user_id, moment)
    message_id = await _signup_text(conn, settings, user_id, row["phone"], code_id)
    if name is not None:
        # The name goes through the same merge as a name given by text, so the coach's first
        # reply already uses it and never asks for it.
        today = moment.astimezone(ZoneInfo(row["timezone"])).date()
        await apply_update(conn, user_id, ProfileUpdate(name=name), today=today,
                           source=Source(message_id=str(message_id), text="web sign-up form"),
                           source_message_id=message_id, plan_active=False)
    return Verdict("onboarding", user_id, inbox=(user_id, message_id))


async def _signup_text(conn: Conn, settings: Settings, user_id: UUID, phone: str,
                       code_id: UUID) -> UUID:
    """The inbound row standing for the sign-up, unanswered, so the worker's next turn for
    this athlete is their first: the welcome and the first onboarding question. Its SID is
    the code's, so the row exists once however often the code is entered."""
    info = segment_info(SIGNUP_TEXT)
    message_id: UUID | None = await conn.fetchval(
        sql("insert_inbound"), user_id, await conversation_for(conn, user_id), SIGNUP_KIND,
        SIGNUP_TEXT, phone, settings.coach_number, f"web-signup-{code_id}", info.segments,
        info.encoding)
    assert message_id is not None, "a code is used once, so its sign-up row is new"
    return message_id


async def resend(request: Request) -> Response:
    """A new code to the number this browser's code went to, within the same limits."""
    d = deps_of(request)
    form = await request.form()
    if not _csrf_ok(request, form):
        return _verify_page(request, 403, error="The form expired. Please try again.")
    old = _waiting_code(request)
    phone = None
    if old is not None:
        async with d.pool.acquire() as conn:
            phone = await conn.fetchval(sql("signup_code_phone"), old)
    if phone is None:
        return RedirectResponse(SIGNUP_PATH, status_code=303)
    if not await _within(d.redis, [(f"number:{phone}", constants.SIGNUP_MAX_CODES_PER_NUMBER),
                                   (f"addr:{_client(request)}",
                                    constants.SIGNUP_MAX_CODES_PER_ADDRESS)]):
        return _verify_page(request, 429, spent=True,
                            error="Too many codes asked for. Please try again in an hour.")
    assert old is not None
    name = await _kept_name(d.redis, old)
    return await _to_verify(d, await send_code(d, str(phone)), name)


signup_routes: list[BaseRoute] = [
    Route(SIGNUP_PATH, signup_page, methods=["GET"]),
    Route(SIGNUP_PATH, signup, methods=["POST"]),
    Route(VERIFY_PATH, verify_page, methods=["GET"]),
    Route(VERIFY_PATH, verify, methods=["POST"]),
    Route(RESEND_PATH, resend, methods=["POST"]),
]
