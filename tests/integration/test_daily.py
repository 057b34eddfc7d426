"""Morning texts with a controllable clock: local minute, once a day, across DST and workers."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from arq.connections import ArqRedis

from tests.conftest import RunWorker, SendText, athlete_with_profile, offline_runtime
from worker.agents.plans import build_plan
from worker.clock import clock
from worker.db.queries import sql
from worker.jobs.context import Deps
from worker.jobs.daily import send_daily
from worker.outbox import conversation_for, write_outbound
from worker.queue import enqueue_send
from worker.settings import Settings
from worker.sms.channel import LocalChannel

ATHLETES = {
    "Pacific/Auckland": time(8, 15),
    "America/Los_Angeles": time(9, 0),
    "Asia/Kolkata": time(18, 30),
    "Europe/London": time(8, 15),
}
START = datetime(2026, 10, 22, 0, 0, tzinfo=UTC)  # London leaves BST on Oct 25, LA PDT Nov 1
DAYS = 12


@pytest.fixture(autouse=True)
def _reset_clock() -> Any:
    yield
    clock.reset()


async def athlete(
    pool: asyncpg.Pool, timezone: str, send_time: time, *, phone: str | None = None
) -> UUID:
    """An onboarded athlete with a plan (built as of the clock's now)."""
    user_id = await athlete_with_profile(
        pool, days=[1, 3, 5], equipment=["dumbbell"], injuries=[], minutes=40, goal="strength",
        timezone=timezone, send_time=send_time, phone=phone, name="Ath")
    await build_plan(pool, offline_runtime(pool), user_id, trace_id=uuid.uuid4())
    return user_id


def local_instant(day: date, at: time, timezone: str) -> datetime:
    return datetime.combine(day, at, ZoneInfo(timezone)).astimezone(UTC)


async def dailies(pool: asyncpg.Pool, user_id: UUID) -> list[str]:
    rows = await pool.fetch(
        "SELECT dedupe_key FROM messages WHERE user_id = $1 AND kind = 'daily_workout'"
        " AND part_index = 1 ORDER BY seq", user_id)
    return [r["dedupe_key"].rsplit(":", 1)[1] for r in rows]


async def test_each_athlete_gets_one_text_per_local_day_at_their_minute_across_dst(
    run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    clock.freeze(START)
    users = {tz: await athlete(pool, tz, at) for tz, at in ATHLETES.items()}
    # Every athlete's local send minute over the period, and the minute before it.
    ticks: list[tuple[datetime, str, date]] = []
    for tz, at in ATHLETES.items():
        first = (START.astimezone(ZoneInfo(tz)) + timedelta(days=1)).date()
        for offset in range(DAYS):
            day = first + timedelta(days=offset)
            ticks.append((local_instant(day, at, tz), tz, day))
    for instant, tz, day in sorted(ticks):
        clock.freeze(instant - timedelta(minutes=1))
        await run_worker()
        assert day.isoformat() not in await dailies(pool, users[tz]), (tz, day, "early")
        clock.freeze(instant)
        await run_worker()
        await run_worker()  # the send jobs the daily job enqueued
        sent = await dailies(pool, users[tz])
        assert sent.count(day.isoformat()) == 1, (tz, day, sent)

    for tz, user_id in users.items():
        sent = await dailies(pool, user_id)
        assert len(sent) == len(set(sent)) == DAYS, tz
    # Across the clock changes the UTC instant moved with the wall clock.
    assert local_instant(date(2026, 10, 24), time(8, 15), "Europe/London") == datetime(
        2026, 10, 24, 7, 15, tzinfo=UTC)
    assert local_instant(date(2026, 10, 26), time(8, 15), "Europe/London") == datetime(
        2026, 10, 26, 8, 15, tzinfo=UTC)
    la = await pool.fetchval("SELECT next_daily_at FROM users WHERE id = $1",
                             users["America/Los_Angeles"])
    assert la.astimezone(ZoneInfo("America/Los_Angeles")).time() == time(9, 0)
    delivered = {t.to for t in channel.sent}
    assert len(delivered) == len(users)


async def test_three_workers_fanning_out_together_send_each_text_once(
    run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    clock.freeze(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    ids = [await athlete(pool, "America/New_York", time(9, 0)) for _ in range(12)]
    clock.freeze(datetime(2026, 3, 3, 14, 0, tzinfo=UTC))  # 09:00 New York
    await asyncio.gather(run_worker(), run_worker(), run_worker())
    await asyncio.gather(run_worker(), run_worker(), run_worker())
    for user_id in ids:
        assert await dailies(pool, user_id) == ["2026-03-03"]
    texts = [t for t in channel.sent if t.body.startswith(("Morning", "1/"))]
    assert len({t.message_id for t in texts}) == len(texts)
    assert len({t.to for t in texts}) == 12


async def test_concurrent_and_repeated_daily_jobs_write_one_text(
    settings: Settings, pool: asyncpg.Pool, redis: ArqRedis
) -> None:
    clock.freeze(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    user_id = await athlete(pool, "Europe/London", time(9, 0))
    clock.freeze(datetime(2026, 3, 3, 9, 5, tzinfo=UTC))
    ctx: dict[str, Any] = {"deps": Deps(pool, redis, settings, LocalChannel()),
                           "redis": redis, "job_try": 1}
    results = await asyncio.gather(*(send_daily(ctx, str(user_id)) for _ in range(4)))
    assert sum(r.startswith("sent") for r in results) == 1
    assert await send_daily(ctx, str(user_id)) == "not due"
    assert await dailies(pool, user_id) == ["2026-03-03"]


async def test_a_missed_tick_is_caught_up_until_the_cutoff_only(
    run_worker: RunWorker, pool: asyncpg.Pool
) -> None:
    clock.freeze(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    user_id = await athlete(pool, "Europe/London", time(9, 0))
    # Workers were down at 09:00; at 11:30 (within 3 h) the text still goes out.
    clock.freeze(datetime(2026, 3, 3, 11, 30, tzinfo=UTC))
    await run_worker()
    assert await dailies(pool, user_id) == ["2026-03-03"]
    # Down all morning the next day: at 12:30 (3.5 h late) that day is skipped, not sent.
    clock.freeze(datetime(2026, 3, 4, 12, 30, tzinfo=UTC))
    await run_worker()
    assert await dailies(pool, user_id) == ["2026-03-03"]
    next_at = await pool.fetchval("SELECT next_daily_at FROM users WHERE id = $1", user_id)
    assert next_at == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


async def test_nothing_goes_to_opted_out_or_paused_athletes(
    run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    clock.freeze(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    stopped = await athlete(pool, "Europe/London", time(9, 0))
    paused = await athlete(pool, "Europe/London", time(9, 0))
    await pool.execute("UPDATE users SET opted_out_at = now() WHERE id = $1", stopped)
    await pool.execute(
        "UPDATE users SET status = 'paused', paused_until = '2026-03-05 00:00+00' WHERE id = $1",
        paused)
    for day in (3, 4):
        clock.freeze(datetime(2026, 3, day, 9, 0, tzinfo=UTC))
        await run_worker()
        await run_worker()
    assert channel.sent == []
    # The pause ends on the 5th: texts resume without the athlete asking.
    clock.freeze(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    await run_worker()
    await run_worker()
    await run_worker()
    assert await dailies(pool, paused) == ["2026-03-05"]
    assert await dailies(pool, stopped) == []


async def test_a_session_moved_or_skipped_ahead_gets_no_morning_text(
    run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    clock.freeze(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    user_id = await athlete(pool, "Europe/London", time(9, 0))  # trains Mon, Wed, Fri
    # "Wed -> Thu this week" and "skip Friday", said on Monday.
    await pool.execute(sql("clear_rest_day"), user_id, date(2026, 3, 5))
    assert await pool.fetchval(sql("move_workout"), user_id, date(2026, 3, 4),
                               date(2026, 3, 5)) is not None
    await pool.execute(sql("set_workout_status"), user_id, date(2026, 3, 6), "skipped", None)
    for day in (4, 5, 6):
        clock.freeze(datetime(2026, 3, day, 9, 0, tzinfo=UTC))
        await run_worker()
        await run_worker()
    assert await dailies(pool, user_id) == ["2026-03-05"]


async def test_quiet_hours_are_checked_when_sending(
    run_worker: RunWorker, pool: asyncpg.Pool, redis: ArqRedis, channel: LocalChannel
) -> None:
    clock.freeze(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    user_id = await athlete(pool, "America/Chicago", time(9, 0))
    await pool.execute("UPDATE users SET status = 'active' WHERE id = $1", user_id)
    # A scheduled text that reaches the send job at 22:30 Chicago time is never sent.
    clock.freeze(datetime(2026, 3, 3, 4, 30, tzinfo=UTC))
    async with pool.acquire() as conn, conn.transaction():
        [late] = await write_outbound(
            conn, user_id=user_id, conversation_id=await conversation_for(conn, user_id),
            from_number="+15550000100", to_number="+15551230000", body="Weekly recap...",
            kind="weekly_recap")
    await enqueue_send(redis, late)
    await run_worker()
    assert channel.sent == []
    row = await pool.fetchrow("SELECT status, error_message FROM messages WHERE id = $1", late)
    assert row is not None and row["status"] == "suppressed"
    assert "quiet hours" in row["error_message"]
    # A reply to a text the athlete just sent is not scheduled: it goes out at 22:30 too.
    async with pool.acquire() as conn, conn.transaction():
        [reply] = await write_outbound(
            conn, user_id=user_id, conversation_id=await conversation_for(conn, user_id),
            from_number="+15550000100", to_number="+15551230000", body="Sure, rest tonight.",
            kind="chat")
    await enqueue_send(redis, reply)
    await run_worker()
    assert [t.message_id for t in channel.sent] == [reply]


async def test_a_text_written_before_its_window_waits_for_it_in_postgres(
    run_worker: RunWorker, pool: asyncpg.Pool, redis: ArqRedis, channel: LocalChannel
) -> None:
    clock.freeze(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    user_id = await athlete(pool, "America/Chicago", time(9, 0))
    await pool.execute("UPDATE users SET status = 'active' WHERE id = $1", user_id)
    # A plan-ready text written at 04:30 Chicago time (before 05:00) is held, not deferred in
    # Redis: it survives a Redis loss, and the sweeper sends it once the window opens.
    clock.freeze(datetime(2026, 3, 3, 10, 30, tzinfo=UTC))
    async with pool.acquire() as conn, conn.transaction():
        [ready] = await write_outbound(
            conn, user_id=user_id, conversation_id=await conversation_for(conn, user_id),
            from_number="+15550000100", to_number="+15551230000", body="Your plan is ready!",
            kind="plan_summary")
    await enqueue_send(redis, ready)
    await run_worker()
    assert channel.sent == []
    held = await pool.fetchval("SELECT not_before FROM message_queues WHERE message_id = $1",
                               ready)
    assert held == datetime(2026, 3, 3, 11, 0, tzinfo=UTC)  # 05:00 in Chicago
    await redis.flushdb()
    clock.freeze(datetime(2026, 3, 3, 10, 59, tzinfo=UTC))
    await run_worker()  # the sweep leaves it until its moment
    assert channel.sent == []
    clock.freeze(datetime(2026, 3, 3, 11, 1, tzinfo=UTC))
    await run_worker()  # the sweep enqueues it
    await run_worker()
    assert [t.message_id for t in channel.sent] == [ready]


async def test_sunday_recap_previews_next_week_and_check_ins_feed_deloads(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    clock.freeze(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))  # Monday
    user_id = await athlete(pool, "Europe/London", time(9, 0), phone="+447700900555")
    await pool.execute("UPDATE workout_instances SET status = 'completed'"
                       " WHERE user_id = $1 AND date <= '2026-03-08' AND NOT is_rest_day",
                       user_id)
    # Sunday 8 March 18:00 London (ISO week 10: a check-in week).
    clock.freeze(datetime(2026, 3, 8, 18, 0, tzinfo=UTC))
    await run_worker()
    await run_worker()
    recap = " ".join(t.body for t in channel.sent if t.to == "+447700900555")
    # The plan began on Tuesday: that week held two of the athlete's Mon/Wed/Fri sessions.
    assert "Week done, Ath: both sessions" in recap.replace("1/2 ", "").replace("2/2 ", "")
    assert "Next week: Mon" in recap
    assert "rate your energy, soreness and sleep" in recap
    weekly = await pool.fetchval(
        "SELECT count(*) FROM messages WHERE kind = 'weekly_recap' AND part_index = 1")
    assert weekly == 1
    # The athlete answers with low energy and poor sleep: the next unwritten week is a deload.
    clock.freeze(datetime(2026, 3, 8, 18, 30, tzinfo=UTC))
    await send_text("+447700900555", "3 6 2")
    await run_worker()
    check_in = await pool.fetchrow("SELECT energy, soreness, sleep, answered_at FROM check_ins")
    assert check_in is not None
    assert (check_in["energy"], check_in["soreness"], check_in["sleep"]) == (3, 6, 2)
    deloads = await pool.fetch(
        "SELECT week_index, details FROM microcycles WHERE is_deload AND status = 'planned'"
        " AND details ? 'deload_reason'")
    assert len(deloads) == 1
    assert "lighter week" in channel.sent[-1].body
    # A second Sunday run (another worker, a retry) sends nothing more.
    clock.freeze(datetime(2026, 3, 8, 18, 45, tzinfo=UTC))
    await run_worker()
    assert await pool.fetchval(
        "SELECT count(*) FROM messages WHERE kind = 'weekly_recap' AND part_index = 1") == 1


async def test_schedule_changes_and_pauses_by_text(
    send_text: SendText, run_worker: RunWorker, pool: asyncpg.Pool, channel: LocalChannel
) -> None:
    clock.freeze(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    phone = "+447700900777"
    user_id = await athlete(pool, "Europe/London", time(9, 0), phone=phone)

    async def say(text: str) -> str:
        await send_text(phone, text)
        await run_worker()
        return channel.sent[-1].body

    assert "19:00" in await say("can you text me at 7pm instead?")
    row = await pool.fetchrow("SELECT send_time, next_daily_at FROM users WHERE id = $1", user_id)
    assert row is not None and row["send_time"] == time(19, 0)
    assert row["next_daily_at"] == datetime(2026, 3, 2, 19, 0, tzinfo=UTC)

    # A time they ask for is consent from 05:00; earlier is moved to 05:00.
    assert "06:00" in await say("actually send it at 6am")
    assert "05:00" in await say("can you text at 4am then")
    assert "no more texts on rest days" in await say("no rest day texts please")
    assert await pool.fetchval("SELECT rest_day_texts FROM users WHERE id = $1", user_id) is False

    assert "Paused: texts resume Mon 09 Mar" in await say("I'm on vacation, pause for a week")
    assert await pool.fetchval("SELECT status FROM users WHERE id = $1", user_id) == "paused"
    assert "Welcome back" in await say("I'm back, resume please")
    assert await pool.fetchval("SELECT status FROM users WHERE id = $1", user_id) == "active"
