"""The subscription gate on real PostgreSQL, Redis and workers: trials by the product clock, a
lapsed athlete told once and not coached (turns, morning texts, recaps), STOP/HELP whatever the
subscription, renewal bringing coaching back, the referral's free week once, and nothing at
all when subscriptions are not required."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx2
import pytest
from arq.connections import ArqRedis

from tests.conftest import (
    MONDAY_MORNING,
    RunWorker,
    SendText,
    athlete_with_profile,
    offline_runtime,
)
from tests.integration.test_stripe_webhook import SECRET, checkout, post, sub_event
from worker.agents.plans import build_plan
from worker.clock import clock
from worker.coach.referrals import credit_referral
from worker.coach.subscriptions import LAPSED_KIND
from worker.constants import REFERRAL_FREE_DAYS
from worker.jobs.context import Deps
from worker.jobs.daily import send_daily
from worker.jobs.inbox import process_inbox
from worker.jobs.weekly import send_weekly
from worker.settings import Settings
from worker.sms.channel import LocalChannel

PHONE = "+13125550123"
RENEW = "https://buy.stripe.com/test_abc?prefilled_promo_code=BACK"
TRIAL_DAYS = 14


pytestmark = pytest.mark.usefixtures("monday_morning")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={
        "subscription_required": True, "subscription_trial_days": TRIAL_DAYS,
        "stripe_webhook_secret": SECRET, "subscription_renewal_url": RENEW})


async def outbound(pool: asyncpg.Pool, phone: str = PHONE) -> list[tuple[str, str]]:
    """(kind, body) of every text written to ``phone``, first parts only, in order."""
    rows = await pool.fetch(
        "SELECT m.kind, m.body FROM messages m JOIN users u ON u.id = m.user_id"
        " WHERE u.phone = $1 AND m.direction = 'outbound' AND m.part_index = 1 ORDER BY m.seq",
        phone)
    return [(r["kind"], r["body"]) for r in rows]


async def texts(send_text: SendText, run_worker: RunWorker, *bodies: str) -> None:
    for body in bodies:
        assert (await send_text(PHONE, body)).status_code == 200
        await run_worker()


async def test_trial_then_lapse_by_the_product_clock_one_text_then_renewal(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool,
    client: httpx2.AsyncClient,
) -> None:
    await texts(send_text, run_worker, "Hi")
    user_id: UUID = await pool.fetchval("SELECT id FROM users WHERE phone = $1", PHONE)
    trial = await pool.fetchrow("SELECT * FROM subscriptions WHERE user_id = $1", user_id)
    assert trial is not None
    assert (trial["provider"], trial["status"]) == ("trial", "trialing")
    assert trial["current_period_end"] == MONDAY_MORNING + timedelta(days=TRIAL_DAYS)
    assert (await outbound(pool))[0][0] == "welcome"

    clock.freeze(MONDAY_MORNING + timedelta(days=TRIAL_DAYS) - timedelta(minutes=1))
    await texts(send_text, run_worker, "I'm Robin")
    assert (await outbound(pool))[-1][0] == "chat", "coached until the trial's last minute"

    clock.freeze(MONDAY_MORNING + timedelta(days=TRIAL_DAYS, hours=1))
    before = len(await outbound(pool))
    await texts(send_text, run_worker, "I want to get stronger")
    told = (await outbound(pool))[before:]
    assert [k for k, _ in told] == [LAPSED_KIND]
    whole = " ".join(r["body"] for r in await pool.fetch(
        "SELECT body FROM messages WHERE kind = $1 ORDER BY seq", LAPSED_KIND))
    assert "paused" in whole
    assert f"{RENEW}&client_reference_id={user_id}" in whole.replace("1/2 ", "").replace(
        "2/2 ", "")
    assert PHONE.lstrip("+") not in whole

    await texts(send_text, run_worker, "hello??", "3 days a week")
    assert len(await outbound(pool)) == before + 1, "one text per lapse, however many texts"
    inbound = await pool.fetch("SELECT processed_at FROM messages WHERE direction = 'inbound'")
    assert all(r["processed_at"] is not None for r in inbound), "handled, not left waiting"
    assert await pool.fetchval("SELECT count(*) FROM messages WHERE body = '3 days a week'") == 1

    # STOP, HELP and START are answered by the webhook, whatever the subscription.
    await texts(send_text, run_worker, "HELP", "STOP", "START")
    kinds = [k for k, _ in await outbound(pool)][before + 1:]
    assert kinds == ["help", "opt_out_confirmation", "opt_in_confirmation"]

    # Renewed: the next text is coached again.
    assert (await post(client, checkout(user_id, created=int(clock.now().timestamp()))
                       )).status_code == 200
    await texts(send_text, run_worker, "I'm back, 3 days a week")
    assert (await outbound(pool))[-1][0] == "chat"
    # Canceled again later: a new lapse, told once more.
    clock.freeze(clock.now() + timedelta(days=3))
    await post(client, sub_event("customer.subscription.deleted", "canceled",
                                 created=int(clock.now().timestamp())))
    await texts(send_text, run_worker, "morning!")
    assert [k for k, _ in await outbound(pool)].count(LAPSED_KIND) == 2


async def _planned(pool: asyncpg.Pool) -> UUID:
    """An athlete in London with a plan, texts at 09:00 local, coached by an old trial that
    ended on Monday."""
    clock.freeze(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    user_id = await athlete_with_profile(pool, days=[1, 2, 3, 4, 5], equipment=["dumbbell"],
                                         injuries=[], timezone="Europe/London",
                                         send_time=time(9, 0), phone=PHONE)
    await build_plan(pool, offline_runtime(pool), user_id, trace_id=uuid.uuid4())
    await pool.execute(
        "INSERT INTO subscriptions (user_id, provider, plan, status, current_period_end,"
        " status_since) VALUES ($1, 'trial', 'trial', 'trialing', $2, $2)",
        user_id, datetime(2026, 3, 2, 0, 0, tzinfo=UTC))
    return user_id


def _ctx(pool: asyncpg.Pool, redis: ArqRedis, settings: Settings) -> dict[str, Any]:
    return {"deps": Deps(pool, redis, settings, LocalChannel(), offline_runtime(pool)),
            "redis": redis, "job_try": 1}


async def test_a_lapsed_athlete_gets_no_workout_and_one_text_then_renewal_brings_it_back(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings, client: httpx2.AsyncClient,
) -> None:
    user_id = await _planned(pool)
    ctx = _ctx(pool, redis, settings)
    for day in (3, 4):
        clock.freeze(datetime(2026, 3, day, 9, 1, tzinfo=UTC))
        assert await send_daily(ctx, str(user_id)) == "subscription lapsed: no workout"
    assert [k for k, _ in await outbound(pool)] == [LAPSED_KIND]
    # The schedule moved on: the job is not due again the same morning.
    assert await send_daily(ctx, str(user_id)) == "not due"

    assert (await post(client, checkout(user_id, created=int(clock.now().timestamp()))
                       )).status_code == 200
    clock.freeze(datetime(2026, 3, 5, 9, 1, tzinfo=UTC))
    assert (await send_daily(ctx, str(user_id))).startswith("sent")
    assert [k for k, _ in await outbound(pool)] == [LAPSED_KIND, "daily_workout"]


async def test_a_lapsed_athlete_gets_no_weekly_recap(
    pool: asyncpg.Pool, redis: ArqRedis, settings: Settings,
) -> None:
    user_id = await _planned(pool)
    sunday = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)  # 18:00 in London
    await pool.execute("UPDATE users SET next_weekly_at = $2 WHERE id = $1", user_id, sunday)
    clock.freeze(sunday + timedelta(minutes=1))
    assert await send_weekly(_ctx(pool, redis, settings), str(user_id)) == \
        "subscription lapsed: no recap"
    assert [k for k, _ in await outbound(pool)] == [LAPSED_KIND]


async def test_past_due_is_coached_within_its_grace_only(
    pool: asyncpg.Pool, client: httpx2.AsyncClient,
) -> None:
    user_id: UUID = await pool.fetchval(
        "INSERT INTO users (phone) VALUES ($1) RETURNING id", PHONE)
    start = int(MONDAY_MORNING.timestamp())
    await post(client, checkout(user_id, created=start))
    await post(client, sub_event("customer.subscription.updated", "past_due",
                                 created=start + 3600))
    entitled = "SELECT entitled_until($1, $2) > $2"
    failed = MONDAY_MORNING + timedelta(hours=1)
    assert await pool.fetchval(entitled, user_id, failed + timedelta(days=6, hours=23))
    assert not await pool.fetchval(entitled, user_id, failed + timedelta(days=7, minutes=1))


async def test_a_referral_credit_is_a_free_week_once(
    pool: asyncpg.Pool, settings: Settings,
) -> None:
    referrer = await athlete_with_profile(pool, days=[1, 3, 5], equipment=[], injuries=[],
                                          phone=PHONE, name="Riley")
    friend = await athlete_with_profile(pool, days=[1, 3, 5], equipment=[], injuries=[],
                                        name="Sam")
    await pool.execute("INSERT INTO referrals (referrer_id, referred_id, code)"
                       " VALUES ($1, $2, 'ABC234')", referrer, friend)
    ends = MONDAY_MORNING + timedelta(days=3)
    await pool.execute(
        "INSERT INTO subscriptions (user_id, provider, plan, status, current_period_end,"
        " status_since) VALUES ($1, 'trial', 'trial', 'trialing', $2, $3)",
        referrer, ends, MONDAY_MORNING)
    for _ in range(2):  # the plan job re-run: credited once
        async with pool.acquire() as conn, conn.transaction():
            await credit_referral(conn, friend, coach_number=settings.coach_number,
                                  free_days=REFERRAL_FREE_DAYS)
    assert await pool.fetchval("SELECT count(*) FROM subscription_credits") == 1
    assert await pool.fetchval("SELECT entitled_until($1, $2)", referrer, MONDAY_MORNING) == \
        ends + timedelta(days=7)
    thanks = await pool.fetchval("SELECT body FROM messages WHERE kind = 'referral_thanks'")
    assert "7 free days" in thanks
    # Granted while lapsed, the week starts when it is given.
    later = ends + timedelta(days=10)
    assert await pool.fetchval("SELECT entitled_until($1, $2)", referrer, later) == \
        ends + timedelta(days=7)


async def test_without_subscriptions_required_nothing_changes(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis, send_text: SendText,
) -> None:
    off = settings.model_copy(update={"subscription_required": False})
    ctx = _ctx(pool, redis, off)
    user_id = await _planned(pool)  # its trial ended: it would be lapsed if this were on
    clock.freeze(datetime(2026, 3, 3, 9, 1, tzinfo=UTC))
    assert (await send_daily(ctx, str(user_id))).startswith("sent")
    # A new athlete's turn: coached, and no trial starts.
    assert (await send_text("+13125550999", "Hi")).status_code == 200
    newcomer: UUID = await pool.fetchval("SELECT id FROM users WHERE phone = '+13125550999'")
    await process_inbox(ctx, str(newcomer))
    assert (await outbound(pool, "+13125550999"))[0][0] == "welcome"
    assert await pool.fetchval(
        "SELECT count(*) FROM subscriptions WHERE user_id = $1", newcomer) == 0
    assert LAPSED_KIND not in [k for k, _ in await outbound(pool)]
