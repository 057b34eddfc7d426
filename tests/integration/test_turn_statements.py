"""The statements a turn is made of: turn_start, athlete_snapshot (through athlete_context) and
finish_turn, on real PostgreSQL.

They replaced a transaction of many small statements each; what they must keep is what those
guaranteed: the inbox in order, the context of the athlete's own local day (on a trip too),
and a reply written exactly when every text it answers was still unanswered.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from worker.agents.context import athlete_context
from worker.clock import clock, now
from worker.db.queries import sql
from worker.outbox import parts_of

PHONE = "+15551234567"
COACH = "+15550000100"


@pytest.fixture
def frozen() -> Iterator[None]:
    yield
    clock.reset()


async def _athlete(pool: asyncpg.Pool, timezone: str = "America/Los_Angeles") -> uuid.UUID:
    user_id: uuid.UUID = await pool.fetchval(
        "INSERT INTO users (phone, name, status, timezone) VALUES ($1, 'Ana', 'active', $2)"
        " RETURNING id", PHONE, timezone)
    await pool.execute("INSERT INTO conversations (user_id) VALUES ($1)", user_id)
    return user_id


async def _text(pool: asyncpg.Pool, user_id: uuid.UUID, body: str,
                processed: bool = False) -> uuid.UUID:
    message_id: uuid.UUID = await pool.fetchval(
        "INSERT INTO messages (user_id, conversation_id, direction, body, from_number,"
        " to_number, provider_sid, status, processed_at)"
        " SELECT $1, id, 'inbound', $2, $3, $4, $5, 'received',"
        " CASE WHEN $6 THEN now() END FROM conversations WHERE user_id = $1 RETURNING id",
        user_id, body, PHONE, COACH, f"SM{uuid.uuid4().hex}", processed)
    return message_id


def _finish_args(user_id: uuid.UUID, ids: list[uuid.UUID], turn: uuid.UUID,
                 replies: list[tuple[str, str, list[str]]]) -> tuple[object, ...]:
    parts = [(kind, asks, part) for kind, body, asks in replies for part in parts_of(body)]
    return (
        user_id, ids, turn, COACH, PHONE, ids[-1],
        [kind for kind, _, _ in parts], [p.body for _, _, p in parts],
        [p.segments for _, _, p in parts], [p.encoding for _, _, p in parts],
        [p.index for _, _, p in parts], [p.count for _, _, p in parts],
        [",".join(asks) if p.index == 1 else "" for _, asks, p in parts],
        now(),
    )


async def test_turn_start_reads_consent_welcome_and_the_inbox_in_order(
    pool: asyncpg.Pool,
) -> None:
    user_id = await _athlete(pool)
    await _text(pool, user_id, "old, answered", processed=True)
    first = await _text(pool, user_id, "hey")
    second = await _text(pool, user_id, "also my knee hurts")
    start = await pool.fetchrow(sql("turn_start"), user_id, now())
    assert start is not None
    assert [m["id"] for m in start["inbox"]] == [first, second]
    assert start["inbox"][1]["body"] == "also my knee hurts"
    assert not start["welcomed"] and start["opted_out_at"] is None and start["phone"] == PHONE


async def test_finish_turn_marks_stores_and_queues_every_part_in_order(
    pool: asyncpg.Pool,
) -> None:
    user_id = await _athlete(pool)
    ids = [await _text(pool, user_id, "hi"), await _text(pool, user_id, "3 days a week")]
    before = await pool.fetchval("SELECT last_message_at FROM conversations")
    long_reply = "Got it. " + "Squats, rows and presses on each of your three days. " * 8
    turn = uuid.uuid4()
    row = await pool.fetchrow(sql("finish_turn"), *_finish_args(
        user_id, ids, turn, [("welcome", "Welcome to textcoach!", []),
                             ("chat", long_reply, ["session_minutes", "equipment"])]))
    assert row is not None and row["marked"] == 2
    assert row["status"] == "active" and not row["has_plan"] and row["opted_out_at"] is None
    stored = await pool.fetch(
        "SELECT m.id, m.kind, m.part_index, m.part_count, m.asks, m.turn_id, m.reply_to_id,"
        " m.status, q.seq FROM messages m JOIN message_queues q ON q.message_id = m.id"
        " WHERE m.direction = 'outbound' ORDER BY q.seq")
    assert [r["id"] for r in stored] == list(row["outbound"])
    assert len(stored) == 1 + len(parts_of(long_reply)) >= 3
    assert [(r["kind"], r["part_index"]) for r in stored][:3] == [
        ("welcome", 1), ("chat", 1), ("chat", 2)]
    assert [r["asks"] for r in stored][1:] == [["session_minutes", "equipment"]] + [None] * (
        len(stored) - 2)
    assert {(r["turn_id"], r["reply_to_id"], r["status"]) for r in stored} == {
        (turn, ids[-1], "pending")}
    assert await pool.fetchval(
        "SELECT count(*) FROM messages WHERE direction = 'inbound' AND turn_id = $1", turn) == 2
    assert await pool.fetchval("SELECT last_message_at FROM conversations") > before


async def test_finish_turn_writes_nothing_when_another_turn_answered_a_text_first(
    pool: asyncpg.Pool,
) -> None:
    user_id = await _athlete(pool)
    ids = [await _text(pool, user_id, "hi"), await _text(pool, user_id, "did it",
                                                          processed=True)]
    row = await pool.fetchrow(sql("finish_turn"), *_finish_args(
        user_id, ids, uuid.uuid4(), [("chat", "Nice work!", [])]))
    assert row is not None and row["marked"] == 0 and row["outbound"] == []
    assert await pool.fetchval("SELECT count(*) FROM messages WHERE direction = 'outbound'") == 0
    assert await pool.fetchval("SELECT count(*) FROM message_queues") == 0
    # The text nobody answered is still in the inbox for the next turn.
    assert await pool.fetchval(
        "SELECT processed_at FROM messages WHERE id = $1", ids[0]) is None


async def test_finish_turn_with_no_reply_only_marks(pool: asyncpg.Pool) -> None:
    user_id = await _athlete(pool)
    ids = [await _text(pool, user_id, "hello?")]
    row = await pool.fetchrow(sql("finish_turn"), *_finish_args(user_id, ids, uuid.uuid4(), []))
    assert row is not None and row["marked"] == 1 and row["outbound"] == []


async def test_the_snapshot_is_the_athletes_local_day_on_a_trip_too(
    pool: asyncpg.Pool, frozen: None,
) -> None:
    # 06:30 UTC on Tue 10 March is Monday evening at home in Los Angeles, and already
    # Tuesday afternoon in Tokyo, where the athlete is this week.
    user_id = await _athlete(pool, "America/Los_Angeles")
    for day in range(1, 20):
        await pool.execute(
            "INSERT INTO workout_instances (user_id, date, title) VALUES ($1, $2, $3)",
            user_id, date(2026, 3, day), f"Session {day}")
    clock.freeze(datetime(2026, 3, 10, 6, 30, tzinfo=UTC))
    async with pool.acquire() as conn:
        home = await athlete_context(conn, user_id)
    assert home.today == "2026-03-09" and home.today_workout is not None
    assert home.today_workout.title == "Session 9"
    assert [w.date for w in home.recent_workouts] == [f"2026-03-{d:02d}" for d in range(2, 9)]
    assert [w.date for w in home.upcoming] == [f"2026-03-{d:02d}" for d in range(10, 17)]

    await pool.execute(
        "INSERT INTO trips (user_id, starts_on, ends_on, place, timezone)"
        " VALUES ($1, '2026-03-08', '2026-03-14', 'Tokyo', 'Asia/Tokyo')", user_id)
    async with pool.acquire() as conn:
        away = await athlete_context(conn, user_id)
    assert away.today == "2026-03-10" and away.athlete.timezone == "Asia/Tokyo"
    assert away.today_workout is not None and away.today_workout.title == "Session 10"
    assert [w.date for w in away.recent_workouts] == [
        f"2026-03-{d:02d}" for d in range(3, 10)]
    assert [w.date for w in away.upcoming] == [f"2026-03-{d:02d}" for d in range(11, 18)]
    assert [t.place for t in away.athlete.trips] == ["Tokyo"]


async def test_finish_turn_writes_nothing_once_a_person_has_taken_over(
    pool: asyncpg.Pool,
) -> None:
    """The model was thinking when an operator took over: the reply is dropped, the text stays
    waiting for the person, and the caller is told why (not a race to retry)."""
    user_id = await _athlete(pool)
    first = await _text(pool, user_id, "is anyone there?")
    await pool.execute("INSERT INTO takeovers (user_id, morning, started_at, expires_at)"
                       " VALUES ($1, 'hold', $2, $3)", user_id, now(), now() + timedelta(hours=1))
    row = await pool.fetchrow(sql("finish_turn"), *_finish_args(
        user_id, [first], uuid.uuid4(), [("chat", "Yes! Here's your plan.", [])]))
    assert row is not None
    assert row["taken_over"] and row["marked"] == 0 and row["outbound"] == []
    assert await pool.fetchval(
        "SELECT processed_at FROM messages WHERE id = $1", first) is None
    assert await pool.fetchval(
        "SELECT count(*) FROM messages WHERE direction = 'outbound'") == 0
