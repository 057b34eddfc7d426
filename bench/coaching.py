"""Benchmark of the coaching record: a logged session, a week written with progression, a summary.

The coach's tools write and read the training record on every turn about training. This script
seeds athletes with complete profiles and offline-written plans (``worker.agents.plans``),
logs four weeks of training through ``worker.coach.logbook.record_log``, and measures, on real
PostgreSQL with the offline model provider (``worker.llm.offline.OfflineProvider``):

* **a logged session**: ``record_log`` as the ``log_workout`` tool calls it (a pooled
  connection, one transaction), for "did it" (no details: every prescribed exercise is logged as
  done as prescribed) and for an itemised log of 3 of the session's exercises (3 sets of 8 at
  60 kg each). Median and p95 over the athletes, and the SQL round trips per call, counted with
  asyncpg query loggers and broken down by named query (``sql/queries/*.sql``);
* **a week written with progression**: ``write_week`` of week 2 after every session of week 1
  was logged, half the athletes at the top of every prescribed range (so progression steps are
  recorded) and half as "did it". Median and p95 per week, round trips, and the steps recorded;
* **a progress summary**: ``worker.coach.progress.progress_summary`` over 30 days, as the
  ``progress_summary`` tool calls it, after four weeks of logs. Median and p95, round trips.

Every plan starts on Monday 2 March 2026 (America/Chicago): the product clock
(``worker.clock``) is frozen on the day each step happens. Measured calls run one at a time;
the rest of the record (plans, the other logs, weeks 3 and 4) is written with a few calls at
once, and only its wall time is printed. It prints figures and never asserts on time.

PostgreSQL is embedded (pgserver, in a fresh temporary directory unless ``--data-dir`` is given)
unless ``--database-url`` names a real server. Either way the athletes go into a throwaway
database ``textcoach_bench_<random>``, migrated with ``worker.bootstrap.prepare_database`` and
dropped at the end. Run it from the repository root::

    .venv/bin/python bench/coaching.py                      # 200 athletes
    .venv/bin/python bench/coaching.py --athletes 50
    .venv/bin/python bench/coaching.py --database-url postgresql://u:p@host/postgres
    make bench                                              # fanout.py, then this

The database URL must allow CREATE DATABASE; its own database is only used to create and drop
the throwaway one.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, TypeVar
from uuid import UUID, uuid4

import asyncpg
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
    start_postgres_server,
    timed,
)

from worker.agents.plans import build_plan, write_week
from worker.agents.runtime import Runtime
from worker.clock import clock
from worker.coach.logbook import LogEntry, record_log, work_items
from worker.coach.progress import progress_summary
from worker.db.pool import create_pool, redact
from worker.db.queries import load as load_queries
from worker.domain.profile import STATABLE
from worker.domain.vocabulary import GYM_EQUIPMENT, LOADABLE
from worker.llm.offline import OfflineProvider

T = TypeVar("T")

TZ = "America/Chicago"
#: Plans are built on this Sunday, so every plan starts on Monday 2 March 2026.
PLAN_DAY = date(2026, 3, 1)
WEEK_1 = PLAN_DAY + timedelta(days=1)
#: Weeks logged before the progress summary, which is asked for on the last day of the last one.
WEEKS = 4
SUMMARY_DAY = WEEK_1 + timedelta(weeks=WEEKS, days=-1)
SUMMARY_DAYS = 30
#: The clock is frozen at this hour UTC on each day: late morning in Chicago, the same date.
HOUR_UTC = 17
#: Connections in the pool, and calls at once while the unmeasured part of the record is written.
POOL_SIZE = 4
SETUP_TASKS = 4
PINGS = 200
#: The itemised log: this many of the session's exercises, each this many sets of this.
ITEMISED_EXERCISES = 3
ITEMISED_SETS = 3
ITEMISED_SET = {"reps": 8, "load": 60.0}
#: The load logged at the top of the range on a loadable exercise with no prescribed load yet.
TOP_LOAD = 60.0
#: Every onboarding answer marked as given, so a plan can be built straight away (as the tests).
ALL_STATED = {"stated": list(STATABLE)}


@dataclass(frozen=True)
class Kind:
    """One kind of athlete; athletes are dealt these round-robin."""

    label: str
    equipment: tuple[str, ...]
    experience: str
    goal: str
    days: tuple[int, ...]


KINDS = (
    Kind("bodyweight, Mon/Wed/Fri", (), "beginner", "general_fitness", (1, 3, 5)),
    Kind("dumbbell, Mon/Tue/Thu/Fri", ("dumbbell",), "beginner", "general_fitness",
         (1, 2, 4, 5)),
    Kind("barbell, Mon/Wed/Fri", ("barbell", "squat_rack", "bench"), "intermediate",
         "strength", (1, 3, 5)),
    Kind("full gym, Mon/Tue/Thu/Fri", tuple(sorted(GYM_EQUIPMENT)), "intermediate",
         "hypertrophy", (1, 2, 4, 5)),
)

SEED_USERS_SQL = """
INSERT INTO users (phone, name, timezone, send_time, rest_day_texts)
SELECT '+1555' || lpad(i::text, 7, '0'), 'Bench athlete ' || i, $2, time '08:00', true
FROM generate_series(1, $1::int) AS i
RETURNING id, phone
"""

SEED_PROFILE_SQL = """
INSERT INTO fitness_profiles (user_id, version, primary_goal, experience, days_per_week,
                              training_days, session_minutes, equipment, injuries, preferences)
VALUES ($1, 1, $2, $3, $4, $5, 45, $6, $7, $8)
"""

SESSIONS_SQL = """
SELECT user_id, date, blocks FROM workout_instances
WHERE date >= $1 AND date < $2 AND NOT is_rest_day
ORDER BY date, user_id
"""

LOADABLE_SQL = "SELECT slug FROM exercises WHERE equipment && $1::text[]"

WEEK_SQL = "SELECT user_id, id FROM microcycles WHERE week_index = $1"

#: One body-weight reading a week per athlete, so the summary has a metric to report.
SEED_METRICS_SQL = """
INSERT INTO progress_metrics (user_id, metric, value, unit, measured_at)
SELECT u.id, 'body_weight', 80 - w * 0.4, 'kg', $1::timestamptz + make_interval(weeks => w)
FROM users u CROSS JOIN generate_series(0, $2::int - 1) AS w
"""


@dataclass
class Athlete:
    index: int
    user_id: UUID
    kind: Kind
    #: Logs every set at the top of its range (else "did it"), so steps are recorded.
    top: bool


@dataclass
class Sample:
    """One measured call: wall time, the part inside the product function, its statements."""

    seconds: float
    inner: float
    #: (query name, seconds it took as asyncpg saw it), in the order they were sent.
    statements: list[tuple[str, float]]
    count: int = 0

    @property
    def queries(self) -> list[str]:
        return [name for name, _ in self.statements]


# --- printing -------------------------------------------------------------------------------


def p95(values: Sequence[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def spread(times: Sequence[float]) -> str:
    return (f"median {ms(statistics.median(times))}, p95 {ms(p95(times))}  "
            f"(min {ms(min(times))}, max {ms(max(times))}, {len(times):,} calls)")


def counts_line(counts: Sequence[int]) -> str:
    return f"median {statistics.median(counts):g}  (min {min(counts)}, max {max(counts)})"


def breakdown(queries: Sequence[str]) -> str:
    """'workout_on, resolve_exercise x5, ...' in the order the statements were first sent."""
    return ", ".join(f"{name} x{n}" if n > 1 else name for name, n in Counter(queries).items())


def report_trips(samples: Sequence[Sample], top: int = 5) -> None:
    counts = [len(s.queries) for s in samples]
    line("round trips per call", counts_line(counts))
    fewest = min(samples, key=lambda s: len(s.queries))
    most = max(samples, key=lambda s: len(s.queries))
    if len(fewest.queries) == len(most.queries):
        line(f"  each call ({len(most.queries)})", breakdown(most.queries))
    else:
        line(f"  fewest ({len(fewest.queries)})", breakdown(fewest.queries))
        line(f"  most ({len(most.queries)})", breakdown(most.queries))
    # Where the time goes: each statement's time as asyncpg saw it, summed per call.
    spent: Counter[str] = Counter()
    for sample in samples:
        for name, seconds in sample.statements:
            spent[name] += seconds
    calls = len(samples)
    waiting = sum(spent.values()) / calls
    line("  waiting on statements", f"{ms(waiting)} per call (mean); the rest is Python")
    line("  slowest, per call", ", ".join(
        f"{name} {ms(total / calls)}" for name, total in spent.most_common(top)))


# --- counting round trips -------------------------------------------------------------------


class Trips:
    """The statements sent on the pool's connections while recording, by query name.

    An asyncpg query logger (asyncpg 0.29+) sees every statement a connection sends: the named
    queries, BEGIN/COMMIT, and the reset the pool sends when a connection is released. asyncpg
    calls it with ``loop.call_soon`` after the statement returns, so :meth:`stop` yields once.
    """

    def __init__(self) -> None:
        self.names = {text: name for name, text in load_queries().items()}
        self.recording = False
        self.seen: list[tuple[str, float]] = []

    def __call__(self, record: Any) -> None:
        if self.recording:
            self.seen.append((self.name(record.query), record.elapsed))

    def name(self, query: str) -> str:
        if query in self.names:
            return self.names[query]
        text = " ".join(query.split())
        for word in ("BEGIN", "COMMIT", "ROLLBACK"):
            if text.upper().startswith(word):
                return word
        if text.startswith("SELECT pg_advisory_unlock_all()"):
            return "reset on release"
        return repr(text[:40])

    def start(self) -> None:
        self.seen = []
        self.recording = True

    async def stop(self) -> list[tuple[str, float]]:
        await asyncio.sleep(0)
        self.recording = False
        return self.seen

    async def attach(self, pool: asyncpg.Pool) -> None:
        """Put the logger on every connection of the pool (again: the pool may have replaced one).

        The same callable is only kept once per connection.
        """
        held = [await pool.acquire() for _ in range(POOL_SIZE)]
        for conn in held:
            conn.add_query_logger(self)
        for conn in held:
            await pool.release(conn)


# --- the record -----------------------------------------------------------------------------


def on(day: date) -> None:
    """Freeze the product clock on ``day``."""
    clock.freeze(datetime(day.year, day.month, day.day, HOUR_UTC, tzinfo=UTC))


async def each(calls: Iterable[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run the calls, SETUP_TASKS at a time (the unmeasured part of the record)."""
    gate = asyncio.Semaphore(SETUP_TASKS)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    return list(await asyncio.gather(*(one(call) for call in calls)))


def offline_runtime(pool: asyncpg.Pool) -> Runtime:
    """The agent runtime on the offline provider, with no retries (as the tests build it)."""
    return Runtime(pool, OfflineProvider(), OfflineProvider(), attempts=1)


def equipment(kind: Kind) -> str:
    if len(kind.equipment) > 3:
        return f"GYM_EQUIPMENT ({len(kind.equipment)} items)"
    return "+".join(kind.equipment) or "none"


async def seed(pool: asyncpg.Pool, athletes: int) -> list[Athlete]:
    """Users and version-1 profiles as ``athlete_with_profile`` in tests/conftest.py, then plans."""
    heading(f"seed {athletes:,} athletes with profiles and plans")
    on(PLAN_DAY)
    started = time.perf_counter()
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(SEED_USERS_SQL, athletes, TZ)
        by_phone = {r["phone"]: r["id"] for r in rows}
        seeded = []
        for i in range(1, athletes + 1):
            kind = KINDS[(i - 1) % len(KINDS)]
            top = ((i - 1) // len(KINDS)) % 2 == 0  # every kind in both halves
            seeded.append(Athlete(i, by_phone[f"+1555{i:07d}"], kind, top))
        await conn.executemany(SEED_PROFILE_SQL, [
            (a.user_id, a.kind.goal, a.kind.experience, len(a.kind.days), list(a.kind.days),
             list(a.kind.equipment), [], ALL_STATED) for a in seeded])
    insert_s = time.perf_counter() - started
    runtime = offline_runtime(pool)
    plans_s, results = await timed(lambda: each(
        partial(build_plan, pool, runtime, a.user_id, trace_id=uuid4()) for a in seeded))
    starts = Counter(r.start_date for r in results)
    line("users + profiles", f"{insert_s:.3f} s (one INSERT ... SELECT, one executemany)")
    line("plans (build_plan)", f"{plans_s:.3f} s, {SETUP_TASKS} at a time; week 1 written")
    line("plans start on", ", ".join(f"{d:%a %d %b %Y} ({n:,})" for d, n in starts.items()))
    for kind in KINDS:
        mine = [a for a in seeded if a.kind is kind]
        line(f"  {kind.label}", f"{len(mine):,} ({sum(a.top for a in mine):,} at the top): "
             f"{kind.experience}, {kind.goal}, equipment {equipment(kind)}")
    line("at the top of the range", f"{sum(a.top for a in seeded):,}; the others log 'did it'")
    return seeded


async def sessions(pool: asyncpg.Pool, start: date, end: date) -> dict[UUID, list[Any]]:
    """Each athlete's training sessions in [start, end), in date order."""
    found: dict[UUID, list[Any]] = {}
    for row in await pool.fetch(SESSIONS_SQL, start, end):
        found.setdefault(row["user_id"], []).append(row)
    return found


def top_of_range(items: Sequence[dict[str, Any]], loadable: set[str]) -> list[LogEntry]:
    """Every prescribed set done at the top of its range (with a load where one can be used)."""
    entries = []
    for item in items:
        key = "seconds" if item.get("unit") == "seconds" else "reps"
        done: dict[str, float | int] = {key: int(item.get("target_max") or 1)}
        unit = None
        if str(item["exercise"]) in loadable:
            done["load"] = float(item.get("load") or TOP_LOAD)
            unit = item.get("load_unit") or "kg"
        sets = [dict(done) for _ in range(int(item.get("sets") or 1))]
        entries.append(LogEntry(str(item.get("name") or item["exercise"]), sets, unit))
    return entries


def itemised(items: Sequence[dict[str, Any]]) -> list[LogEntry]:
    """3 of the session's exercises, by their names, 3 sets of 8 at 60 kg each."""
    return [LogEntry(str(item.get("name") or item["exercise"]),
                     [dict(ITEMISED_SET) for _ in range(ITEMISED_SETS)], "kg")
            for item in items[:ITEMISED_EXERCISES]]


async def log(pool: asyncpg.Pool, user_id: UUID, day: date, entries: Sequence[LogEntry]) -> int:
    """One report of a day's training, as the log_workout tool stores it."""
    async with pool.acquire() as conn, conn.transaction():
        outcome = await record_log(conn, user_id, day, "completed", entries)
    return len(outcome.logged)


def usual_entries(athlete: Athlete, row: Any, loadable: set[str]) -> list[LogEntry]:
    return top_of_range(work_items(row["blocks"]), loadable) if athlete.top else []


async def log_weeks(pool: asyncpg.Pool, athletes: Sequence[Athlete], loadable: set[str],
                    start: date, skip: set[tuple[UUID, date]] | None = None) -> tuple[int, int]:
    """Log every session of the week from ``start`` (not those in ``skip``), day by day."""
    week = await sessions(pool, start, start + timedelta(days=7))
    calls = logged = 0
    for offset in range(7):
        day = start + timedelta(days=offset)
        on(day)
        todo = [partial(log, pool, a.user_id, day, usual_entries(a, row, loadable))
                for a in athletes for row in week.get(a.user_id, [])
                if row["date"] == day and (a.user_id, day) not in (skip or set())]
        logged += sum(await each(todo))
        calls += len(todo)
    return calls, logged


async def write_weeks(pool: asyncpg.Pool, index: int) -> int:
    runtime = offline_runtime(pool)
    weeks = await pool.fetch(WEEK_SQL, index)
    written = await each(partial(write_week, pool, runtime, w["id"], trace_id=uuid4())
                         for w in weeks)
    return sum(written)


# --- the benchmark --------------------------------------------------------------------------


async def bench_week(pool: asyncpg.Pool, trips: Trips, athletes: Sequence[Athlete]) -> None:
    heading("week 2 written with progression: write_week, one week at a time")
    on(WEEK_1 + timedelta(days=6))  # the Sunday before it starts, as the rollover cron does
    await pool.execute("ANALYZE")
    await trips.attach(pool)
    runtime = offline_runtime(pool)
    weeks = {r["user_id"]: r["id"] for r in await pool.fetch(WEEK_SQL, 2)}
    samples: list[Sample] = []
    for athlete in athletes:
        trips.start()
        elapsed, written = await timed(partial(
            write_week, pool, runtime, weeks[athlete.user_id], trace_id=uuid4()))
        samples.append(Sample(elapsed, elapsed, await trips.stop(), written))
    line("per week", spread([s.seconds for s in samples]))
    for top, label in ((True, "top of range in week 1"), (False, "'did it' in week 1")):
        mine = [s for a, s in zip(athletes, samples, strict=True) if a.top is top]
        if mine:
            line(f"  {label}", spread([s.seconds for s in mine]))
    line("days written", f"{sum(s.count for s in samples):,} ({len(samples):,} weeks)")
    report_trips(samples)
    steps = await pool.fetch(
        "SELECT s.action, count(*) AS n, count(DISTINCT s.user_id) AS athletes"
        " FROM progression_steps s JOIN microcycles mc ON mc.id = s.microcycle_id"
        " WHERE mc.week_index = 2 GROUP BY s.action ORDER BY count(*) DESC")
    total = sum(r["n"] for r in steps)
    line("steps recorded", f"{total:,}: " + (", ".join(
        f"{r['action']} {r['n']:,}" for r in steps) or "none"))
    stepped = await pool.fetchval("SELECT count(DISTINCT user_id) FROM progression_steps")
    line("athletes with a step", f"{stepped:,} of {len(athletes):,}")
    deloads = await pool.fetchval(
        "SELECT count(*) FROM microcycles WHERE week_index = 2 AND is_deload")
    line("weeks made a deload", f"{deloads:,}")


async def bench_logs(pool: asyncpg.Pool, trips: Trips, athletes: Sequence[Athlete],
                     loadable: set[str]) -> set[tuple[UUID, date]]:
    """Week 2: each athlete's first session logged "did it", the second itemised (measured)."""
    start = WEEK_1 + timedelta(weeks=1)
    week = await sessions(pool, start, start + timedelta(days=7))
    did_it: list[Sample] = []
    listed: list[Sample] = []
    sizes: list[int] = []
    measured: set[tuple[UUID, date]] = set()
    await pool.execute("ANALYZE")
    await trips.attach(pool)
    for offset in range(7):
        day = start + timedelta(days=offset)
        on(day)
        for athlete in athletes:
            rows = week.get(athlete.user_id, [])
            for position, row in enumerate(rows[:2]):
                if row["date"] != day:
                    continue
                items = work_items(row["blocks"])
                entries = [] if position == 0 else itemised(items)
                if position == 0:
                    sizes.append(len(items))
                sample = await measured_log(pool, trips, athlete.user_id, day, entries)
                (did_it if position == 0 else listed).append(sample)
                measured.add((athlete.user_id, day))
    heading("a logged session (week 2), as log_workout stores it: one at a time")
    line("the call", "pool.acquire() + transaction + record_log(conn, user_id, day, "
         "'completed', entries)")
    for title, samples in (
        ("(a) did it: entries = [], the first session of week 2", did_it),
        (f"(b) itemised: {ITEMISED_EXERCISES} exercises x {ITEMISED_SETS} sets of "
         f"{ITEMISED_SET['reps']} at {ITEMISED_SET['load']:g} kg, the second session", listed),
    ):
        print(f"  {title}", flush=True)
        if not samples:
            line("calls", "none")
            continue
        line("whole call", spread([s.seconds for s in samples]))
        line("record_log alone", spread([s.inner for s in samples]))
        logged = [s.count for s in samples]
        line("exercises logged per call", counts_line(logged))
        report_trips(samples)
        # The statements record_log sends in its loops over the exercises.
        per = [Counter(s.queries) for s in samples]
        line("  per exercise logged", ", ".join(
            f"{name} {sum(c[name] for c in per) / max(1, sum(logged)):.2f}"
            for name in ("resolve_exercise", "insert_exercise_log")))
    if sizes:
        line("exercises in 1st session", counts_line(sizes))
    return measured


async def measured_log(pool: asyncpg.Pool, trips: Trips, user_id: UUID, day: date,
                       entries: Sequence[LogEntry]) -> Sample:
    trips.start()
    started = time.perf_counter()
    async with pool.acquire() as conn, conn.transaction():
        inner, outcome = await timed(partial(record_log, conn, user_id, day, "completed", entries))
    elapsed = time.perf_counter() - started
    return Sample(elapsed, inner, await trips.stop(), len(outcome.logged))


async def bench_summary(pool: asyncpg.Pool, trips: Trips, athletes: Sequence[Athlete],
                        repeat: int) -> None:
    heading(f"progress summary over {SUMMARY_DAYS} days on {SUMMARY_DAY:%a %d %b} "
            f"({repeat} rounds over the athletes, one at a time)")
    on(SUMMARY_DAY)
    await pool.execute("ANALYZE")
    await trips.attach(pool)
    samples: list[Sample] = []
    summaries: dict[UUID, dict[str, Any]] = {}
    for _ in range(repeat):
        for athlete in athletes:
            trips.start()
            started = time.perf_counter()
            async with pool.acquire() as conn:
                inner, summary = await timed(partial(
                    progress_summary, conn, athlete.user_id, SUMMARY_DAY, TZ, SUMMARY_DAYS))
            elapsed = time.perf_counter() - started
            samples.append(Sample(elapsed, inner, await trips.stop()))
            summaries[athlete.user_id] = summary
    line("the call", "pool.acquire() + progress_summary(conn, user_id, today, tz, 30)")
    line("whole call", spread([s.seconds for s in samples]))
    line("progress_summary alone", spread([s.inner for s in samples]))
    report_trips(samples)
    for top in (True, False):
        one = next((a for a in athletes if a.top is top), None)
        if one is None:
            continue
        s = summaries[one.user_id]
        line("example: " + ("top of range" if top else "did it"),
             f"{s.sessions_done}/{s.sessions_due} sessions, streaks "
             f"{s.session_streak} sessions / {s.week_streak} weeks, "
             f"{len(s.loads)} loads, {len(s.progressions)} progressions, "
             f"{len(s.achievements)} achievements, metrics {sorted(s.metrics)}")


async def bench_ping(pool: asyncpg.Pool) -> None:
    heading(f"PostgreSQL round trip (SELECT 1 x{PINGS}, one pooled connection)")
    times: list[float] = []
    async with pool.acquire() as conn:
        for _ in range(PINGS):
            elapsed, _ = await timed(partial(conn.fetchval, "SELECT 1"))
            times.append(elapsed)
    line("round trip", f"median {ms(statistics.median(times))}, p95 {ms(p95(times))}")


async def benchmark(args: argparse.Namespace) -> None:
    run = Run()
    try:
        print("textcoach coaching benchmark", flush=True)
        started = time.perf_counter()
        server_url, embedded = await start_postgres_server(args, run)
        services_s = time.perf_counter() - started

        database_url, prepare_s = await create_database(run, server_url)
        run.pool = pool = await create_pool(database_url, min_size=POOL_SIZE, max_size=POOL_SIZE)
        trips = Trips()

        async with pool.acquire() as conn:
            pg_version = await conn.fetchval("SHOW server_version")
            library = await conn.fetchval("SELECT count(*) FROM exercises")
            loadable = {r["slug"] for r in await conn.fetch(LOADABLE_SQL, sorted(LOADABLE))}
        heading("setup")
        line("athletes", f"{args.athletes:,}, time zone {TZ}, plans from {WEEK_1:%a %d %b %Y}")
        where = "embedded" if embedded else redact(server_url)
        line("PostgreSQL", f"{pg_version} ({where}), database {run.database}")
        line("asyncpg", f"{asyncpg.__version__}, pool of {POOL_SIZE}")
        line("model provider", "offline (worker.llm.offline.OfflineProvider), attempts=1")
        machine_line()
        if run.data_dir is not None:
            line("data dir", run.data_dir)
        line("exercise library", f"{library:,} exercises ({len(loadable):,} loadable)")
        line("start server", f"{services_s:.3f} s")
        line("migrate + reference data", f"{prepare_s:.3f} s")

        athletes = await seed(pool, args.athletes)

        heading("week 1 logged (not measured)")
        elapsed, (calls, logged) = await timed(partial(log_weeks, pool, athletes, loadable,
                                                       WEEK_1))
        line("record_log calls", f"{calls:,} ({logged:,} exercises) in {elapsed:.3f} s, "
             f"{SETUP_TASKS} at a time")

        await bench_week(pool, trips, athletes)
        measured = await bench_logs(pool, trips, athletes, loadable)

        heading(f"the rest of weeks 2-{WEEKS} (not measured)")
        started = time.perf_counter()
        calls, logged = await log_weeks(pool, athletes, loadable, WEEK_1 + timedelta(weeks=1),
                                        skip=measured)
        days = 0
        for index in range(3, WEEKS + 1):
            on(WEEK_1 + timedelta(weeks=index - 1, days=-1))
            days += await write_weeks(pool, index)
            more, more_logged = await log_weeks(pool, athletes, loadable,
                                                WEEK_1 + timedelta(weeks=index - 1))
            calls, logged = calls + more, logged + more_logged
        first_reading = datetime(WEEK_1.year, WEEK_1.month, WEEK_1.day, 13, tzinfo=UTC)
        await pool.execute(SEED_METRICS_SQL, first_reading, WEEKS)
        line("weeks written", f"weeks 3-{WEEKS}: {days:,} days")
        line("record_log calls", f"{calls:,} ({logged:,} exercises)")
        line("body-weight readings", f"{WEEKS} per athlete")
        line("wall time", f"{time.perf_counter() - started:.3f} s, {SETUP_TASKS} at a time")
        async with pool.acquire() as conn:
            census = await conn.fetchrow(
                "SELECT (SELECT count(*) FROM exercise_logs) AS logs,"
                " (SELECT count(*) FROM workout_instances) AS workouts,"
                " (SELECT count(*) FROM progression_steps) AS steps,"
                " (SELECT count(*) FROM agent_logs) AS agent_logs")
        assert census is not None
        line("rows", f"exercise_logs {census['logs']:,}, workout_instances "
             f"{census['workouts']:,}, progression_steps {census['steps']:,}, agent_logs "
             f"{census['agent_logs']:,}")

        await bench_summary(pool, trips, athletes, args.repeat)
        await bench_ping(pool)
    finally:
        await cleanup(run)


# --- command line ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the coaching record on real PostgreSQL with the offline model: a "
        "logged session, a week written with progression, a progress summary. Prints figures; "
        "asserts nothing about time.",
    )
    parser.add_argument(
        "--athletes",
        type=athletes_arg,
        default=200,
        metavar="N",
        help="athletes to seed, each with a plan and four weeks of logs (default 200)",
    )
    add_postgres_options(parser, "PostgreSQL keeps")
    parser.add_argument(
        "--repeat",
        type=repeat_arg,
        default=5,
        help="rounds of the progress summary over all athletes (default 5); logs and weeks "
        "change the record, so each is measured once per athlete",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return run_benchmark("coaching", benchmark, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
