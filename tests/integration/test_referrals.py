"""Referrals end to end: INVITE through the signed webhook, a new number joining with the code,
and the referrer credited (and thanked) once when that athlete completes onboarding."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from arq.connections import ArqRedis

from tests.conftest import (
    ALL_STATED,
    MONDAY_MORNING,
    RunWorker,
    SendText,
    athlete_with_profile,
    offline_runtime,
)
from tests.integration.test_plans import ONBOARDING
from worker.coach.referrals import THANKS
from worker.constants import REFERRAL_MAX_CREDITS
from worker.jobs.context import Deps
from worker.jobs.plans import build_plan_job
from worker.settings import Settings
from worker.sms.channel import LocalChannel

RILEY = "+13125550101"  # the referrer, in Chicago
NEW = "+12125550142"  # a friend, texting for the first time
OTHER = "+13125550199"
CODE = re.compile(r"JOIN ([2-9B-Z]{6}) to (\+\d+)")


pytestmark = pytest.mark.usefixtures("monday_morning")


@pytest.fixture
async def riley(pool: asyncpg.Pool) -> UUID:
    user_id = await athlete_with_profile(pool, days=[1, 3, 5], equipment=["dumbbell"],
                                         injuries=[], phone=RILEY, name="Riley")
    await pool.execute("UPDATE users SET status = 'active' WHERE id = $1", user_id)
    return user_id


async def _invite(send_text: SendText, pool: asyncpg.Pool, phone: str,
                  body: str = "invite") -> str:
    """Text INVITE as ``phone``; the code in the reply the webhook stored."""
    assert (await send_text(phone, body)).status_code == 200
    reply = await pool.fetchval(
        "SELECT m.body FROM messages m JOIN users u ON u.id = m.user_id WHERE u.phone = $1"
        " AND m.kind = 'referral_invite' ORDER BY m.created_at DESC LIMIT 1", phone)
    assert reply is not None, "INVITE is answered by the webhook itself"
    found = CODE.search(reply)
    assert found is not None, reply
    return found.group(1)


async def _referrals(pool: asyncpg.Pool) -> list[tuple[str, str, str, bool]]:
    rows = await pool.fetch(
        "SELECT a.phone AS referrer, b.phone AS referred, r.code, r.rewarded_at IS NOT NULL AS"
        " rewarded FROM referrals r JOIN users a ON a.id = r.referrer_id"
        " JOIN users b ON b.id = r.referred_id ORDER BY r.created_at")
    return [(r["referrer"], r["referred"], r["code"], r["rewarded"]) for r in rows]


async def _complete_onboarding(pool: asyncpg.Pool, redis: ArqRedis, settings: Settings,
                               phone: str) -> tuple[UUID, dict[str, Any]]:
    """Give ``phone``'s athlete a complete profile; the plan job's context, to run it."""
    user_id: UUID = await pool.fetchval("SELECT id FROM users WHERE phone = $1", phone)
    await pool.execute(
        "INSERT INTO fitness_profiles (user_id, version, primary_goal, experience,"
        " days_per_week, training_days, session_minutes, equipment, injuries, preferences)"
        " VALUES ($1, (SELECT COALESCE(max(version), 0) + 1 FROM fitness_profiles"
        " WHERE user_id = $1), 'general_fitness', 'beginner', 3, '{1,3,5}', 45, '{dumbbell}',"
        " '[]', $2)", user_id, ALL_STATED)
    ctx = {"deps": Deps(pool, redis, settings, LocalChannel(), offline_runtime(pool)),
           "redis": redis, "job_try": 1}
    return user_id, ctx


def _sent_to(channel: LocalChannel, phone: str) -> list[str]:
    return [t.body for t in channel.sent if t.to == phone]


async def test_invite_texts_back_a_code_to_forward_the_same_each_time(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel,
    settings: Settings, riley: UUID,
) -> None:
    code = await _invite(send_text, pool, RILEY, "Invite code pls")
    assert await pool.fetchval("SELECT referral_code FROM users WHERE id = $1", riley) == code
    assert await _invite(send_text, pool, RILEY, "my code") == code
    await run_worker()
    sent = _sent_to(channel, RILEY)
    assert len(sent) == 2 and all(f"JOIN {code} to {settings.coach_number}" in s for s in sent)
    # Answered by the webhook: no turn, no coach reply besides the two answers.
    kinds = await pool.fetch("SELECT kind, processed_at IS NOT NULL AS done FROM messages"
                             " WHERE direction = 'inbound'")
    assert [tuple(k) for k in kinds] == [("keyword", True), ("keyword", True)]


async def test_an_opted_out_athlete_gets_no_code(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel,
    riley: UUID,
) -> None:
    await send_text(RILEY, "STOP")
    await send_text(RILEY, "invite")
    await run_worker()
    assert [s for s in _sent_to(channel, RILEY) if "JOIN" in s] == []
    assert await pool.fetchval("SELECT referral_code FROM users WHERE id = $1", riley) is None


async def test_a_new_number_joining_with_a_code_is_linked_and_onboarded_as_usual(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel,
    riley: UUID,
) -> None:
    code = await _invite(send_text, pool, RILEY)
    await send_text(NEW, f"Hi! Riley said to text JOIN {code.lower()}")
    assert await _referrals(pool) == [(RILEY, NEW, code, False)]
    # The text is the new athlete's first message to the coach, answered by a turn.
    row = await pool.fetchrow("SELECT kind FROM messages WHERE from_number = $1", NEW)
    assert row is not None and row["kind"] == "chat"
    await run_worker()
    assert _sent_to(channel, NEW), "the coach answers the first text as for anyone"
    assert await pool.fetchval("SELECT status FROM users WHERE phone = $1", NEW) == "onboarding"


async def test_completing_onboarding_credits_the_referrer_once_and_thanks_them_once(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel,
    redis: ArqRedis, settings: Settings, riley: UUID,
) -> None:
    code = await _invite(send_text, pool, RILEY)
    await send_text(NEW, f"JOIN {code}")
    await run_worker()
    user_id, ctx = await _complete_onboarding(pool, redis, settings, NEW)
    assert (await build_plan_job(ctx, str(user_id))).endswith("written")
    assert (await build_plan_job(ctx, str(user_id))) == "plan already exists"  # a re-run
    await run_worker()
    assert await _referrals(pool) == [(RILEY, NEW, code, True)]
    assert _sent_to(channel, RILEY).count(THANKS) == 1
    assert await pool.fetchval(
        "SELECT count(*) FROM messages WHERE kind = 'referral_thanks' AND user_id = $1",
        riley) == 1
    assert THANKS not in _sent_to(channel, NEW)


async def test_no_self_referral_and_no_linking_of_existing_athletes(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, riley: UUID,
) -> None:
    code = await _invite(send_text, pool, RILEY)
    await send_text(RILEY, f"JOIN {code}")  # their own code
    await send_text(OTHER, "hi coach")  # an athlete already...
    await send_text(OTHER, code)  # ...who then sends a code
    assert await _referrals(pool) == []


async def test_a_number_is_referred_once(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, riley: UUID,
) -> None:
    first = await _invite(send_text, pool, RILEY)
    await athlete_with_profile(pool, days=[2, 4], equipment=[], injuries=[], phone=OTHER)
    second = await _invite(send_text, pool, OTHER)
    await send_text(NEW, f"JOIN {first}")
    await send_text(NEW, f"JOIN {second}")
    await send_text(NEW, second)
    assert await _referrals(pool) == [(RILEY, NEW, first, False)]


async def test_the_credit_limit_and_an_opted_out_referrer_earn_nothing(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel,
    redis: ArqRedis, settings: Settings, riley: UUID,
) -> None:
    code = await _invite(send_text, pool, RILEY)
    # REFERRAL_MAX_CREDITS credits already this month (an older one falls outside the window).
    for index in range(REFERRAL_MAX_CREDITS + 1):
        friend = await pool.fetchval(
            "INSERT INTO users (phone, timezone) VALUES ($1, 'UTC') RETURNING id",
            f"+1646555{index:04d}")
        when = MONDAY_MORNING - timedelta(days=40 if index == 0 else index)
        await pool.execute("INSERT INTO referrals (referrer_id, referred_id, code, rewarded_at)"
                           " VALUES ($1, $2, $3, $4)", riley, friend, code, when)
    await send_text(NEW, code)
    user_id, ctx = await _complete_onboarding(pool, redis, settings, NEW)
    await build_plan_job(ctx, str(user_id))
    await run_worker()
    assert (RILEY, NEW, code, False) in await _referrals(pool)
    assert THANKS not in _sent_to(channel, RILEY)

    # Riley opts out; the next friend's onboarding credits nothing either.
    await pool.execute("DELETE FROM referrals WHERE rewarded_at IS NOT NULL")
    await send_text(RILEY, "STOP")
    await send_text(OTHER, f"JOIN {code}")
    other, ctx = await _complete_onboarding(pool, redis, settings, OTHER)
    await build_plan_job(ctx, str(other))
    await run_worker()
    assert await _referrals(pool) == [(RILEY, NEW, code, False), (RILEY, OTHER, code, False)]
    assert await pool.fetchval("SELECT count(*) FROM messages WHERE kind = 'referral_thanks'") \
        == 0


async def test_onboarding_by_sms_after_joining_with_a_code_thanks_the_referrer(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel,
    riley: UUID,
) -> None:
    """The whole path: the code in the first text, onboarding by SMS, the plan, the thanks."""
    code = await _invite(send_text, pool, RILEY)
    for text in [f"Hi, JOIN {code}", *ONBOARDING[1:]]:
        await send_text(NEW, text)
        await run_worker()
    assert await pool.fetchval("SELECT status FROM users WHERE phone = $1", NEW) == "active"
    assert await _referrals(pool) == [(RILEY, NEW, code, True)]
    assert _sent_to(channel, RILEY).count(THANKS) == 1
