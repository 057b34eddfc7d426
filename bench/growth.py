"""How fast PostgreSQL's two big tables grow: messages and agent_logs, per 100k athletes a month.

The rows are the product's own. Each scenario in ``tests/scenarios`` that spans at least
``--min-days`` of simulated time is replayed through the real pipeline (signed webhook, Redis, an
ARQ worker, the agents on the offline model provider, PostgreSQL), exactly as
``textcoach replay`` does, on a throwaway embedded PostgreSQL and Redis. That gives, per
scenario, the athlete-days simulated and the rows each table got: inbound and outbound texts
(one row per SMS part), and one agent_logs row per model call, with the prompts, context and
output that call really rendered.

A handful of rows says little about bytes on disk (a page is 8 kB, an index has a root), so the
replayed rows are then copied ``--copies`` times into one fresh database, each copy a different
athlete (new ids, SIDs and dedupe keys; same content), and measured there after VACUUM ANALYZE:
heap, TOAST and indexes per row, from pg_relation_size, pg_table_size and pg_indexes_size over
every partition (pg_partition_tree), and the average stored size of agent_logs' big columns
(pg_column_size). The rows per athlete-day times the bytes per row, times 100,000 athletes and
30 days, is the growth it prints.

What the figures assume is printed with them: the scripted athletes' texting rate, and one
model call per agent run as the offline provider makes it (a model that calls a tool makes a
second call in the same turn, and writes a longer ``raw_output``). Run it from the repository
root::

    .venv/bin/python bench/growth.py                    # about a minute
    .venv/bin/python bench/growth.py --copies 20 --min-days 14
    make bench                                          # the other benchmarks, then this

Everything runs in a temporary directory that is removed at the end. It prints figures and
never asserts on them.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from common import heading, line, machine_line, repeat_arg, run_benchmark

from worker.bootstrap import prepare_database
from worker.cli.replaycmd import load_scenarios, replay_settings, scratch_services
from worker.db.pool import connect
from worker.llm.offline import OfflineProvider
from worker.replay.runner import Replay, drop_database, new_database
from worker.replay.scenario import Scenario, parse_at, parse_duration
from worker.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "tests" / "scenarios"
ATHLETES = 100_000
DAYS_PER_MONTH = 30
#: agent_logs' columns that hold text or JSON, whose stored size is shown one by one.
BIG_COLUMNS = ("rendered_messages", "raw_output", "parsed_output", "tool_calls",
               "template_versions")
#: Per table: uuid columns remapped per copy (md5 of the value and the copy number, so a reply
#: still points at its message), and unique text columns given a per-copy suffix.
REMAPPED = {
    "messages": ({"id", "user_id", "conversation_id", "reply_to_id", "turn_id"},
                 {"provider_sid", "dedupe_key"}),
    "agent_logs": ({"id", "user_id", "trace_id", "turn_id", "parent_id"}, set()),
}
TABLES = tuple(REMAPPED)


@dataclass
class Sample:
    """One replayed scenario: its simulated span and the rows it left, as JSON."""

    name: str
    days: float
    ok: bool
    inbound: int
    outbound: int
    calls: int
    turns: int
    rows: dict[str, str]
    agents: dict[str, int]


def simulated_days(scenario: Scenario) -> float:
    """From the first ``at`` to where the last step leaves the clock."""
    start: datetime | None = None
    moment: datetime | None = None
    for step in scenario.steps:
        if step.at is not None:
            moment = parse_at(step.at)
            start = start or moment
        if step.advance is not None and moment is not None:
            moment += parse_duration(step.advance)
    if start is None or moment is None:
        return 0.0
    return (moment - start).total_seconds() / 86400


async def replay(scenario: Scenario, days: float, settings: Settings, admin_dsn: str,
                 redis_url: str, provider: OfflineProvider) -> Sample:
    dsn, name = await new_database(admin_dsn)
    try:
        outcome = await Replay(settings, dsn, redis_url, provider).run(scenario)
        conn = await connect(dsn)
        try:
            counts = await conn.fetchrow(
                "SELECT count(*) FILTER (WHERE direction = 'inbound') AS inbound,"
                " count(*) FILTER (WHERE direction = 'outbound') AS outbound,"
                " count(DISTINCT turn_id) FILTER (WHERE direction = 'inbound') AS turns,"
                " (SELECT count(*) FROM agent_logs) AS calls FROM messages")
            assert counts is not None
            rows = {table: await conn.fetchval(
                f"SELECT COALESCE(json_agg(t), '[]') FROM {table} t") for table in TABLES}
            agents = {r["agent_name"]: r["calls"] for r in await conn.fetch(
                "SELECT agent_name, count(*) AS calls FROM agent_logs GROUP BY 1")}
        finally:
            await conn.close()
    finally:
        await drop_database(admin_dsn, name)
    return Sample(scenario.name, days, outcome.ok, counts["inbound"], counts["outbound"],
                  counts["calls"], counts["turns"], rows, agents)


async def _columns(conn: asyncpg.Connection, table: str) -> list[str]:
    """The columns an INSERT may set (not ``GENERATED ALWAYS``), in table order."""
    rows = await conn.fetch(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = $1"
        "   AND is_generated = 'NEVER' AND identity_generation IS DISTINCT FROM 'ALWAYS'"
        " ORDER BY ordinal_position", table)
    return [r["column_name"] for r in rows]


def _copy_sql(table: str, columns: list[str]) -> str:
    """INSERT every row of the JSON ($1) once per copy number in [$2, $3]."""
    ids, unique = REMAPPED[table]
    picks = []
    for column in columns:
        if column in ids:
            picks.append(f"md5(s.{column}::text || ':' || k)::uuid")
        elif column in unique:
            picks.append(f"s.{column} || ':' || k")
        elif table == "agent_logs" and column == "agent_definition_id":
            # The definition of the same name and version in this database.
            picks.append("(SELECT d.id FROM agent_definitions d"
                         " WHERE d.name = s.agent_name AND d.version = s.agent_version)")
        else:
            picks.append(f"s.{column}")
    return (f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(picks)}"
            f" FROM json_populate_recordset(NULL::{table}, $1::json) AS s"
            " CROSS JOIN generate_series($2::int, $3::int) AS k")


async def copy_samples(conn: asyncpg.Connection, samples: list[Sample], copies: int) -> None:
    """Every sample's rows, ``copies`` times, each copy its own athlete and conversation."""
    statements = {table: _copy_sql(table, await _columns(conn, table)) for table in TABLES}
    phones = 0
    for sample in samples:
        messages = sample.rows["messages"]
        # The athletes and conversations the rows point at, once per copy.
        phones += await conn.fetchval(
            "WITH src AS (SELECT DISTINCT user_id FROM json_populate_recordset(NULL::messages,"
            " $1::json)), made AS (INSERT INTO users (id, phone)"
            " SELECT md5(src.user_id::text || ':' || k)::uuid,"
            "        '+1555' || lpad(($2 + row_number() OVER ())::text, 7, '0')"
            " FROM src CROSS JOIN generate_series(1, $3) AS k RETURNING 1)"
            " SELECT count(*) FROM made", messages, phones, copies)
        await conn.execute(
            "INSERT INTO conversations (id, user_id)"
            " SELECT md5(src.conversation_id::text || ':' || k)::uuid,"
            "        md5(src.user_id::text || ':' || k)::uuid"
            " FROM (SELECT DISTINCT conversation_id, user_id"
            "       FROM json_populate_recordset(NULL::messages, $1::json)) AS src"
            " CROSS JOIN generate_series(1, $2) AS k", messages, copies)
        for table in TABLES:
            await conn.execute(statements[table], sample.rows[table], 1, copies)


async def measure(conn: asyncpg.Connection, table: str) -> dict[str, float]:
    """Rows, and heap, TOAST (with the free-space and visibility maps) and index bytes per row,
    over every partition of ``table``."""
    await conn.execute(f"VACUUM ANALYZE {table}")
    sizes = await conn.fetchrow(
        "WITH leaves AS (SELECT relid FROM pg_partition_tree($1::regclass) WHERE isleaf)"
        " SELECT sum(pg_relation_size(relid)) AS heap, sum(pg_table_size(relid)) AS whole,"
        " sum(pg_indexes_size(relid)) AS indexes"
        " FROM (SELECT relid FROM leaves"
        "       UNION ALL SELECT $1::regclass WHERE NOT EXISTS (SELECT 1 FROM leaves)) AS r",
        table)
    rows = await conn.fetchval(f"SELECT count(*) FROM {table}")
    assert sizes is not None and rows
    heap, whole, indexes = (float(sizes[k]) for k in ("heap", "whole", "indexes"))
    return {"rows": rows, "heap": heap / rows, "toast": (whole - heap) / rows,
            "indexes": indexes / rows, "total": (whole + indexes) / rows}


def human(size: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if abs(size) < 1024:
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} TB"


def _commit() -> str:
    git = shutil.which("git")
    if git is None:
        return "unknown"
    try:
        found, dirty = (
            subprocess.run(  # noqa: S603 - git, fixed arguments
                [git, *command], cwd=ROOT, check=True, capture_output=True, text=True,
            ).stdout.strip()
            for command in (["rev-parse", "--short", "HEAD"], ["status", "--porcelain"]))
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return found + (" (with uncommitted changes)" if dirty else "")


async def run(args: argparse.Namespace, admin_dsn: str, redis_url: str) -> None:
    paths = sorted(Path(p) for p in args.scenarios) if args.scenarios else sorted(
        SCENARIOS.glob("*.yaml"))
    chosen = [(path, scenario, simulated_days(scenario))
              for path, scenario in zip(paths, load_scenarios(paths), strict=True)]
    chosen = [c for c in chosen if c[2] >= args.min_days]
    if not chosen:
        print(f"no scenario spans {args.min_days} days or more", file=sys.stderr)
        return
    settings = replay_settings(Settings(), "offline")
    # What the coach logs while it plays (a week's balance notes) is not the benchmark's output.
    logging.getLogger("worker").setLevel(logging.ERROR)
    provider = OfflineProvider()

    heading("replays (offline model provider)")
    line("scenarios", f"{len(chosen)} spanning at least {args.min_days:g} simulated days")
    started = time.perf_counter()
    samples = []
    print(f"  {'scenario':<26} {'days':>5} {'in':>4} {'out':>4} {'turns':>5} {'calls':>5}",
          flush=True)
    for path, scenario, days in chosen:
        sample = await replay(scenario, days, settings, admin_dsn, redis_url, provider)
        samples.append(sample)
        mark = "" if sample.ok else "  (replay reported failures; rows counted anyway)"
        print(f"  {path.stem:<26} {days:>5.1f} {sample.inbound:>4} {sample.outbound:>4}"
              f" {sample.turns:>5} {sample.calls:>5}{mark}", flush=True)
    await provider.close()
    line("wall time", f"{time.perf_counter() - started:.1f} s")

    athlete_days = sum(s.days for s in samples)
    inbound = sum(s.inbound for s in samples)
    outbound = sum(s.outbound for s in samples)
    calls = sum(s.calls for s in samples)
    turns = sum(s.turns for s in samples)
    per_day = {"messages": (inbound + outbound) / athlete_days, "agent_logs": calls / athlete_days}
    heading("rates (all replays together)")
    line("athlete-days simulated", f"{athlete_days:.1f} ({len(samples)} athletes)")
    line("texts in / athlete / day", f"{inbound / athlete_days:.2f}")
    line("texts out / athlete / day", f"{outbound / athlete_days:.2f} (SMS parts, cron texts "
         "included)")
    line("turns / athlete / day", f"{turns / athlete_days:.2f}")
    line("model calls / turn", f"{calls / max(turns, 1):.2f} (morning texts, plans, weeks "
         "included)")
    by_agent: dict[str, int] = {}
    for sample in samples:
        for agent, count in sample.agents.items():
            by_agent[agent] = by_agent.get(agent, 0) + count
    line("model calls by agent", ", ".join(
        f"{agent} {count}" for agent, count in sorted(by_agent.items(), key=lambda a: -a[1])))
    line("messages / athlete / day", f"{per_day['messages']:.2f}")
    line("agent_logs / athlete / day", f"{per_day['agent_logs']:.2f}")

    heading(f"bytes on disk ({args.copies} copies of every replayed row)")
    dsn, name = await new_database(admin_dsn)
    try:
        await prepare_database(dsn)
        conn = await connect(dsn)
        try:
            started = time.perf_counter()
            await copy_samples(conn, samples, args.copies)
            line("copy", f"{time.perf_counter() - started:.1f} s")
            sizes = {table: await measure(conn, table) for table in TABLES}
            columns = await conn.fetchrow("SELECT " + ", ".join(
                f"avg(pg_column_size({c})) AS {c}" for c in BIG_COLUMNS)
                + ", avg(pg_column_size(t.*)) AS whole_row FROM agent_logs t")
            assert columns is not None
        finally:
            await conn.close()
    finally:
        await drop_database(admin_dsn, name)
    print(f"  {'table':<12} {'rows':>8} {'heap/row':>9} {'toast/row':>10} {'index/row':>10}"
          f" {'total/row':>10}")
    for table, size in sizes.items():
        print(f"  {table:<12} {int(size['rows']):>8,} {human(size['heap']):>9}"
              f" {human(size['toast']):>10} {human(size['indexes']):>10}"
              f" {human(size['total']):>10}")
    line("agent_logs columns (avg)", ", ".join(
        f"{c} {human(float(columns[c] or 0))}" for c in BIG_COLUMNS))

    heading(f"growth per {ATHLETES:,} athletes per month ({DAYS_PER_MONTH} days)")
    print(f"  {'table':<12} {'rows/athlete/day':>17} {'bytes/row':>10} {'rows/month':>13}"
          f" {'size/month':>11}")
    monthly: dict[str, float] = {}
    for table in TABLES:
        rows = per_day[table] * ATHLETES * DAYS_PER_MONTH
        monthly[table] = rows * sizes[table]["total"]
        print(f"  {table:<12} {per_day[table]:>17.2f} {human(sizes[table]['total']):>10}"
              f" {rows:>13,.0f} {human(monthly[table]):>11}")
    line("together", f"{human(sum(monthly.values()))} a month")
    line("agent_logs kept at 6 months", f"at most 7 monthly partitions: "
         f"{human(7 * monthly['agent_logs'])}")
    line("messages after a year", f"{human(12 * monthly['messages'])} (kept: the coaching "
         "record)")

    heading("measured")
    line("when", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    line("commit", _commit())
    machine_line()


async def benchmark(args: argparse.Namespace) -> None:
    print("textcoach growth benchmark", flush=True)
    with scratch_services("growth") as (admin_dsn, redis_url):
        conn = await connect(admin_dsn)
        try:
            line("PostgreSQL", f"{await conn.fetchval('SHOW server_version')} (embedded, "
                 "throwaway)")
        finally:
            await conn.close()
        await run(args, admin_dsn, redis_url)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Replay the scenarios, measure the rows and bytes messages and agent_logs "
        "get per athlete-day, and extrapolate to 100,000 athletes a month. Prints figures.",
    )
    parser.add_argument("scenarios", nargs="*", help="scenario files (default: "
                        "tests/scenarios/*.yaml)")
    parser.add_argument("--min-days", type=float, default=7.0, metavar="D",
                        help="only scenarios spanning at least D simulated days (default 7): "
                        "shorter ones are mostly onboarding")
    parser.add_argument("--copies", type=repeat_arg, default=50, metavar="K",
                        help="copies of every replayed row measured on disk (default 50)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return run_benchmark("growth", benchmark, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

