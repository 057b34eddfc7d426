"""agent_logs partitioned by month (migration 0018) and its retention, on a real PostgreSQL.

The migration keeps every row of a database that already has some, each row lands in its UTC
month's partition, and ``agent_logs_maintain(today, keep_months, months_ahead)`` makes the months
ahead and drops only months wholly older than the horizon. Dates are parameters, never the
machine's clock, except where the worker's own job runs.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from worker import constants
from worker.db.costs import BY, costs_query
from worker.db.migrate import discover, migrate, rollback
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.jobs.context import Deps
from worker.jobs.retention import maintain_agent_logs
from worker.paths import MIGRATIONS_DIR
from worker.settings import Settings
from worker.sms.channel import LocalChannel

PARTITIONING = 18


def _utc(year: int, month: int, day: int = 15, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


async def _partitions(conn: Conn) -> list[str]:
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = 'agent_logs'::regclass ORDER BY 1")
    return [r["relname"] for r in rows]


async def _log(conn: Conn, at: datetime, **fields: Any) -> uuid.UUID:
    row: dict[str, Any] = {"agent_name": "coach", "trace_id": uuid.uuid4(), "provider": "openai",
                           "status": "ok", "created_at": at} | fields
    names = ", ".join(row)
    marks = ", ".join(f"${i}" for i in range(1, len(row) + 1))
    log_id: uuid.UUID = await conn.fetchval(
        f"INSERT INTO agent_logs ({names}) VALUES ({marks}) RETURNING id", *row.values())
    return log_id


async def _where(conn: asyncpg.Connection, log_id: uuid.UUID) -> str:
    found: str = await conn.fetchval(
        "SELECT tableoid::regclass::text FROM agent_logs WHERE id = $1", log_id)
    return found


async def _maintain(conn: asyncpg.Connection, today: date, keep: int,
                    ahead: int = 3) -> list[tuple[str, str]]:
    rows = await conn.fetch("SELECT * FROM agent_logs_maintain($1, $2, $3)", today, keep, ahead)
    return [(r["action"], r["partition_name"]) for r in rows]


def _migrations_before(tmp_path: Path, version: int) -> Path:
    """A copy of migrations/ holding only the files before ``version``."""
    target = tmp_path / "migrations"
    target.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if int(path.name[:4]) < version:
            shutil.copy(path, target / path.name)
    return target


async def test_the_migration_keeps_every_row_and_files_each_in_its_month(
    empty_database_url: str, tmp_path: Path,
) -> None:
    # A database that has run for a while before 0018: rows over three months, a parent link.
    await migrate(empty_database_url, directory=_migrations_before(tmp_path, PARTITIONING))
    conn = await asyncpg.connect(empty_database_url)
    try:
        user_id = await conn.fetchval("INSERT INTO users (phone) VALUES ('+15551230001')"
                                      " RETURNING id")
        parent = await _log(conn, _utc(2025, 11, 30, 23), user_id=user_id, cost_usd=Decimal("0.25"),
                            tools_offered=["log_workout"], rendered_messages='[{"a": 1}]')
        child = await _log(conn, _utc(2025, 12, 1, 0), parent_id=parent, user_id=user_id)
        latest = await _log(conn, _utc(2026, 2, 3))
        before = await conn.fetch("SELECT * FROM agent_logs ORDER BY created_at")

        assert (await migrate(empty_database_url))[0].version == PARTITIONING

        after = await conn.fetch("SELECT * FROM agent_logs ORDER BY created_at")
        assert [dict(r) for r in after] == [dict(r) for r in before]
        assert [r["id"] for r in after] == [parent, child, latest]
        # Each in its UTC month: 23:00 on 30 November is November, midnight on 1 December is not.
        assert await _where(conn, parent) == "agent_logs_p202511"
        assert await _where(conn, child) == "agent_logs_p202512"
        assert await _where(conn, latest) == "agent_logs_p202602"
        # The months with rows, this month and three ahead, and the default partition.
        this = await conn.fetchval("SELECT date_trunc('month', now() AT TIME ZONE 'UTC')::date")
        ahead = [date(this.year + (this.month - 1 + i) // 12, (this.month - 1 + i) % 12 + 1, 1)
                 for i in range(4)]
        expected = {"agent_logs_p202511", "agent_logs_p202512", "agent_logs_p202602",
                    "agent_logs_default"} | {f"agent_logs_p{m:%Y%m}" for m in ahead}
        assert set(await _partitions(conn)) == expected
        assert await conn.fetchval("SELECT count(*) FROM agent_logs_default") == 0

        # Every index is there, on the parent, and the key includes the partition column.
        indexes = {r["indexname"] for r in await conn.fetch(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'agent_logs'")}
        assert indexes == {
            "agent_logs_pkey", "agent_logs_created_at_idx", "agent_logs_agent_name_idx",
            "agent_logs_agent_definition_id_idx", "agent_logs_user_id_idx",
            "agent_logs_trace_id_idx", "agent_logs_turn_id_idx", "agent_logs_parent_id_idx"}
        key = await conn.fetchval("SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                                  " WHERE conname = 'agent_logs_pkey'")
        assert key == "PRIMARY KEY (id, created_at)"
        # Defaults survive: a row with only the required fields gets them.
        fresh = await conn.fetchrow(
            "INSERT INTO agent_logs (agent_name, trace_id, provider, status)"
            " VALUES ('coach', gen_random_uuid(), 'offline', 'ok')"
            " RETURNING id, attempt, tools_offered, tool_calls, template_versions, created_at")
        assert fresh is not None
        assert (fresh["attempt"], fresh["tools_offered"], fresh["tool_calls"]) == (1, [], "[]")
        assert await _where(conn, fresh["id"]) == f"agent_logs_p{this:%Y%m}"
        # The foreign keys out of agent_logs still hold (and cascade) on every partition.
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await _log(conn, _utc(2026, 2, 4), user_id=uuid.uuid4())
        await conn.execute("DELETE FROM users WHERE id = $1", user_id)
        assert await conn.fetchval("SELECT count(*) FROM agent_logs WHERE user_id IS NOT NULL") == 0
    finally:
        await conn.close()


async def test_rolling_the_migration_back_keeps_the_rows_and_the_parent_key(
    database_url: str,
) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        parent = await _log(conn, _utc(2026, 1, 10))
        child = await _log(conn, _utc(2026, 1, 11), parent_id=parent)
        orphan = await _log(conn, _utc(2026, 1, 12), parent_id=uuid.uuid4())  # parent retained away
        since = [m.version for m in discover() if m.version >= PARTITIONING]
        undone = await rollback(database_url, steps=len(since))
        assert undone[-1].version == PARTITIONING
        rows = await conn.fetch("SELECT id, parent_id FROM agent_logs ORDER BY created_at")
        assert [(r["id"], r["parent_id"]) for r in rows] == [
            (parent, None), (child, parent), (orphan, None)]
        assert await conn.fetchval(
            "SELECT relkind::text FROM pg_class WHERE relname = 'agent_logs'") == "r"
        assert await conn.fetchval("SELECT to_regproc('agent_logs_maintain')") is None
        assert [m.version for m in await migrate(database_url)] == since
        assert await conn.fetchval("SELECT count(*) FROM agent_logs") == 3
    finally:
        await conn.close()


async def test_maintenance_makes_months_ahead_and_drops_only_months_past_the_horizon(
    database_url: str,
) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        for month in range(1, 13):  # a row in each month of 2025
            await _log(conn, _utc(2025, month, 28))
        made = await _maintain(conn, date(2025, 12, 20), keep=0)
        assert ("created", "agent_logs_p202603") in made
        assert not any(action == "dropped" for action, _ in made)
        assert await conn.fetchval("SELECT count(*) FROM agent_logs") == 12

        # Keep 6 months on 20 Dec 2025: the horizon is 20 June. May and before ended before it
        # and go; June holds rows newer than the horizon and stays.
        done = await _maintain(conn, date(2025, 12, 20), keep=6)
        dropped = [name for action, name in done if action == "dropped"]
        assert dropped == [f"agent_logs_p2025{m:02d}" for m in range(1, 6)]
        assert await conn.fetchval(
            "SELECT min(created_at) FROM agent_logs") == _utc(2025, 6, 28)
        assert await conn.fetchval("SELECT count(*) FROM agent_logs") == 7
        # Run again the same day: nothing left to do.
        assert await _maintain(conn, date(2025, 12, 20), keep=6) == []
        # On 1 January 2026 the horizon is 1 July 2025, and June has wholly passed it.
        assert await _maintain(conn, date(2026, 1, 1), keep=6) == [
            ("created", "agent_logs_p202604"), ("dropped", "agent_logs_p202506")]
        # 0 keeps everything, whatever the date.
        assert [a for a, _ in await _maintain(conn, date(2030, 1, 1), keep=0, ahead=0)] == [
            "created"]
        assert await conn.fetchval("SELECT count(*) FROM agent_logs") == 6
        with pytest.raises(asyncpg.RaiseError, match="counts >= 0"):
            await _maintain(conn, date(2026, 1, 1), keep=-1)
    finally:
        await conn.close()


async def test_rows_in_the_default_partition_move_to_their_month_or_go_past_the_horizon(
    database_url: str,
) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        # The upkeep stopped for months: rows with no month of their own wait in the default.
        old = await _log(conn, _utc(2024, 3, 5))
        kept = [await _log(conn, _utc(2031, 7, d)) for d in (1, 2, 3)]
        assert {await _where(conn, i) for i in [old, *kept]} == {"agent_logs_default"}

        done = await conn.fetch("SELECT * FROM agent_logs_maintain('2031-08-02', 12, 1)")
        # (Then every partition the template database made goes: 2031 is years past them.)
        assert [(r["action"], r["partition_name"], r["row_count"]) for r in done
                if r["action"] != "dropped"] == [
            ("deleted", "agent_logs_default", 1),
            ("moved", "agent_logs_p203107", 3),
            ("created", "agent_logs_p203108", 0),
            ("created", "agent_logs_p203109", 0),
        ]
        assert await conn.fetchval("SELECT count(*) FROM agent_logs_default") == 0
        assert {await _where(conn, i) for i in kept} == {"agent_logs_p203107"}
        # The attached partition got the parent's indexes and foreign keys.
        assert await conn.fetchval(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'agent_logs_p203107'") == 8
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await _log(conn, _utc(2031, 7, 9), user_id=uuid.uuid4())
    finally:
        await conn.close()


async def test_the_worker_job_keeps_the_months_ahead_and_the_readers_still_work(
    pool: asyncpg.Pool, tmp_path: Path,
) -> None:
    async with pool.acquire() as conn:
        for name in await _partitions(conn):
            if name != "agent_logs_default":
                await conn.execute(f'DROP TABLE "{name}"')
        user_id = await conn.fetchval("INSERT INTO users (phone) VALUES ('+15551230002')"
                                      " RETURNING id")
        trace = uuid.uuid4()
        now = await conn.fetchval("SELECT now()")
        await _log(conn, now, user_id=user_id, trace_id=trace, turn_id=trace,
                   cost_usd=Decimal("0.01"))
    settings = Settings(data_dir=tmp_path, agent_log_retention_months=1)
    ctx = {"deps": Deps(pool=pool, redis=None, settings=settings,  # type: ignore[arg-type]
                        channel=LocalChannel()), "redis": None}
    summary = await maintain_agent_logs(ctx)
    this = now.astimezone(UTC).date().replace(day=1)
    assert f"moved agent_logs_p{this:%Y%m} (1 rows)" in summary
    assert summary.count("created") == constants.AGENT_LOG_MONTHS_AHEAD
    assert await maintain_agent_logs(ctx) == "nothing to do"

    # What reads agent_logs: the budget, the trace and tail views, the cost ledger.
    spend = await pool.fetchrow(sql("model_spend"), user_id, now.replace(hour=0, minute=0),
                                now.replace(minute=0))
    assert spend is not None
    assert (float(spend["spent"]), spend["turns"]) == (0.01, 1)
    assert len(await pool.fetch(sql("trace_logs"), trace)) == 1
    assert len(await pool.fetch(sql("logs_since"), now - timedelta(days=1), 10)) == 1
    assert (await pool.fetch(sql("recent_traces"), 5))[0]["trace_id"] == trace
    for by in BY:
        [row] = await pool.fetch(costs_query(by, one_athlete=False), now - timedelta(days=1))
        assert (row["calls"], float(row["cost_usd"])) == (1, 0.01)


async def test_two_upkeeps_at_once_make_each_partition_once(database_url: str) -> None:
    conns = [await asyncpg.connect(database_url) for _ in range(2)]
    try:
        results = await asyncio.gather(*(_maintain(c, date(2040, 5, 1), keep=0) for c in conns))
        made = sorted(name for result in results for _action, name in result)
        assert made == [f"agent_logs_p2040{m:02d}" for m in range(5, 9)]
    finally:
        for conn in conns:
            await conn.close()
