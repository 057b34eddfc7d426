"""The load generator of ``bench/webhook.py``: signed Twilio texts over keep-alive HTTP/1.1.

Pure Python asyncio (an ``asyncio.Protocol`` per connection), run in processes of its own so it
shares an event loop with nothing: :func:`run_phase` starts one or more generator processes
(``multiprocessing``, spawn), waits until each has built its requests and opened its
connections, gives them one common start instant, and merges what they measured.

Every request is built before the clock starts: a distinct inbound text (its own MessageSid,
``From`` one of N athletes ``+1555xxxxxxx``, a realistic body), the form Twilio posts
(``worker.web.signature.twilio_form``) and its ``X-Twilio-Signature``
(``worker.web.signature.sign``, over the exact URL the server checks). Responses are read in
full: status line, headers, ``Content-Length`` bytes of body.

Three modes:

* ``batch``: send a fixed list once, as fast as the connections allow (untimed priming);
* ``closed``: C connections, each sending its next request when the previous one is answered,
  for a warm-up and then a measured window; throughput and latency (send to last byte) of the
  responses completed inside the window;
* ``open``: requests scheduled at fixed times (R per second), each sent on the first free
  connection; latency is measured from the *scheduled* time, so time spent waiting behind a
  slow response counts (no coordinated omission). How late the generator itself dispatched
  each request is recorded too.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import multiprocessing
import random
import time
import traceback
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Literal, cast
from urllib.parse import urlencode

Mode = Literal["batch", "closed", "open"]

#: What athletes text a coach: no carrier keyword among them (``bench/webhook.py`` checks).
BODIES = (
    "Did it! Squats 3x8 at 135, last set was a grind",
    "done",
    "Ran 5k this morning in 27:40, legs felt heavy",
    "Can we move tomorrow's session to Friday? Work trip",
    "knee is a bit sore after the lunges, should I skip legs?",
    "Weighed in at 182.4 today",
    "what should I eat before a morning workout",
    "Skipped today, slept badly. Back at it tomorrow",
    "bench 4x6 @ 155, felt easy, add weight next time?",
    "How long should I rest between sets?",
    "I only have dumbbells this week, hotel gym 🏋️",
    "30 min walk + core circuit ✅",
    "Push-ups 3x15, rows 3x12 with the 25s. Shoulder ok",
    "Feeling great today! Can I add an extra day?",
    "deadlifts 5x5 at 225 but my lower back is tight now",
    "Missed yesterday, do I double up or just continue?",
)

START_DELAY_S = 0.3  # between "everyone ready" and the common start instant
GRACE_S = 30.0  # how long answers may take after the last request before they count as lost
ERROR_PAUSE_S = 0.01  # after a failed request, before the same connection tries again


@dataclass(frozen=True)
class Target:
    """Where the requests go, and what a good answer looks like."""

    host: str
    port: int
    path: str
    signed_url: str  # the URL the server checks signatures against
    auth_token: str
    expected_body: bytes  # what a 200 should carry


@dataclass(frozen=True)
class Spec:
    """One generator process's share of one phase."""

    target: Target
    mode: Mode
    connections: int
    tag: str  # 10 hex characters: the run and the phase, so that every MessageSid is distinct
    generator: int  # this process's index (it sends requests generator, generator + G, ...)
    generators: int  # G
    pool: int  # requests to build
    athletes: int
    warmup_s: float = 0.0
    seconds: float = 0.0
    rate: float = 0.0  # open loop: requests per second, all generators together


@dataclass
class Tally:
    """What one generator process saw."""

    statuses: Counter[int] = field(default_factory=Counter)
    sent: int = 0
    errors: int = 0
    first_error: str = ""
    bad_bodies: int = 0  # 200s whose body was not the expected TwiML
    reused: int = 0  # closed loop: requests sent again because the built pool ran out
    measured: int = 0
    latencies_ns: array[int] = field(default_factory=lambda: array("q"))
    lateness_ns: array[int] = field(default_factory=lambda: array("q"))  # open loop
    cpu_s: float = 0.0  # this process's CPU time in the measured window (batch: all of it)
    elapsed_s: float = 0.0  # batch: first request to last answer
    build_s: float = 0.0

    def record(self, status: int, body: bytes, expected: bytes) -> None:
        self.statuses[status] += 1
        if status == 200 and body != expected:
            self.bad_bodies += 1

    def error(self, exc: BaseException) -> None:
        self.errors += 1
        if not self.first_error:
            self.first_error = f"{type(exc).__name__}: {exc}"


@dataclass
class Phase:
    """Every generator's tally, merged."""

    mode: Mode
    seconds: float
    statuses: Counter[int]
    sent: int
    errors: int
    first_error: str
    bad_bodies: int
    reused: int
    measured: int
    latencies_ns: list[int]  # sorted
    lateness_ns: list[int]  # sorted
    cpu_s: float
    elapsed_s: float
    build_s: float

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def non_2xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    @property
    def throughput(self) -> float:
        return self.measured / self.seconds if self.seconds else 0.0

    def latency(self, q: float) -> float:
        """The q-quantile of the measured latencies, in seconds (nearest rank)."""
        return quantile(self.latencies_ns, q)

    def lateness(self, q: float) -> float:
        return quantile(self.lateness_ns, q)


def quantile(sorted_ns: Sequence[int], q: float) -> float:
    if not sorted_ns:
        return math.nan
    rank = min(len(sorted_ns), max(1, math.ceil(q * len(sorted_ns))))
    return sorted_ns[rank - 1] / 1e9


# --- requests -------------------------------------------------------------------------------


def build_requests(spec: Spec) -> list[bytes]:
    """This process's requests, in sending order: distinct, signed, complete HTTP/1.1 bytes."""
    from worker.settings import Settings
    from worker.web.signature import sign, twilio_form

    # Field defaults, no environment: AccountSid AC0..., To the local coach number, as the
    # servers (started without TWILIO_* variables) expect.
    form_settings = Settings.model_construct()
    target = spec.target
    rng = random.Random(f"{spec.tag}:{spec.generator}")  # noqa: S311 - test data, no secret
    head = (
        f"POST {target.path} HTTP/1.1\r\n"
        f"Host: {target.host}:{target.port}\r\n"
        "User-Agent: TwilioProxy/1.1\r\n"
        "Accept: */*\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
    )
    requests: list[bytes] = []
    for j in range(spec.pool):
        index = spec.generator + j * spec.generators  # the request's index in the phase
        athlete = index % spec.athletes if spec.mode == "batch" else rng.randrange(spec.athletes)
        form = twilio_form(
            form_settings,
            sid=f"SM{spec.tag}{spec.generator:02x}{j:020x}",
            phone=f"+1555{athlete + 1:07d}",
            body=BODIES[rng.randrange(len(BODIES))],
        )
        payload = urlencode(form).encode()
        signature = sign(target.auth_token, target.signed_url, form)
        requests.append(
            f"{head}Content-Length: {len(payload)}\r\nX-Twilio-Signature: {signature}\r\n\r\n"
            .encode() + payload
        )
    return requests


# --- HTTP/1.1 over a keep-alive connection --------------------------------------------------


class GeneratorError(Exception):
    """A failure the generator explains in one line (the server is not there)."""


class ProtocolError(Exception):
    """A response this generator does not read (no Content-Length, chunked)."""


class HttpConnection(asyncio.Protocol):
    """One keep-alive connection, one request at a time: write it, read the whole answer."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.status = 0
        self.body_start = -1
        self.end = -1  # where the response being read ends in the buffer, once its head is in
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is not None:
            self._parse()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(exc or ConnectionResetError("the server closed the connection"))

    def _fail(self, exc: BaseException) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    def _parse(self) -> None:
        if self.end < 0:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            lines = bytes(self.buffer[:head_end]).split(b"\r\n")
            status = int(lines[0].split(b" ", 2)[1])
            length: int | None = None
            for header in lines[1:]:
                name, _, value = header.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"transfer-encoding":
                    self._fail(ProtocolError("chunked response"))
                    return
                elif name == b"connection" and value.strip().lower() == b"close":
                    self.closed = True  # answered, then closed: the next request reconnects
            if length is None:
                if status not in (204, 304) and status >= 200:
                    self._fail(ProtocolError(f"{status} without Content-Length"))
                    return
                length = 0
            self.status = status
            self.body_start = head_end + 4
            self.end = self.body_start + length
        if len(self.buffer) < self.end:
            return
        body = bytes(self.buffer[self.body_start : self.end])
        del self.buffer[: self.end]
        self.end = -1
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((self.status, body))

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        assert self.transport is not None and self.waiter is None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.waiter


class Client:
    """A connection that reopens itself when the server closed it."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.conn: HttpConnection | None = None

    async def connect(self) -> None:
        _, self.conn = await asyncio.get_running_loop().create_connection(
            HttpConnection, self.host, self.port
        )

    async def request(self, data: bytes) -> tuple[int, bytes]:
        if self.conn is None or self.conn.closed:
            await self.connect()
        assert self.conn is not None
        try:
            return await self.conn.exchange(data)
        except BaseException:
            self.close()  # the response stream is out of step: start afresh
            raise

    def close(self) -> None:
        if self.conn is not None and self.conn.transport is not None:
            self.conn.transport.close()
        self.conn = None


REQUEST_ERRORS = (OSError, ProtocolError, ValueError, IndexError)


# --- the three modes ------------------------------------------------------------------------


async def sleep_until(deadline_ns: int) -> None:
    delay = deadline_ns - time.monotonic_ns()
    if delay > 0:
        await asyncio.sleep(delay / 1e9)


async def batch(spec: Spec, requests: list[bytes], clients: list[Client], start_ns: int,
                tally: Tally) -> None:
    expected = spec.target.expected_body
    pending = iter(requests)

    async def worker(client: Client) -> None:
        for data in pending:
            tally.sent += 1
            try:
                status, body = await client.request(data)
            except REQUEST_ERRORS as exc:
                tally.error(exc)
                await asyncio.sleep(ERROR_PAUSE_S)
                continue
            tally.record(status, body, expected)

    await sleep_until(start_ns)
    cpu, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(client) for client in clients))
    tally.cpu_s, tally.elapsed_s = time.process_time() - cpu, time.perf_counter() - started


async def closed_loop(spec: Spec, requests: list[bytes], clients: list[Client], start_ns: int,
                      tally: Tally) -> None:
    expected = spec.target.expected_body
    window_start = start_ns + round(spec.warmup_s * 1e9)
    window_end = window_start + round(spec.seconds * 1e9)
    counter = itertools.count()

    async def worker(client: Client) -> None:
        while True:
            sent_at = time.monotonic_ns()
            if sent_at >= window_end:
                return
            i = next(counter)
            if i >= len(requests):
                tally.reused += 1
            tally.sent += 1
            try:
                status, body = await client.request(requests[i % len(requests)])
            except REQUEST_ERRORS as exc:
                tally.error(exc)
                await asyncio.sleep(ERROR_PAUSE_S)
                continue
            answered_at = time.monotonic_ns()
            tally.record(status, body, expected)
            if window_start <= answered_at < window_end:
                tally.measured += 1
                tally.latencies_ns.append(answered_at - sent_at)

    cpu = CpuSampler(window_start, window_end, tally)
    await sleep_until(start_ns)
    await asyncio.gather(*(worker(client) for client in clients))
    cpu.finish()


async def open_loop(spec: Spec, requests: list[bytes], clients: list[Client], start_ns: int,
                    tally: Tally) -> None:
    expected = spec.target.expected_body
    interval_ns = 1e9 / spec.rate
    window_start = start_ns + round(spec.warmup_s * 1e9)
    window_end = window_start + round(spec.seconds * 1e9)
    idle: asyncio.Queue[Client] = asyncio.Queue()
    for client in clients:
        idle.put_nowait(client)

    async def one(data: bytes, scheduled: int) -> None:
        dispatched = time.monotonic_ns()
        client = await idle.get()  # waiting for a free connection counts: it is queueing
        tally.sent += 1
        try:
            status, body = await client.request(data)
        except REQUEST_ERRORS as exc:
            tally.error(exc)
            return
        finally:
            idle.put_nowait(client)
        answered = time.monotonic_ns()
        tally.record(status, body, expected)
        if window_start <= scheduled < window_end:
            tally.measured += 1
            tally.latencies_ns.append(answered - scheduled)
            tally.lateness_ns.append(dispatched - scheduled)

    cpu = CpuSampler(window_start, window_end, tally)
    tasks: list[asyncio.Task[None]] = []
    for j, data in enumerate(requests):
        index = spec.generator + j * spec.generators
        scheduled = start_ns + round(index * interval_ns)
        await sleep_until(scheduled)
        tasks.append(asyncio.create_task(one(data, scheduled)))
    await asyncio.gather(*tasks)
    cpu.finish()


class CpuSampler:
    """This process's CPU time over the measured window, into ``tally.cpu_s`` (loop time is
    the monotonic clock, the same clock as the window's)."""

    def __init__(self, window_start_ns: int, window_end_ns: int, tally: Tally) -> None:
        loop = asyncio.get_running_loop()
        self.tally = tally
        self.at_start: float | None = None
        self.done = False
        self.timers = [loop.call_at(window_start_ns / 1e9, self.start),
                       loop.call_at(window_end_ns / 1e9, self.end)]

    def start(self) -> None:
        self.at_start = time.process_time()

    def end(self) -> None:
        if self.at_start is not None and not self.done:
            self.tally.cpu_s = time.process_time() - self.at_start
        self.done = True

    def finish(self) -> None:
        """The run is over: take the end sample now if its timer has not fired yet."""
        for timer in self.timers:
            timer.cancel()
        self.end()


async def generate(spec: Spec, requests: list[bytes], pipe: Connection, tally: Tally) -> None:
    clients = [Client(spec.target.host, spec.target.port) for _ in range(spec.connections)]
    try:
        await asyncio.gather(*(client.connect() for client in clients))
    except OSError as exc:
        raise GeneratorError(
            f"cannot connect to {spec.target.host}:{spec.target.port}: {exc}") from None
    pipe.send(("ready", tally.build_s))
    start_ns: int = await asyncio.to_thread(pipe.recv)
    mode = {"batch": batch, "closed": closed_loop, "open": open_loop}[spec.mode]
    deadline = spec.warmup_s + spec.seconds + START_DELAY_S + GRACE_S
    if spec.mode == "batch":
        deadline = math.inf
    try:
        async with asyncio.timeout(deadline):
            await mode(spec, requests, clients, start_ns, tally)
    except TimeoutError:
        lost = tally.sent - sum(tally.statuses.values()) - tally.errors
        tally.errors += lost
        tally.first_error = tally.first_error or f"{lost} requests unanswered after {GRACE_S} s"
    for client in clients:
        client.close()


def generator_main(spec: Spec, pipe: Connection) -> None:
    """A generator process: build, connect, report ready, wait for the start, run, report."""
    try:
        started = time.perf_counter()
        requests = build_requests(spec)
        tally = Tally(build_s=time.perf_counter() - started)
        asyncio.run(generate(spec, requests, pipe, tally))
        pipe.send(("done", tally))
    except KeyboardInterrupt:
        pass
    except GeneratorError as exc:
        pipe.send(("error", str(exc)))
    except BaseException:
        pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()


# --- the parent's side ----------------------------------------------------------------------


def _receive(pipe: Connection, process: multiprocessing.process.BaseProcess,
             expected: str) -> object:
    try:
        kind, value = pipe.recv()
    except EOFError:
        process.join(5)
        raise RuntimeError(
            f"a load generator process died (exit code {process.exitcode})"
        ) from None
    if kind == "error":
        raise RuntimeError(f"a load generator process failed: {value}")
    assert kind == expected, kind
    return value


async def run_phase(
    specs: Sequence[Spec], on_window: Callable[[float, float], None] | None = None
) -> Phase:
    """Run one phase on ``len(specs)`` generator processes started together.

    ``on_window(start, end)`` is called as soon as the start instant is known, with the measured
    window in ``time.monotonic()`` seconds (``loop.call_at`` time), so the caller can sample
    what it likes at its edges.
    """
    context = multiprocessing.get_context("spawn")
    pipes: list[Connection] = []
    processes: list[multiprocessing.process.BaseProcess] = []
    try:
        for spec in specs:
            parent_end, child_end = context.Pipe()
            process: multiprocessing.process.BaseProcess = context.Process(
                target=generator_main, args=(spec, child_end), daemon=True,
                name=f"loadgen-{spec.generator}",
            )
            process.start()
            child_end.close()
            pipes.append(parent_end)
            processes.append(process)
        build_s = 0.0
        for pipe, process in zip(pipes, processes, strict=True):
            built = await asyncio.to_thread(_receive, pipe, process, "ready")
            build_s = max(build_s, cast(float, built))
        start_ns = time.monotonic_ns() + round(START_DELAY_S * 1e9)
        for pipe in pipes:
            pipe.send(start_ns)
        spec = specs[0]
        if on_window is not None and spec.mode != "batch":
            window_start = start_ns / 1e9 + spec.warmup_s
            on_window(window_start, window_start + spec.seconds)
        tallies: list[Tally] = []
        for pipe, process in zip(pipes, processes, strict=True):
            tallies.append(cast(Tally, await asyncio.to_thread(_receive, pipe, process, "done")))
        for process in processes:
            await asyncio.to_thread(process.join, 10)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(5)
        for pipe in pipes:
            pipe.close()
    return merge(specs[0], tallies, build_s)


def merge(spec: Spec, tallies: Sequence[Tally], build_s: float) -> Phase:
    statuses: Counter[int] = Counter()
    for tally in tallies:
        statuses.update(tally.statuses)
    return Phase(
        mode=spec.mode,
        seconds=spec.seconds,
        statuses=statuses,
        sent=sum(t.sent for t in tallies),
        errors=sum(t.errors for t in tallies),
        first_error=next((t.first_error for t in tallies if t.first_error), ""),
        bad_bodies=sum(t.bad_bodies for t in tallies),
        reused=sum(t.reused for t in tallies),
        measured=sum(t.measured for t in tallies),
        latencies_ns=sorted(itertools.chain.from_iterable(t.latencies_ns for t in tallies)),
        lateness_ns=sorted(itertools.chain.from_iterable(t.lateness_ns for t in tallies)),
        cpu_s=sum(t.cpu_s for t in tallies),
        elapsed_s=max(t.elapsed_s for t in tallies),
        build_s=build_s,
    )


def split(total: int, parts: int, part: int) -> int:
    """How many of ``total`` items, dealt round-robin over ``parts``, fall to ``part``."""
    return len(range(part, total, parts))
