"""Verified web sign-up, end to end over HTTP on real PostgreSQL and Redis: the form, the code
texted on the local channel and read back from it, the code entered, and the coach's first
onboarding texts. Also what must be refused (bad numbers, forged forms, wrong, expired, reused
and locked codes, floods) and what must not happen (a pending number coached or texted a
workout, an opt-out overridden, an athlete told apart, personal data in page_visits).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx2
import pytest

from tests.conftest import RunWorker, SendText
from worker import constants
from worker.clock import clock
from worker.coach.welcome import WELCOME
from worker.db.queries import sql
from worker.sms.channel import LocalChannel
from worker.tokens import token_hash
from worker.web.signup import BadPhone, normalise_phone

NEW = "+13125550171"
OTHER = "+13125550172"
CODE_TEXT = re.compile(r"^(\d{6}) is your textcoach sign-up code")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    clock.freeze(datetime(2026, 3, 4, 16, 0, tzinfo=UTC))  # Wednesday, 10:00 in Chicago
    yield
    clock.reset()


async def _form(client: httpx2.AsyncClient, path: str = "/signup") -> str:
    page = await client.get(path)
    found = CSRF.search(page.text)
    assert found is not None, page.text
    return found.group(1)


async def _start(client: httpx2.AsyncClient, phone: str, *, name: str = "",
                 consent: bool = True) -> httpx2.Response:
    """Fill in and send the sign-up form as a browser does."""
    token = await _form(client)
    data = {"csrf_token": token, "phone": phone, "name": name}
    if consent:
        data["consent"] = "yes"
    return await client.post("/signup", data=data)


async def _enter(client: httpx2.AsyncClient, code: str) -> httpx2.Response:
    token = await _form(client, "/signup/verify")
    return await client.post("/signup/verify", data={"csrf_token": token, "code": code})


def _codes(channel: LocalChannel, phone: str) -> list[str]:
    """The codes texted to ``phone``, oldest first, as the local channel delivered them."""
    return [m.group(1) for t in channel.sent if t.to == phone
            and (m := CODE_TEXT.match(t.body)) is not None]


async def _code_for(client: httpx2.AsyncClient, run_worker: RunWorker, channel: LocalChannel,
                    phone: str, name: str = "") -> str:
    response = await _start(client, phone, name=name)
    assert response.status_code == 303 and response.headers["location"] == "/signup/verify"
    await run_worker()
    codes = _codes(channel, phone)
    assert codes, [t.body for t in channel.sent]
    return codes[-1]


async def _user(pool: asyncpg.Pool, phone: str) -> asyncpg.Record | None:
    return await pool.fetchrow(
        "SELECT id, name, opted_in_at, opted_in_via, opted_out_at, status FROM users"
        " WHERE phone = $1", phone)


def _without_tokens(html: str) -> str:
    return CSRF.sub("", html)


@pytest.mark.parametrize(("typed", "number"), [
    ("(312) 555-0171", "+13125550171"),
    ("312.555.0171", "+13125550171"),
    ("1 312 555 0171", "+13125550171"),
    ("+44 7700 900123", "+447700900123"),
    ("0044 7700 900123", "+447700900123"),
    ("＋１ ３１２ ５５５ ０１７１", "+13125550171"),  # full-width, as some keyboards type
])
def test_numbers_are_read_as_e164(typed: str, number: str) -> None:
    assert normalise_phone(typed) == number


@pytest.mark.parametrize("typed", ["", "abc", "12345", "555-0171", "+1 123 555 0171",
                                   "+0 312 555 0171", "+1234567890123456", "9" * 500,
                                   "312 555 0171 ext 9"])
def test_bad_numbers_are_refused(typed: str) -> None:
    with pytest.raises(BadPhone):
        normalise_phone(typed)


async def test_sign_up_texts_a_code_and_the_code_starts_onboarding(
    client: httpx2.AsyncClient, run_worker: RunWorker, channel: LocalChannel,
    pool: asyncpg.Pool,
) -> None:
    page = await client.get("/signup")
    assert page.status_code == 200
    assert "<script" not in page.text.lower()
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none'
    for words in ("about one workout text a day", "Msg &amp; data rates may apply",
                  "Reply\n          STOP to stop", "HELP for help"):
        assert words in page.text, words

    code = await _code_for(client, run_worker, channel, NEW, name="Sam")
    pending = await _user(pool, NEW)
    assert pending is not None and pending["opted_in_at"] is None and pending["name"] is None
    stored = await pool.fetchrow(
        "SELECT c.code_hash, c.purpose, m.kind, m.dedupe_key FROM user_auth_codes c"
        " JOIN messages m ON m.user_id = c.user_id AND m.direction = 'outbound'"
        " WHERE c.user_id = $1", pending["id"])
    assert stored is not None and stored["purpose"] == "signup"
    assert stored["kind"] == "verification" and stored["dedupe_key"].startswith("verification:")
    assert code not in stored["code_hash"] and stored["code_hash"] != token_hash(code)

    done = await _enter(client, code)
    assert done.status_code == 200 and "Check your texts" in done.text
    athlete = await _user(pool, NEW)
    assert athlete is not None and athlete["opted_in_via"] == "web"
    assert athlete["opted_in_at"] == clock.now() and athlete["name"] == "Sam"

    await run_worker()
    texts = [t.body for t in channel.sent if t.to == NEW]
    assert CODE_TEXT.match(texts[0])
    assert texts[1] == WELCOME
    first = " ".join(texts[2:])
    assert "Sam" in first, first  # greeted by the name typed on the form
    asks = await pool.fetchval(
        "SELECT asks FROM messages WHERE user_id = $1 AND kind = 'chat' AND part_index = 1",
        athlete["id"])
    assert "primary_goal" in asks and "name" not in asks  # onboarding's first question

    # The browser forgot the code; a second tab that still holds it onboards no one twice.
    assert (await client.get("/signup/verify")).status_code == 410
    code_id = await pool.fetchval("SELECT id FROM user_auth_codes WHERE user_id = $1",
                                  athlete["id"])
    client.cookies.set(constants.SIGNUP_COOKIE, str(code_id), path="/signup")
    again = await client.post("/signup/verify", data={"csrf_token": await _form(client),
                                                      "code": code})
    assert again.status_code == 410 and "already used" in again.text
    await run_worker()
    assert [t.body for t in channel.sent if t.to == NEW].count(WELCOME) == 1


async def test_a_pending_sign_up_is_never_coached_nor_texted_a_workout(
    client: httpx2.AsyncClient, run_worker: RunWorker, channel: LocalChannel,
    pool: asyncpg.Pool,
) -> None:
    await _code_for(client, run_worker, channel, NEW)
    user = await _user(pool, NEW)
    assert user is not None and user["opted_in_at"] is None
    assert [t.body for t in channel.sent if t.to == NEW and not CODE_TEXT.match(t.body)] == []
    due = await pool.fetch(sql("due_daily"), clock.now() + timedelta(days=3), 100)
    assert user["id"] not in {row["id"] for row in due}
    assert await pool.fetchval(
        "SELECT count(*) FROM messages WHERE user_id = $1 AND direction = 'inbound'",
        user["id"]) == 0


async def test_a_wrong_code_counts_and_the_code_locks(
    client: httpx2.AsyncClient, run_worker: RunWorker, channel: LocalChannel,
    pool: asyncpg.Pool,
) -> None:
    code = await _code_for(client, run_worker, channel, NEW)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    for left in range(constants.SIGNUP_CODE_MAX_ATTEMPTS - 1, 0, -1):
        response = await _enter(client, wrong)
        assert response.status_code == 400
        assert f"That code is not right. {left} tr" in response.text
    locked = await _enter(client, wrong)
    assert locked.status_code == 410 and "no longer works" in locked.text
    assert 'id="new-code"' in locked.text and 'id="confirm"' not in locked.text
    refused = await _enter(client, code)  # the right one, too late
    assert refused.status_code == 410
    user = await _user(pool, NEW)
    assert user is not None and user["opted_in_at"] is None
    assert (await _enter(client, "12ab")).status_code == 400  # not a code at all: no count


async def test_an_expired_code_is_refused_and_a_new_one_works(
    client: httpx2.AsyncClient, run_worker: RunWorker, channel: LocalChannel,
    pool: asyncpg.Pool,
) -> None:
    code = await _code_for(client, run_worker, channel, NEW)
    clock.freeze(clock.now() + timedelta(seconds=constants.SIGNUP_CODE_TTL_S + 1))
    expired = await _enter(client, code)
    assert expired.status_code == 410 and "expired" in expired.text
    token = CSRF.search(expired.text)
    assert token is not None
    resent = await client.post("/signup/resend", data={"csrf_token": token.group(1)})
    assert resent.status_code == 303
    await run_worker()
    codes = _codes(channel, NEW)
    assert len(codes) == 2
    done = await _enter(client, codes[-1])
    assert done.status_code == 200 and "Check your texts" in done.text


async def test_a_newer_code_retires_the_older(
    client: httpx2.AsyncClient, run_worker: RunWorker, channel: LocalChannel,
) -> None:
    first = await _code_for(client, run_worker, channel, NEW)
    second = await _code_for(client, run_worker, channel, NEW)
    if first != second:
        assert (await _enter(client, first)).status_code == 400
    assert (await _enter(client, second)).status_code == 200


async def test_codes_are_rate_limited_per_number_and_per_address(
    client: httpx2.AsyncClient, pool: asyncpg.Pool,
) -> None:
    for _ in range(constants.SIGNUP_MAX_CODES_PER_NUMBER):
        assert (await _start(client, NEW)).status_code == 303
    refused = await _start(client, NEW)
    assert refused.status_code == 429 and "Too many codes" in refused.text
    assert await pool.fetchval("SELECT count(*) FROM messages WHERE kind = 'verification'") == \
        constants.SIGNUP_MAX_CODES_PER_NUMBER

    for n in range(constants.SIGNUP_MAX_CODES_PER_ADDRESS - constants.SIGNUP_MAX_CODES_PER_NUMBER
                   - 1):
        assert (await _start(client, f"+1312555{n + 200:04d}")).status_code == 303
    assert (await _start(client, OTHER)).status_code == 429  # a new number, the same address


async def test_forms_without_their_csrf_token_are_refused(
    client: httpx2.AsyncClient, pool: asyncpg.Pool,
) -> None:
    data = {"phone": NEW, "consent": "yes"}
    forged = await client.post("/signup", data=data)
    assert forged.status_code == 403
    await _form(client)  # the cookie is set, but the form does not carry it
    assert (await client.post("/signup", data={**data, "csrf_token": "x" * 43})).status_code \
        == 403
    assert await _user(pool, NEW) is None
    assert (await client.post("/signup/verify", data={"code": "123456"})).status_code == 403
    assert (await client.post("/signup/resend", data={})).status_code == 403


@pytest.mark.parametrize(("phone", "name", "consent", "message"), [
    ("abc", "", True, "digits only"),
    ("12345", "", True, "country code"),
    ("+1 123 555 0171", "", True, "not a valid US or Canadian number"),
    ("", "", True, "Enter your mobile number"),
    ("9" * 5000, "", True, "too long"),
    (NEW, "<script>alert(1)</script>", True, "letters only"),
    (NEW, "", False, "Tick the box"),
])
async def test_bad_input_reshows_the_form_with_a_reason(
    client: httpx2.AsyncClient, pool: asyncpg.Pool, phone: str, name: str, consent: bool,
    message: str,
) -> None:
    response = await _start(client, phone, name=name, consent=consent)
    assert response.status_code == 400
    assert message in response.text
    assert "<script>" not in response.text
    assert await pool.fetchval("SELECT count(*) FROM users") == 0


async def test_an_athlete_who_signs_up_is_told_so_and_not_onboarded_again(
    client: httpx2.AsyncClient, run_worker: RunWorker, channel: LocalChannel,
    pool: asyncpg.Pool, send_text: SendText,
) -> None:
    await send_text(OTHER, "hi")
    await run_worker()
    welcomes = [t.body for t in channel.sent if t.to == OTHER].count(WELCOME)
    assert welcomes == 1
    before = await _user(pool, OTHER)

    new_page = await _start(client, NEW)
    athlete_page = await _start(client, OTHER)
    # The same answer for both, until the code proves whose number it is.
    assert (new_page.status_code, new_page.headers["location"]) == \
        (athlete_page.status_code, athlete_page.headers["location"])
    await run_worker()
    code = _codes(channel, OTHER)[-1]
    done = await _enter(client, code)
    assert done.status_code == 200 and "already signed up" in done.text
    await run_worker()
    assert [t.body for t in channel.sent if t.to == OTHER].count(WELCOME) == 1
    after = await _user(pool, OTHER)
    assert after is not None and before is not None
    assert after["opted_in_at"] == before["opted_in_at"] and after["opted_in_via"] is None


async def test_an_opted_out_number_gets_no_code(
    client: httpx2.AsyncClient, run_worker: RunWorker, channel: LocalChannel,
    pool: asyncpg.Pool, send_text: SendText,
) -> None:
    """STOP stands: the form texts nothing to a number that opted out (Twilio would block it
    too), and says, to everyone alike, that such a number texts START first."""
    await send_text(OTHER, "STOP")
    await run_worker()
    response = await _start(client, OTHER)
    assert response.status_code == 303
    page = await client.get("/signup/verify")
    assert "text START to it first" in page.text
    await run_worker()
    assert _codes(channel, OTHER) == []
    assert await pool.fetchval(
        "SELECT count(*) FROM messages m JOIN users u ON u.id = m.user_id"
        " WHERE u.phone = $1 AND m.kind = 'verification'", OTHER) == 0
    assert (await _enter(client, "123456")).status_code == 400
    user = await _user(pool, OTHER)
    assert user is not None and user["opted_out_at"] is not None


async def test_page_visits_keep_no_personal_data(
    client: httpx2.AsyncClient, run_worker: RunWorker, channel: LocalChannel,
    pool: asyncpg.Pool,
) -> None:
    code = await _code_for(client, run_worker, channel, NEW, name="Sam")
    await _enter(client, code)
    user = await _user(pool, NEW)
    assert user is not None
    visits = await pool.fetch("SELECT path, user_id, referrer, user_agent FROM page_visits"
                              " ORDER BY visited_at, path")
    assert {v["path"] for v in visits} == {"/signup", "/signup/verify", "/signup/verified"}
    for visit in visits:
        assert visit["referrer"] is None and visit["user_agent"] is None
        assert "555" not in visit["path"] and "Sam" not in visit["path"]
        assert visit["user_id"] == (user["id"] if visit["path"] == "/signup/verified" else None)


async def test_no_code_waiting_offers_a_new_sign_up(client: httpx2.AsyncClient) -> None:
    page = await client.get("/signup/verify")
    assert page.status_code == 410 and 'id="start-again"' in page.text
    client.cookies.set(constants.SIGNUP_COOKIE, "not-a-uuid", path="/signup")
    entered = await client.post("/signup/verify", data={"csrf_token": await _form(client),
                                                        "code": "123456"})
    assert entered.status_code == 410
