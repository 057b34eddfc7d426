"""The athlete's own page, end to end on real PostgreSQL: texting LINK through the signed webhook,
opening the texted link, and what the page shows, and to whom.

Security: a link works once, within its quarter of an hour, for its own athlete only; only its
hash is stored; the page takes the athlete from the session, never from the URL; a visit keeps
no user agent or referrer.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import asyncpg
import httpx2
import pytest
from arq.connections import ArqRedis

from tests.conftest import (
    TEST_BASE_URL,
    RunWorker,
    SendText,
    athlete_with_profile,
    offline_runtime,
)
from worker.agents.context import athlete_context
from worker.agents.plans import build_plan
from worker.clock import clock
from worker.constants import ATHLETE_COOKIE, ATHLETE_LINK_MAX_ATTEMPTS
from worker.settings import Settings
from worker.sms.channel import LocalChannel
from worker.tokens import token_hash
from worker.web.app import WebDeps, create_app

ALEX = "+13125550101"
BLAIR = "+13125550102"
LINK = re.compile(r"(https?://\S+?)(/a/[A-Za-z0-9_-]+)")
CHART_IDS = ("chart-sessions", "chart-loads", "chart-weight")
#: What only Blair's record holds: none of it may ever show on Alex's page.
BLAIR_MARKERS = ("Blair-only landmine press", "Blair secret plan change", "Blairs", "123.4")


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    clock.freeze(datetime(2026, 3, 1, 16, 0, tzinfo=UTC))  # Sunday, 10:00 in Chicago
    yield
    clock.reset()


def _on(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)


async def _athlete(pool: asyncpg.Pool, phone: str, name: str, lift: str, loads: list[float],
                   weights: list[float], change: str) -> UUID:
    """An athlete with a plan from Monday 2 March, Monday's session done and logged, two
    weigh-ins, a progression step and a plan change, each named so the page can be searched
    for it."""
    user_id = await athlete_with_profile(pool, days=[1, 3, 5], equipment=["dumbbell", "bench"],
                                         injuries=[], phone=phone, name=name)
    await build_plan(pool, offline_runtime(pool), user_id, trace_id=uuid.uuid4())
    monday = date(2026, 3, 2)
    await pool.execute(
        "UPDATE workout_instances SET status = 'completed', completed_at = $2"
        " WHERE user_id = $1 AND date = $3", user_id, _on(monday), monday)
    for days_ago, load in zip((14, 7, 0), loads, strict=True):
        await pool.execute(
            "INSERT INTO exercise_logs (user_id, exercise_name, performed_on, top_load,"
            " load_unit) VALUES ($1, $2, $3, $4, 'kg')",
            user_id, lift, monday - timedelta(days=days_ago), load)
    for days_ago, weight in zip((10, 3), weights, strict=True):
        await pool.execute(
            "INSERT INTO progress_metrics (user_id, metric, value, unit, measured_at)"
            " VALUES ($1, 'body_weight', $2, 'kg', $3)",
            user_id, weight, _on(monday - timedelta(days=days_ago)))
    exercise = await pool.fetchval("SELECT id FROM exercises ORDER BY slug LIMIT 1")
    await pool.execute(
        "INSERT INTO progression_steps (user_id, from_exercise_id, to_exercise_id, action,"
        " reason, decided_on) VALUES ($1, $2, $2, 'add_reps', $3, $4)",
        user_id, exercise, f"{name}s reps were all at the top of the range", monday)
    await pool.execute(
        "UPDATE fitness_plans SET details = jsonb_set(details, '{adjustments}', $2::jsonb)"
        " WHERE user_id = $1 AND status = 'active'",
        user_id, [{"change": change, "reason": "asked by text", "at": _on(monday).isoformat()}])
    return user_id


@pytest.fixture
async def alex(pool: asyncpg.Pool) -> UUID:
    return await _athlete(pool, ALEX, "Alex", "Alex-only goblet squat", [20, 22.5, 25],
                          [81.5, 80.9], "Alex wants more arm work")


@pytest.fixture
async def blair(pool: asyncpg.Pool) -> UUID:
    return await _athlete(pool, BLAIR, "Blair", "Blair-only landmine press", [30, 32.5, 35],
                          [123.4, 122.8], "Blair secret plan change")


async def _texted_link(send_text: SendText, pool: asyncpg.Pool, phone: str) -> str:
    """Text LINK as ``phone`` through the signed webhook; the path of the link texted back."""
    response = await send_text(phone, "LINK")
    assert response.status_code == 200
    body = await pool.fetchval(
        "SELECT m.body FROM messages m JOIN users u ON u.id = m.user_id"
        " WHERE u.phone = $1 AND m.kind = 'athlete_link' ORDER BY m.created_at DESC LIMIT 1",
        phone)
    assert body is not None, "LINK is answered by the webhook itself"
    found = LINK.search(body)
    assert found is not None, body
    return found.group(2)


async def _open(client: httpx2.AsyncClient, path: str) -> httpx2.Response:
    """Open a texted link as a phone would: its page, a tap on Open, the redirect to /me."""
    phone = {"User-Agent": "Mozilla/5.0 (iPhone)", "Referer": "https://elsewhere.example/x"}
    shown = await client.get(path, headers=phone)
    assert shown.status_code == 200 and 'id="open-page"' in shown.text, shown.status_code
    assert "set-cookie" not in shown.headers  # showing the page spends nothing
    response = await client.post(path, headers=phone)
    if response.status_code != 303:
        return response
    assert response.headers["location"] == "/me"
    return await client.get("/me")


def _chart_svg(html: str, chart_id: str) -> bool:
    return re.search(rf'id="{chart_id}"[^>]*>\s*<svg\b', html) is not None


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start:html.index("</section>", start)]


async def test_texting_link_opens_the_athletes_page_with_three_charts(
    send_text: SendText, run_worker: RunWorker, client: httpx2.AsyncClient,
    pool: asyncpg.Pool, channel: LocalChannel, alex: UUID,
) -> None:
    clock.freeze(datetime(2026, 3, 4, 16, 0, tzinfo=UTC))  # Wednesday
    path = await _texted_link(send_text, pool, ALEX)
    await run_worker()
    texted = [t.body for t in channel.sent if "/a/" in t.body]
    assert len(texted) == 1
    assert texted[0].startswith("Your progress page (one use, 15 min): http://127.0.0.1:8000/a/")

    page = await _open(client, path)
    assert page.status_code == 200
    html = page.text
    for chart_id in CHART_IDS:
        assert _chart_svg(html, chart_id), chart_id
    assert "<script" not in html.lower()
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none'
    assert page.headers["cache-control"] == "no-store"

    week = _section(html, "this-week")
    titles = await pool.fetch(
        "SELECT title FROM workout_instances WHERE user_id = $1 AND NOT is_rest_day"
        " AND date BETWEEN '2026-03-02' AND '2026-03-08' ORDER BY date", alex)
    assert len(titles) == 3
    for row in titles:
        assert row["title"] in week
    assert [m for m in re.findall(r'data-status="(\w+)"', week)] == ["done", "today", "upcoming"]
    changes = _section(html, "changes")
    assert "Alexs reps were all at the top of the range" in changes
    assert "Plan change: Alex wants more arm work" in changes
    assert "Alex-only goblet squat (lb)" in html  # logged in kg, shown in their units
    assert "Alex, your progress" in html


async def test_a_link_works_once(
    send_text: SendText, client: httpx2.AsyncClient, pool: asyncpg.Pool, alex: UUID,
) -> None:
    path = await _texted_link(send_text, pool, ALEX)
    assert (await _open(client, path)).status_code == 200
    client.cookies.clear()
    again = await client.post(path)
    assert again.status_code == 410
    assert "Text LINK" in again.text and ATHLETE_COOKIE not in again.headers.get("set-cookie", "")
    row = await pool.fetchrow("SELECT used_at, attempts FROM user_auth_codes WHERE user_id = $1",
                              alex)
    assert row is not None and row["used_at"] is not None and row["attempts"] == 2


async def test_an_expired_link_is_refused(
    send_text: SendText, client: httpx2.AsyncClient, pool: asyncpg.Pool, alex: UUID,
) -> None:
    path = await _texted_link(send_text, pool, ALEX)
    await pool.execute("UPDATE user_auth_codes SET expires_at = $2 WHERE user_id = $1",
                       alex, clock.now() - timedelta(seconds=1))
    response = await client.post(path)
    assert response.status_code == 410 and "expired or was already used" in response.text
    assert "set-cookie" not in response.headers
    assert (await client.get("/me")).status_code == 401


async def test_a_link_runs_out_after_fifteen_minutes(
    send_text: SendText, client: httpx2.AsyncClient, pool: asyncpg.Pool, alex: UUID,
) -> None:
    path = await _texted_link(send_text, pool, ALEX)
    clock.advance(timedelta(minutes=15, seconds=1))
    assert (await client.post(path)).status_code == 410


async def test_a_newer_link_replaces_the_older_one(
    send_text: SendText, client: httpx2.AsyncClient, pool: asyncpg.Pool, alex: UUID,
) -> None:
    older = await _texted_link(send_text, pool, ALEX)
    clock.advance(timedelta(seconds=30))
    newer = await _texted_link(send_text, pool, ALEX)
    assert older != newer
    assert (await client.post(older)).status_code == 410
    assert (await _open(client, newer)).status_code == 200


async def test_two_opens_of_one_link_at_once_sign_in_once(
    send_text: SendText, settings: Settings, pool: asyncpg.Pool, redis: ArqRedis, alex: UUID,
) -> None:
    path = await _texted_link(send_text, pool, ALEX)
    app = create_app(settings, deps=WebDeps(settings, pool, redis))

    async def open_once() -> int:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url=TEST_BASE_URL) as http:
            return (await http.post(path)).status_code

    statuses = await asyncio.gather(*(open_once() for _ in range(6)))
    assert sorted(statuses) == [303, 410, 410, 410, 410, 410]
    assert await pool.fetchval("SELECT count(*) FROM web_sessions WHERE user_id = $1", alex) == 1


async def test_me_without_a_session_is_refused(client: httpx2.AsyncClient) -> None:
    response = await client.get("/me")
    assert response.status_code == 401
    assert "Text LINK to get a new link" in response.text
    client.cookies.set(ATHLETE_COOKIE, "x" * 43, path="/me")
    assert (await client.get("/me")).status_code == 401
    client.cookies.set(ATHLETE_COOKIE, "x" * 5000, path="/me")
    assert (await client.get("/me")).status_code == 401


async def test_another_athletes_page_is_never_shown(
    send_text: SendText, client: httpx2.AsyncClient, pool: asyncpg.Pool, alex: UUID,
    blair: UUID,
) -> None:
    clock.freeze(datetime(2026, 3, 4, 16, 0, tzinfo=UTC))
    blairs_link = await _texted_link(send_text, pool, BLAIR)
    alexs_link = await _texted_link(send_text, pool, ALEX)

    page = await _open(client, alexs_link)
    assert page.status_code == 200 and "Alex-only goblet squat" in page.text
    for marker in BLAIR_MARKERS:
        assert marker not in page.text, marker
    # Nothing in the URL chooses the athlete: ids in the query or the path change nothing.
    for probe in (f"/me?user_id={blair}", f"/me?id={blair}&phone={BLAIR}"):
        response = await client.get(probe)
        assert response.status_code == 200 and "Alex-only goblet squat" in response.text
        assert all(marker not in response.text for marker in BLAIR_MARKERS)
    assert (await client.get(f"/me/{blair}")).status_code == 404
    assert (await client.post(f"/a/{blair}")).status_code == 410

    # Blair's own link shows Blair's page (the markers are real), and none of Alex's.
    client.cookies.clear()
    blairs_page = await _open(client, blairs_link)
    assert blairs_page.status_code == 200
    assert "Blair-only landmine press" in blairs_page.text
    assert "Plan change: Blair secret plan change" in blairs_page.text
    assert "Alex" not in blairs_page.text


async def test_only_the_codes_hash_is_stored(
    send_text: SendText, pool: asyncpg.Pool, alex: UUID,
) -> None:
    path = await _texted_link(send_text, pool, ALEX)
    code = path.removeprefix("/a/")
    row = await pool.fetchrow("SELECT code_hash, expires_at, used_at FROM user_auth_codes"
                              " WHERE user_id = $1", alex)
    assert row is not None
    assert row["code_hash"] == token_hash(code) and code not in row["code_hash"]
    assert row["expires_at"] == clock.now() + timedelta(minutes=15)
    assert row["used_at"] is None
    dump = await pool.fetchval(
        "SELECT string_agg(t::text, ' ') FROM (SELECT * FROM user_auth_codes) t")
    assert code not in dump


async def test_a_visit_is_recorded_without_personal_data(
    send_text: SendText, client: httpx2.AsyncClient, pool: asyncpg.Pool, alex: UUID,
) -> None:
    path = await _texted_link(send_text, pool, ALEX)
    assert (await _open(client, path)).status_code == 200
    visits = await pool.fetch("SELECT path, user_id, user_agent, referrer FROM page_visits")
    assert [tuple(v) for v in visits] == [("/me", alex, None, None)]


async def test_an_opted_out_athlete_gets_no_link(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel,
    alex: UUID,
) -> None:
    await send_text(ALEX, "STOP")
    await send_text(ALEX, "link")
    await run_worker()
    assert [t.body for t in channel.sent if "/a/" in t.body] == []
    assert await pool.fetchval("SELECT count(*) FROM user_auth_codes") == 0
    kinds = await pool.fetch("SELECT kind, processed_at IS NOT NULL AS done FROM messages"
                             " WHERE direction = 'inbound' ORDER BY created_at")
    assert [tuple(k) for k in kinds] == [("keyword", True), ("keyword", True)]


async def test_link_previews_and_bad_codes_do_not_spend_or_break_anything(
    send_text: SendText, client: httpx2.AsyncClient, pool: asyncpg.Pool, alex: UUID,
) -> None:
    path = await _texted_link(send_text, pool, ALEX)
    preview = await client.get(path, headers={
        "User-Agent": "Mozilla/5.0 (Macintosh) facebookexternalhit/1.1 Facebot Twitterbot/1.0"})
    assert preview.status_code == 200 and "set-cookie" not in preview.headers
    assert (await client.head(path)).status_code == 200
    for bad in ("/a/" + "A" * 5000, "/a/short", "/a/%00%00%00%00%00%00%00%00%00%00%00%00",
                "/a/..%2F..%2Fetc%2Fpasswd", "/a/" + "é" * 30):
        response = await client.get(bad)
        assert response.status_code in (404, 410), (bad, response.status_code)
    assert (await _open(client, path)).status_code == 200  # the athlete's tap still works


async def test_a_link_fetched_by_many_previewers_is_burnt(
    send_text: SendText, client: httpx2.AsyncClient, pool: asyncpg.Pool, alex: UUID,
) -> None:
    """A link fetched again and again without being opened has travelled (posted somewhere
    public): past ATHLETE_LINK_MAX_ATTEMPTS presentations it opens nothing."""
    path = await _texted_link(send_text, pool, ALEX)
    for _ in range(ATHLETE_LINK_MAX_ATTEMPTS):
        assert (await client.get(path, headers={"User-Agent": "WhatsApp/2.23"})).status_code == 200
    assert (await client.post(path)).status_code == 410
    assert await pool.fetchval("SELECT attempts FROM user_auth_codes") == ATHLETE_LINK_MAX_ATTEMPTS

async def test_the_coachs_context_never_carries_a_link(
    send_text: SendText, pool: asyncpg.Pool, alex: UUID,
) -> None:
    """The history a model is sent leaves the link out: it is a credential, and the model's
    provider (and agent_logs) would keep it."""
    path = await _texted_link(send_text, pool, ALEX)
    await send_text(ALEX, "how am I doing?")
    async with pool.acquire() as conn:
        context = await athlete_context(conn, alex)
    lines = [line.text for line in context.history]
    assert "how am I doing?" in lines
    assert not any(path.removeprefix("/a/") in line or "/a/" in line for line in lines)

async def test_the_recap_offers_the_page_to_who_has_not_opened_it_lately(
    send_text: SendText, run_worker: RunWorker, client: httpx2.AsyncClient,
    pool: asyncpg.Pool, alex: UUID, blair: UUID,
) -> None:
    async def recap(user_id: UUID, sunday: date) -> str:
        parts = await pool.fetch(
            "SELECT body FROM messages WHERE user_id = $1 AND kind = 'weekly_recap'"
            " AND dedupe_key LIKE $2 || '%' ORDER BY part_index", user_id,
            f"weekly:{user_id}:{sunday}")
        assert parts, f"no recap on {sunday}"
        return " ".join(p["body"] for p in parts)

    # Sunday 8 March, 18:00 in Chicago: ISO week 10 asks the check-in, and one ask is enough.
    clock.freeze(datetime(2026, 3, 8, 23, 0, tzinfo=UTC))
    await pool.execute("UPDATE users SET next_weekly_at = $1", clock.now())  # the first recap
    await run_worker()
    await run_worker()
    for user_id in (alex, blair):
        assert "Text LINK" not in await recap(user_id, date(2026, 3, 8))
    # Blair opens the page on Saturday; Alex never does.
    clock.freeze(datetime(2026, 3, 14, 16, 0, tzinfo=UTC))
    assert (await _open(client, await _texted_link(send_text, pool, BLAIR))).status_code == 200
    clock.freeze(datetime(2026, 3, 15, 23, 0, tzinfo=UTC))
    await run_worker()
    await run_worker()
    assert (await recap(alex, date(2026, 3, 15))).endswith("Text LINK to see your charts.")
    assert "Text LINK" not in await recap(blair, date(2026, 3, 15))
