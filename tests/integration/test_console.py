"""The operator console over HTTP, on real PostgreSQL and Redis with a real ARQ worker.

Accounts and sessions (login, rate limit, CSRF, roles, logout), the athlete list's filters, and
human takeover end to end: the coach silent while a person has the conversation, the person's
reply sent once through the outbox, the coach answering again after hand-back or expiry, and
morning texts held or sent as the operator chose.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from uuid import UUID

import asyncpg
import httpx2
import pytest
from arq.connections import ArqRedis

from tests.conftest import RunWorker, SendText, athlete_with_profile, offline_runtime
from worker import constants
from worker.agents.plans import build_plan
from worker.clock import clock
from worker.queue import enqueue_build_plan
from worker.settings import Settings
from worker.sms.channel import LocalChannel
from worker.staff.accounts import Role, add_operator, set_password

PASSWORD = "correct horse battery"
PHONE = "+15551239001"


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    yield
    clock.reset()


async def _operator(pool: asyncpg.Pool, role: Role = "coach",
                    email: str | None = None) -> str:
    email = email or f"{role}-{uuid.uuid4().hex[:6]}@example.com"
    async with pool.acquire() as conn:
        await add_operator(conn, email, PASSWORD, role)
    return email


async def _login(client: httpx2.AsyncClient, email: str, password: str = PASSWORD,
                 **extra: str) -> httpx2.Response:
    """Log in as a browser does: the form first (its CSRF token and cookie), then the POST."""
    form = (await client.get("/console/login")).text
    return await client.post("/console/login", data={
        "email": email, "password": password, "csrf_token": _csrf(form), **extra})


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found, f"no {name} on the page"
    return found.group(1)


async def _page(client: httpx2.AsyncClient, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response.text


async def _onboarded(pool: asyncpg.Pool, *, with_plan: bool = False) -> UUID:
    user_id = await athlete_with_profile(pool, days=[1, 3, 5], equipment=["dumbbell"],
                                         injuries=[], phone=PHONE, name="Rosa",
                                         send_time=time(7, 0))
    await pool.execute("UPDATE users SET status = 'active' WHERE id = $1", user_id)
    if with_plan:
        await build_plan(pool, offline_runtime(pool), user_id, trace_id=uuid.uuid4())
    return user_id


async def _bodies(pool: asyncpg.Pool, user_id: UUID, kind: str | None = None) -> list[str]:
    rows = await pool.fetch(
        "SELECT body, kind FROM messages WHERE user_id = $1 AND direction = 'outbound'"
        " ORDER BY seq", user_id)
    return [r["body"] for r in rows if kind is None or r["kind"] == kind]


# -- Accounts and sessions ---------------------------------------------------------------------

async def test_no_console_page_without_a_session(client: httpx2.AsyncClient,
                                                 pool: asyncpg.Pool) -> None:
    user_id = await _onboarded(pool)
    for path in ("/console/", "/console/health", "/console/agents",
                 f"/console/athletes/{user_id}"):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/console/login?next=")
    response = await client.post(f"/console/athletes/{user_id}/takeover",
                                 data={"morning": "hold"})
    assert response.status_code == 303
    assert await pool.fetchval("SELECT count(*) FROM takeovers") == 0


async def test_login_sets_a_hardened_cookie_and_logout_ends_the_session(
    client: httpx2.AsyncClient, pool: asyncpg.Pool,
) -> None:
    email = await _operator(pool, "viewer")
    response = await _login(client, email.upper())  # the address is not case-sensitive
    assert response.status_code == 303 and response.headers["location"] == "/console"
    cookie = response.headers["set-cookie"]
    assert constants.CONSOLE_COOKIE in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/console" in cookie
    token = client.cookies[constants.CONSOLE_COOKIE]
    stored = await pool.fetchval("SELECT token_hash FROM web_sessions")
    assert stored != token and token not in stored
    html = await _page(client, "/console/")
    assert email in html
    response = await client.post("/console/logout", data={"csrf_token": _csrf(html)})
    assert response.status_code == 303
    client.cookies.set(constants.CONSOLE_COOKIE, token, path="/console")  # a copied cookie
    assert (await client.get("/console/")).status_code == 303
    actions = [r["action"] for r in await pool.fetch(
        "SELECT action FROM admin_activity_logs WHERE target_type = 'operator'"
        " ORDER BY created_at")]
    assert actions == ["login", "logout"]


async def test_wrong_passwords_are_refused_then_rate_limited(
    client: httpx2.AsyncClient, pool: asyncpg.Pool, redis: ArqRedis,
) -> None:
    email = await _operator(pool)
    assert (await _login(client, "nobody@example.com")).status_code == 401
    for _ in range(constants.LOGIN_MAX_FAILURES_PER_EMAIL):
        response = await _login(client, email, "wrong password!!")
        assert response.status_code in (401, 429)
    response = await _login(client, email)  # right password, but locked out for the window
    assert response.status_code == 429 and "Too many failed logins" in response.text
    assert constants.CONSOLE_COOKIE not in client.cookies
    await redis.delete(*[k async for k in redis.scan_iter(
        match=f"{constants.LOGIN_FAILURES_PREFIX}*")])
    assert (await _login(client, email)).status_code == 303


async def test_login_never_redirects_off_the_console(client: httpx2.AsyncClient,
                                                     pool: asyncpg.Pool) -> None:
    email = await _operator(pool)
    response = await _login(client, email, next="https://evil.example/steal")
    assert response.headers["location"] == "/console"


async def test_a_login_posted_from_elsewhere_is_refused(client: httpx2.AsyncClient,
                                                        pool: asyncpg.Pool) -> None:
    """Login CSRF: without the form's own token and cookie, no session is made."""
    email = await _operator(pool)
    response = await client.post("/console/login", data={"email": email, "password": PASSWORD,
                                                          "csrf_token": "forged"})
    assert response.status_code == 403
    assert constants.CONSOLE_COOKIE not in client.cookies


async def test_a_new_password_ends_the_old_sessions(client: httpx2.AsyncClient,
                                                    pool: asyncpg.Pool) -> None:
    email = await _operator(pool)
    await _login(client, email)
    assert (await client.get("/console/")).status_code == 200
    async with pool.acquire() as conn:
        await set_password(conn, email, "another long password")
    assert (await client.get("/console/")).status_code == 303


async def test_a_post_without_the_sessions_csrf_token_changes_nothing(
    client: httpx2.AsyncClient, pool: asyncpg.Pool,
) -> None:
    user_id = await _onboarded(pool)
    await _login(client, await _operator(pool))
    for token in (None, "forged"):
        data = {"morning": "hold"} | ({"csrf_token": token} if token else {})
        response = await client.post(f"/console/athletes/{user_id}/takeover", data=data)
        assert response.status_code == 403
    assert await pool.fetchval("SELECT count(*) FROM takeovers") == 0


async def test_roles_viewer_reads_coach_acts_admin_activates(
    client: httpx2.AsyncClient, pool: asyncpg.Pool,
) -> None:
    user_id = await _onboarded(pool)
    await _login(client, await _operator(pool, "viewer"))
    html = await _page(client, f"/console/athletes/{user_id}")
    assert 'id="takeover"' not in html and "can read, not act" in html
    response = await client.post(f"/console/athletes/{user_id}/takeover",
                                 data={"csrf_token": _csrf(html), "morning": "hold"})
    assert response.status_code == 403
    client.cookies.clear()
    await _login(client, await _operator(pool, "coach"))
    html = await _page(client, "/console/agents/coach")
    assert "Activate" not in html
    response = await client.post("/console/agents/coach/activate",
                                 data={"csrf_token": _csrf(html), "version": "1"})
    assert response.status_code == 403


async def test_an_admin_rolls_an_agent_back_and_it_is_recorded(
    client: httpx2.AsyncClient, pool: asyncpg.Pool,
) -> None:
    # A second version of the coach, as `textcoach agents sync` would write after an edit.
    await pool.execute(
        "INSERT INTO agent_definitions (name, version, description, model, temperature,"
        " max_output_tokens, system_prompt, context_templates, output_schema, tools, examples,"
        " max_tool_iterations, timeout_seconds, fallback, source_sha256, created_by)"
        " SELECT name, version + 1, description, 'gpt-test', temperature, max_output_tokens,"
        " system_prompt, context_templates, output_schema, tools, examples, max_tool_iterations,"
        " timeout_seconds, fallback, md5('a') || md5('b'), 'test' FROM agent_definitions"
        " WHERE name = 'coach' AND is_active")
    latest = await pool.fetchval("SELECT max(version) FROM agent_definitions WHERE name='coach'")
    email = await _operator(pool, "admin")
    await _login(client, email)
    html = await _page(client, f"/console/agents/coach?old={latest - 1}&new={latest}")
    assert "+model: gpt-test" in html  # the diff between the two versions
    response = await client.post("/console/agents/coach/activate",
                                 data={"csrf_token": _csrf(html), "version": str(latest)})
    assert response.status_code == 303
    assert await pool.fetchval(
        "SELECT version FROM agent_definitions WHERE name = 'coach' AND is_active") == latest
    response = await client.post("/console/agents/coach/activate",
                                 data={"csrf_token": _csrf(html), "version": str(latest - 1)})
    assert await pool.fetchval(
        "SELECT version FROM agent_definitions WHERE name = 'coach' AND is_active") == latest - 1
    actors = await pool.fetch("SELECT actor, details FROM admin_activity_logs"
                              " WHERE action = 'activate' AND target_id = 'coach'"
                              " ORDER BY created_at DESC LIMIT 2")
    assert {r["actor"] for r in actors} == {f"console:{email}"}
    assert [r["details"]["version"] for r in actors] == [latest - 1, latest]


# -- The athlete list --------------------------------------------------------------------------

async def test_search_and_filters_find_the_right_athletes(
    client: httpx2.AsyncClient, pool: asyncpg.Pool,
) -> None:
    rosa = await _onboarded(pool)
    other = await athlete_with_profile(pool, days=[2, 4], equipment=[], injuries=[],
                                       phone="+15551239002", name="Tom", goal="strength")
    await pool.execute("UPDATE users SET opted_out_at = now() WHERE id = $1", other)
    await pool.execute("INSERT INTO help_requests (user_id, reason) VALUES ($1, 'red_flag')",
                       rosa)
    await _login(client, await _operator(pool, "viewer"))

    async def names(query: str) -> list[str]:
        html = await _page(client, f"/console/?{query}")
        return re.findall(r'class="athlete-link"[^>]*>([^<]+)<', html)

    assert await names("") == ["Rosa", "Tom"]  # needing a person comes first
    assert await names("q=ros") == ["Rosa"]
    assert await names("q=9002") == ["Tom"]
    assert await names("q=%25") == []  # a LIKE wildcard is taken literally
    assert await names("goal=strength") == ["Tom"]
    assert await names("needs_person=1") == ["Rosa"]
    assert await names("opted_out=1") == ["Tom"]
    assert await names("paused=1") == []
    assert await names("status=onboarding") == ["Tom"]
    html = await _page(client, "/console/")
    assert re.search(r'id="needs-person-badge"[^>]*>1<', html)


# -- Takeover ----------------------------------------------------------------------------------

async def _take_over(client: httpx2.AsyncClient, user_id: UUID, morning: str = "hold") -> str:
    html = await _page(client, f"/console/athletes/{user_id}")
    response = await client.post(f"/console/athletes/{user_id}/takeover",
                                 data={"csrf_token": _csrf(html), "morning": morning})
    assert response.status_code == 303
    return await _page(client, f"/console/athletes/{user_id}")


async def test_takeover_silences_the_coach_until_hand_back_and_the_reply_goes_once(
    client: httpx2.AsyncClient, send_text: SendText, run_worker: RunWorker,
    pool: asyncpg.Pool, channel: LocalChannel,
) -> None:
    user_id = await _onboarded(pool, with_plan=True)
    await _login(client, await _operator(pool, "coach", "sam@example.com"))
    html = await _take_over(client, user_id)
    assert "Paused" in html and "sam@example.com" in html

    await send_text(PHONE, "is a real person there? my shoulder feels weird")
    await run_worker()
    assert channel.sent == []  # the coach stays silent
    html = await _page(client, f"/console/athletes/{user_id}")
    assert "my shoulder feels weird" in html and "waiting" in html

    reply = "Hi Rosa, Sam from the team here. Skip overhead work today; how does it feel now?"
    form = {"csrf_token": _csrf(html), "key": _field(html, "key"), "body": reply}
    for _ in range(2):  # a double-clicked Send
        response = await client.post(f"/console/athletes/{user_id}/reply", data=form)
        assert response.status_code == 303
    await run_worker()
    assert [t.body for t in channel.sent] == [reply]
    assert await _bodies(pool, user_id, "operator") == [reply]
    assert await pool.fetchval(
        "SELECT count(*) FROM messages WHERE user_id = $1 AND direction = 'inbound'"
        " AND processed_at IS NULL", user_id) == 0  # the person's reply answered it

    await send_text(PHONE, "it's fine now, thanks")
    await run_worker()
    assert len(channel.sent) == 1  # still the person's conversation

    html = await _page(client, f"/console/athletes/{user_id}")
    response = await client.post(f"/console/athletes/{user_id}/handback",
                                 data={"csrf_token": _csrf(html)})
    assert response.status_code == 303
    await run_worker()
    await run_worker()
    assert len(channel.sent) >= 2  # the coach answered what waited since the reply
    assert "Coach active" in await _page(client, f"/console/athletes/{user_id}")
    actions = [r["action"] for r in await pool.fetch(
        "SELECT action FROM admin_activity_logs WHERE target_type = 'user' ORDER BY created_at")]
    assert actions == ["takeover", "reply", "hand_back"]


async def test_the_coach_sees_the_persons_messages_after_hand_back(
    client: httpx2.AsyncClient, send_text: SendText, run_worker: RunWorker,
    pool: asyncpg.Pool,
) -> None:
    user_id = await _onboarded(pool, with_plan=True)
    await _login(client, await _operator(pool))
    html = await _take_over(client, user_id)
    await client.post(f"/console/athletes/{user_id}/reply", data={
        "csrf_token": _csrf(html), "key": _field(html, "key"),
        "body": "Sam here: we moved Wednesday to Thursday for you."})
    html = await _page(client, f"/console/athletes/{user_id}")
    await client.post(f"/console/athletes/{user_id}/handback", data={"csrf_token": _csrf(html)})
    await send_text(PHONE, "ok thanks!")
    await run_worker()
    rendered = await pool.fetchval(
        "SELECT rendered_messages::text FROM agent_logs WHERE agent_name = 'coach'"
        " ORDER BY created_at DESC LIMIT 1")
    assert "coach (a person from the team): Sam here: we moved Wednesday" in rendered


async def test_a_takeover_runs_out_and_the_coach_answers_what_waited(
    settings: Settings, client: httpx2.AsyncClient, send_text: SendText,
    run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel,
) -> None:
    user_id = await _onboarded(pool, with_plan=True)
    await _login(client, await _operator(pool))
    await _take_over(client, user_id)
    await send_text(PHONE, "hello? anyone?")
    await run_worker()
    assert channel.sent == []
    clock.advance(timedelta(hours=settings.takeover_hours, minutes=5))
    await run_worker()  # the sweep at start-up closes the takeover and queues the turn
    await run_worker()
    assert channel.sent, "the coach did not resume after the takeover ran out"
    assert await pool.fetchval("SELECT ended_reason FROM takeovers") == "expired"
    assert await pool.fetchval(
        "SELECT actor FROM admin_activity_logs WHERE action = 'takeover_expired'") == "system"


async def test_replying_needs_a_takeover_and_consent(
    client: httpx2.AsyncClient, pool: asyncpg.Pool,
) -> None:
    user_id = await _onboarded(pool)
    await _login(client, await _operator(pool))
    html = await _page(client, f"/console/athletes/{user_id}")
    response = await client.post(f"/console/athletes/{user_id}/reply", data={
        "csrf_token": _csrf(html), "key": "k1", "body": "hi"})
    assert response.headers["location"].endswith("?error=not_taken#actions")
    html = await _take_over(client, user_id)
    await pool.execute("UPDATE users SET opted_out_at = now() WHERE id = $1", user_id)
    response = await client.post(f"/console/athletes/{user_id}/reply", data={
        "csrf_token": _csrf(html), "key": "k2", "body": "hi"})
    assert response.headers["location"].endswith("?error=opted_out#actions")
    assert await _bodies(pool, user_id, "operator") == []
    second = await client.post(f"/console/athletes/{user_id}/takeover",
                               data={"csrf_token": _csrf(html), "morning": "hold"})
    assert second.headers["location"].endswith("?error=taken#actions")


@pytest.mark.parametrize(("morning", "sent"), [("hold", False), ("send", True)])
async def test_morning_texts_are_held_or_sent_as_the_operator_chose(
    client: httpx2.AsyncClient, run_worker: RunWorker, pool: asyncpg.Pool,
    channel: LocalChannel, morning: str, sent: bool,
) -> None:
    clock.freeze(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))  # a Monday, 04:00 in Chicago
    user_id = await _onboarded(pool, with_plan=True)
    due = await pool.fetchval("SELECT next_daily_at FROM users WHERE id = $1", user_id)
    clock.freeze(due - timedelta(minutes=30))
    await _login(client, await _operator(pool))
    await _take_over(client, user_id, morning)
    clock.freeze(due + timedelta(minutes=1))
    await run_worker()
    await run_worker()
    dailies = await _bodies(pool, user_id, "daily_workout")
    assert bool(dailies) is sent
    assert (len(channel.sent) > 0) is sent


async def test_health_and_trace_pages_render(
    client: httpx2.AsyncClient, send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool,
) -> None:
    user_id = await _onboarded(pool, with_plan=True)
    await send_text(PHONE, "what's my workout today?")
    await run_worker()
    await _login(client, await _operator(pool, "viewer"))
    html = await _page(client, "/console/health")
    assert 'id="queue-depth"' in html and "Sweeper" in html
    html = await _page(client, f"/console/athletes/{user_id}")
    trace = re.search(rf"/console/athletes/{user_id}/traces/([0-9a-f-]+)", html)
    assert trace, "no trace link on the athlete page"
    html = await _page(client, trace.group(0))
    assert "=== call 1: " in html and "[system]" in html
    other = await athlete_with_profile(pool, days=[1], equipment=[], injuries=[])
    response = await client.get(f"/console/athletes/{other}/traces/{trace.group(1)}")
    assert response.status_code == 404  # a trace is shown under its own athlete only


async def test_a_red_flag_during_a_takeover_gets_the_referral_once_and_a_person_is_asked(
    client: httpx2.AsyncClient, send_text: SendText, run_worker: RunWorker,
    pool: asyncpg.Pool, channel: LocalChannel,
) -> None:
    user_id = await _onboarded(pool, with_plan=True)
    await _login(client, await _operator(pool))
    await _take_over(client, user_id)
    await send_text(PHONE, "having chest pain and feel dizzy after the stairs")
    await run_worker()
    await send_text(PHONE, "still there?")
    await run_worker()
    assert channel.sent and all("get it checked" in t.body or "text you here" in t.body
                                for t in channel.sent)
    assert await pool.fetchval(  # the referral, once (in however many SMS parts)
        "SELECT count(*) FROM messages WHERE user_id = $1 AND direction = 'outbound'"
        " AND part_index = 1", user_id) == 1
    assert await pool.fetchval("SELECT reason FROM help_requests WHERE resolved_at IS NULL"
                               " AND user_id = $1", user_id) == "red_flag"
    assert await pool.fetchval(  # both texts still wait for the person
        "SELECT count(*) FROM messages WHERE user_id = $1 AND direction = 'inbound'"
        " AND processed_at IS NULL", user_id) == 2


async def test_a_plan_written_during_a_takeover_is_texted_after_hand_back(
    client: httpx2.AsyncClient, run_worker: RunWorker, pool: asyncpg.Pool,
    redis: ArqRedis, channel: LocalChannel,
) -> None:
    user_id = await _onboarded(pool)
    await _login(client, await _operator(pool))
    html = await _take_over(client, user_id)
    await enqueue_build_plan(redis, user_id)  # as the turn before the takeover would have
    await run_worker()
    assert await pool.fetchval("SELECT count(*) FROM fitness_plans WHERE user_id = $1",
                               user_id) == 1
    assert await _bodies(pool, user_id, "plan_summary") == []
    await client.post(f"/console/athletes/{user_id}/handback", data={"csrf_token": _csrf(html)})
    await run_worker()
    await run_worker()
    assert await pool.fetchval(
        "SELECT count(*) FROM messages WHERE user_id = $1 AND kind = 'plan_summary'"
        " AND part_index = 1", user_id) == 1


async def test_a_reply_answers_only_the_texts_the_operator_saw_and_goes_once(
    client: httpx2.AsyncClient, send_text: SendText, pool: asyncpg.Pool,
) -> None:
    user_id = await _onboarded(pool)
    await _login(client, await _operator(pool))
    await _take_over(client, user_id)
    await send_text(PHONE, "knee's a bit sore")
    html = await _page(client, f"/console/athletes/{user_id}")
    await send_text(PHONE, "actually it's really swollen now")  # while the person types
    form = {"csrf_token": _csrf(html), "key": _field(html, "key"),
            "seen": _field(html, "seen"), "body": "Ice it and rest it today."}
    first, second = await asyncio.gather(
        client.post(f"/console/athletes/{user_id}/reply", data=form),
        client.post(f"/console/athletes/{user_id}/reply", data=form))
    assert {first.status_code, second.status_code} == {303}
    assert await _bodies(pool, user_id, "operator") == ["Ice it and rest it today."]
    waiting = await pool.fetch(
        "SELECT body FROM messages WHERE user_id = $1 AND direction = 'inbound'"
        " AND processed_at IS NULL", user_id)
    assert [r["body"] for r in waiting] == ["actually it's really swollen now"]
