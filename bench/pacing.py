"""Benchmark of send pacing: a 50,000-athlete morning minute and a stream of replies, one sender.

Everything that decides when a text goes is the product's own, on real (embedded) Redis: the
token bucket is ``worker.sms.pacing``'s Lua script, called through ``pacing.take`` and
``pacing.back_off``; the fan-out spread is ``pacing.fan_out_offsets`` over ticks of at most
``constants.DAILY_FANOUT_BATCH``; a send job sleeps or is re-enqueued by ``pacing.sleeps`` and
``constants.PACE_SLEEPS``; a reply's send is queued ``constants.REPLY_QUEUE_LEAD_S`` early. What
is simulated is everything around it, on a virtual clock (the bucket is given that clock):

* **ARQ**: one queue ordered by score (when a job may start), taken lowest score first by a
  fixed number of worker slots (``--slots``), as ARQ workers with ``max_jobs`` do.
* **Jobs**: ``send_daily`` and ``process_inbox`` hold a slot for a model call (``--llm``
  seconds, 0.5-1.5x); then the morning text (two SMS for ``--two-part`` of athletes, else one)
  or the reply (one SMS, sometimes two) is written and its send job enqueued. A send holds its
  slot ``--send-s`` for Twilio's API call.
* **Athletes**: ``--athletes`` all due in the same minute; replies arrive at ``--replies`` a
  second (Poisson) until the last morning text is out. Twilio answers 429 to every request
  for ``--throttle-for`` seconds from ``--throttle-at``.

It prints the sends in any one-second window against the configured rate, how long the
morning took to go out, reply and scheduled-text waits, how long the ARQ queue kept a reply's
turn waiting, and the fan-out spread. ``--compare`` runs the same morning again without the
spread and without the reply queue lead (the bucket alone), to show what they are for. Nothing
is asserted. The bucket's key is a throwaway sender's, deleted at the end; nothing else in Redis
is touched. Run it from the repository root::

    .venv/bin/python bench/pacing.py                   # 50,000 athletes, 100 a second
    .venv/bin/python bench/pacing.py --rate 30 --athletes 10000 --compare
    make bench
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import random
import secrets
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from arq.connections import ArqRedis
from common import (
    Run,
    cleanup,
    heading,
    line,
    machine_line,
    quantile,
    run_benchmark,
    start_embedded,
)

from worker import constants
from worker.db.pool import redact
from worker.embedded import start_redis
from worker.queue import connect_redis
from worker.sms import pacing

#: Virtual time 0 (07:00:00 on some morning), as epoch seconds: what the bucket is told.
EPOCH = 1_800_000_000.0
#: How long the debounce holds a process_inbox job (TEXTCOACH_INBOX_DEBOUNCE_SECONDS).
DEBOUNCE_S = 0.75
#: Share of replies written as two SMS.
TWO_PART_REPLIES = 0.2


@dataclass
class Text:
    """One SMS: written at ``written`` (virtual seconds), sent at ``sent``."""

    bulk: bool
    written: float
    asked: float | None = None  # a reply: when the athlete's text came in
    sent: float | None = None


@dataclass
class Job:
    kind: str  # daily | inbox | send
    ready: float  # when it may start (a reply's send is queued earlier still: the lead)
    athlete: int = 0
    asked: float = 0.0
    texts: list[Text] = field(default_factory=list)
    turn: float = 0.0  # a scheduled send's turn, as the bucket gave it
    prepaid: int = 0  # tokens taken with the first part for the others
    sleeps: int = 0


@dataclass
class Figures:
    sends: list[float] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    inbox_queued: list[float] = field(default_factory=list)
    spread: float = 0.0
    ticks: int = 0
    calls: int = 0
    refusals: int = 0
    sleeps: int = 0
    requeues: int = 0
    rejected_429: int = 0
    blocks: list[tuple[float, float]] = field(default_factory=list)
    elapsed: float = 0.0


class Morning:
    """The simulated worker fleet, its queue and its clock, around the real bucket."""

    def __init__(self, redis: ArqRedis, sender: str, args: argparse.Namespace, *,
                 spread: bool, lead: bool) -> None:
        self.redis = redis
        self.sender = sender
        self.args = args
        self.spread = spread
        self.lead = lead
        bucket = pacing.Bucket.of(args.rate)
        assert bucket is not None
        self.bucket = bucket
        self.rng = random.Random(42)  # noqa: S311 - a reproducible simulation
        self.now = 0.0
        self.order = itertools.count()
        self.events: list[tuple[float, int, Callable[[], Awaitable[None]]]] = []
        self.queue: list[tuple[float, int, Job]] = []
        self.free = args.slots
        self.woken_at = -1.0
        self.state = ["due"] * args.athletes  # due -> queued -> done
        self.next_due = 0  # athletes before this one are done
        self.morning_left = args.athletes
        self.bulk_unsent = 0
        self.figures = Figures()

    # --- the event loop ---------------------------------------------------------------------

    def at(self, moment: float, callback: Callable[[], Awaitable[None]]) -> None:
        heapq.heappush(self.events, (moment, next(self.order), callback))

    def enqueue(self, job: Job, score: float) -> None:
        heapq.heappush(self.queue, (score, next(self.order), job))

    async def run(self) -> Figures:
        started = time.perf_counter()
        self.at(0.0, self.tick)
        self.at(self.rng.expovariate(self.args.replies), self.reply_arrives)
        while self.events:
            self.now, _, callback = heapq.heappop(self.events)
            await callback()
            await self.dispatch()
        self.figures.elapsed = time.perf_counter() - started
        return self.figures

    async def dispatch(self) -> None:
        """Free slots take the lowest-score ready jobs, as ARQ workers poll them."""
        while self.free > 0 and self.queue and self.queue[0][0] <= self.now:
            _, _, job = heapq.heappop(self.queue)
            self.free -= 1
            await self.start(job)
        if self.free > 0 and self.queue:
            ready = self.queue[0][0]
            if not self.now < self.woken_at <= ready:
                self.woken_at = ready
                self.at(ready, self.nothing)

    async def nothing(self) -> None:
        return None

    def release(self) -> None:
        self.free += 1

    # --- the cron and the athletes ----------------------------------------------------------

    async def tick(self) -> None:
        """fan_out_daily: the due list in due order, capped, each new athlete deferred."""
        while self.next_due < len(self.state) and self.state[self.next_due] == "done":
            self.next_due += 1
        due = [athlete for athlete in range(self.next_due, len(self.state))
               if self.state[athlete] != "done"][:constants.DAILY_FANOUT_BATCH]
        offsets = (pacing.fan_out_offsets(len(due), self.args.rate) if self.spread
                   else [0.0] * len(due))
        for athlete, offset in zip(due, offsets, strict=True):
            if self.state[athlete] == "due":  # else ARQ refuses the job id: already queued
                self.state[athlete] = "queued"
                self.enqueue(Job("daily", self.now + offset, athlete=athlete), self.now + offset)
                self.figures.spread = max(self.figures.spread, self.now + offset)
        self.figures.ticks += 1
        if self.morning_left:
            self.at(self.now + 60, self.tick)

    async def reply_arrives(self) -> None:
        ready = self.now + DEBOUNCE_S
        self.enqueue(Job("inbox", ready, asked=self.now), ready)
        if self.morning_left or self.bulk_unsent:
            self.at(self.now + self.rng.expovariate(self.args.replies), self.reply_arrives)

    def llm(self) -> float:
        return self.args.llm * self.rng.uniform(0.5, 1.5)

    async def start(self, job: Job) -> None:
        if job.kind == "inbox":
            self.figures.inbox_queued.append(self.now - job.ready)
        if job.kind == "send":
            await self.send(job)
            return

        async def written() -> None:
            if job.kind == "daily":
                parts = 2 if self.rng.random() < self.args.two_part else 1
                texts = [Text(bulk=True, written=self.now) for _ in range(parts)]
                self.state[job.athlete] = "done"
                self.morning_left -= 1
                self.bulk_unsent += parts
                self.enqueue(Job("send", self.now, texts=texts), self.now)
            else:
                parts = 2 if self.rng.random() < TWO_PART_REPLIES else 1
                texts = [Text(bulk=False, written=self.now, asked=job.asked)
                         for _ in range(parts)]
                lead = constants.REPLY_QUEUE_LEAD_S if self.lead else 0.0
                self.enqueue(Job("send", self.now, texts=texts), self.now - lead)
            self.figures.texts += texts
            self.release()

        self.at(self.now + self.llm(), written)

    # --- send_message -----------------------------------------------------------------------

    async def send(self, job: Job) -> None:
        """One step of a send job: its next text takes a token (then Twilio holds the slot for
        the API call), or sleeps a moment in the slot, or the job goes back to the queue."""
        while job.texts and job.texts[0].sent is not None:
            job.texts.pop(0)
        if not job.texts:
            self.release()
            return
        text = job.texts[0]
        moment = EPOCH + self.now
        if job.prepaid:
            job.prepaid -= 1
            wait = 0.0
        else:
            tokens = self.bucket.batch(len(job.texts)) if text.bulk else 1
            wait = await pacing.take(self.redis, self.bucket, self.sender, bulk=text.bulk,
                                     at=moment, turn=job.turn if text.bulk else 0.0,
                                     tokens=tokens)
            self.figures.calls += 1
            if wait == 0 and text.bulk:
                job.turn = moment
                job.prepaid = tokens - 1
        if wait == 0:
            job.sleeps = 0
            if self.args.throttle_at <= self.now < self.args.throttle_at + self.args.throttle_for:
                self.figures.rejected_429 += 1
                pause = await pacing.back_off(self.redis, self.bucket, self.sender, at=moment)
                self.figures.calls += 1
                self.figures.blocks.append((self.now, self.now + pause))
                self.requeue(job, pause, moment + pause)
                return
            text.sent = self.now
            self.figures.sends.append(self.now)
            if text.bulk:
                self.bulk_unsent -= 1
            self.at(self.now + self.args.send_s, lambda: self.send(job))
            return
        self.figures.refusals += 1
        if job.sleeps < constants.PACE_SLEEPS and pacing.sleeps(wait, bulk=text.bulk):
            job.sleeps += 1
            self.figures.sleeps += 1
            if text.bulk:
                job.turn = moment + wait
            self.at(self.now + wait, lambda: self.send(job))
            return
        job.sleeps = 0
        self.requeue(job, wait, moment + wait)

    def requeue(self, job: Job, wait: float, turn: float) -> None:
        """Paced: re-enqueued under a new id (no try spent), deferred, without the lead."""
        self.figures.requeues += 1
        job.turn = turn if job.texts[0].bulk else 0.0
        job.prepaid = 0  # a new run of the job: what this one took is spent
        job.ready = self.now + wait
        self.enqueue(job, job.ready)
        self.release()


# --- figures --------------------------------------------------------------------------------


def most_in_a_window(times: Sequence[float], seconds: float = 1.0) -> tuple[int, float]:
    """The most sends in any window of ``seconds``, and where that window starts."""
    ordered = sorted(times)
    most, start, where = 0, 0, 0.0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= seconds:
            start += 1
        if end - start + 1 > most:
            most, where = end - start + 1, ordered[start]
    return most, where


def waits(values: Sequence[float], unit: str = "SMS") -> str:
    if not values:
        return "none"
    return (f"p50 {quantile(values, 0.5):.2f} s, p99 {quantile(values, 0.99):.2f} s, "
            f"max {max(values):.2f} s  ({len(values):,} {unit})")


def report(title: str, figures: Figures, args: argparse.Namespace) -> None:
    bucket = pacing.Bucket.of(args.rate)
    assert bucket is not None
    heading(title)
    bulk = [t for t in figures.texts if t.bulk]
    replies = [t for t in figures.texts if not t.bulk]
    unsent = sum(1 for t in figures.texts if t.sent is None)
    most, where = most_in_a_window(figures.sends)
    ten, _ = most_in_a_window(figures.sends, 10.0)
    minute, _ = most_in_a_window(figures.sends, 60.0)
    last = max((t.sent for t in bulk if t.sent is not None), default=0.0)
    line("SMS sent", f"{len(figures.sends):,}: {len(bulk):,} scheduled (morning), "
         f"{len(replies):,} replies; {unsent} unsent")
    line("most in any 1 s window", f"{most} at {where:.1f} s  (rate {args.rate:g}/s; a full "
         f"bucket allows {bucket.capacity:g} + {args.rate:g} by construction)")
    line("  in any 10 s / 60 s window", f"{ten / 10:.1f} / {minute / 60:.1f} a second at most")
    line("mean over the morning", f"{len(bulk) / last if last else 0:.1f} scheduled SMS/s")
    line("morning drained after", f"{last:.0f} s ({last / 60:.1f} min)")
    line("fan-out spread", f"the last athlete's send_daily ready {figures.spread:.0f} s after "
         f"the minute ({figures.ticks} ticks of at most {constants.DAILY_FANOUT_BATCH:,})")
    line("reply wait (written->sent)", waits([t.sent - t.written for t in replies
                                             if t.sent is not None]))
    line("reply, text in -> sent", waits([t.sent - t.asked for t in replies
                                          if t.sent is not None and t.asked is not None]))
    line("reply turn queued in ARQ", waits(figures.inbox_queued, "turns"))
    line("scheduled wait (written->sent)", waits([t.sent - t.written for t in bulk
                                                 if t.sent is not None]))
    ends: dict[float, float] = {}  # a block's end -> when its first 429 came
    for start, end in figures.blocks:  # a 429 while blocked reports the same block
        ends[round(end, 3)] = min(start, ends.get(round(end, 3), start))
    blocks = sorted(ends.items())
    blocked = sum(1 for s in figures.sends for end, start in blocks if start <= s < end - 1e-3)
    spans = "".join(f", {start:.1f}-{end:.1f} s" for end, start in blocks)
    line("Twilio 429s", f"{figures.rejected_429} answered 429 (Twilio refusing from "
         f"{args.throttle_at:g} s for {args.throttle_for:g} s): {len(blocks)} block(s){spans}; "
         f"{blocked} sent while blocked")
    line("bucket calls", f"{figures.calls:,}: {figures.refusals:,} refused, "
         f"{figures.sleeps:,} slept in the slot, {figures.requeues:,} re-enqueued")
    line("real time", f"{figures.elapsed:.1f} s")


# --- the benchmark --------------------------------------------------------------------------


@dataclass
class PacingRun(Run):
    redis: ArqRedis | None = None
    keys: list[str] = field(default_factory=list)

    async def release_extras(self) -> None:
        if self.redis is None:
            return
        try:
            await self.redis.delete(*self.keys)
            line("redis", f"deleted {len(self.keys)} bucket keys")
        except Exception as exc:
            line("redis", f"could not delete the benchmark's keys: {exc}")
        await self.redis.aclose()


async def benchmark(args: argparse.Namespace) -> None:
    run = PacingRun()
    try:
        redis_url: str = args.redis_url
        if redis_url is None:
            redis_url = await start_embedded(run, start_redis, args.data_dir)
        run.redis = await connect_redis(redis_url)
        info = await run.redis.info("server")
        bucket = pacing.Bucket.of(args.rate)
        assert bucket is not None
        heading(f"send pacing: {args.athletes:,} athletes due in one minute, one sender")
        line("Redis", f"{info.get('redis_version')} "
             f"({'embedded' if args.redis_url is None else redact(redis_url)})")
        machine_line()
        line("rate", f"{args.rate:g} SMS/s: bucket of {bucket.capacity:g}, replies' reserve "
             f"{bucket.reserve:g}; fan-out plans {constants.PACE_PARTS_PER_SCHEDULED_TEXT} SMS "
             f"a text at {constants.PACE_SCHEDULED_SHARE:.0%} of the rate")
        line("workers", f"{args.slots} slots; model call {args.llm:g} s (0.5-1.5x), Twilio "
             f"call {args.send_s:g} s; {args.two_part:.0%} of morning texts in two SMS")
        line("replies", f"{args.replies:g}/s (Poisson) while the morning goes out")

        runs = [("paced: spread, replies queued first, bucket", True, True)]
        if args.compare:
            runs.append(("for comparison: the bucket alone (no spread, no reply lead)",
                         False, False))
        for title, spread, lead in runs:
            sender = f"bench-{secrets.token_hex(4)}"
            run.keys.append(pacing.bucket_key(sender))
            figures = await Morning(run.redis, sender, args, spread=spread, lead=lead).run()
            report(title, figures, args)
    finally:
        await cleanup(run)


# --- command line ---------------------------------------------------------------------------


def positive(kind: type[int] | type[float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError("must be positive")
        return value
    return parse


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Simulate a morning minute of scheduled texts and a stream of replies "
        "against the real send-pacing bucket on Redis, on a virtual clock. Prints figures.")
    parser.add_argument("--athletes", type=positive(int), default=50_000,
                        help="athletes due in the same minute (default 50000)")
    parser.add_argument("--rate", type=positive(float), default=100.0,
                        help="TEXTCOACH_SEND_RATE_PER_SECOND (default 100: a short code)")
    parser.add_argument("--replies", type=positive(float), default=2.0,
                        help="athletes' texts a second needing a reply (default 2)")
    parser.add_argument("--slots", type=positive(int), default=200,
                        help="worker slots: workers x TEXTCOACH_WORKER_CONCURRENCY (default 200)")
    parser.add_argument("--llm", type=positive(float), default=2.0,
                        help="seconds a model call holds a slot, on average (default 2)")
    parser.add_argument("--send-s", type=positive(float), default=0.15,
                        help="seconds Twilio's API call holds a slot (default 0.15)")
    parser.add_argument("--two-part", type=float, default=0.8,
                        help="share of morning texts written as two SMS (default 0.8)")
    parser.add_argument("--throttle-at", type=float, default=300.0,
                        help="virtual second at which Twilio starts answering 429 (default 300)")
    parser.add_argument("--throttle-for", type=float, default=3.0,
                        help="seconds Twilio answers 429 for (default 3; 0: never)")
    parser.add_argument("--compare", action="store_true",
                        help="also run the bucket alone: no fan-out spread, no reply lead")
    parser.add_argument("--redis-url", default=None,
                        help="a real Redis; only a throwaway sender's bucket key is written "
                        "(default: embedded)")
    parser.add_argument("--data-dir", default=None,
                        help="where embedded Redis keeps its data (default: a fresh temporary "
                        "directory, removed at the end)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    return run_benchmark("pacing", benchmark, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
