"""``textcoach run``, ``web`` and ``worker``.

``run`` is the development shape of production: it starts the embedded services once, then the
webhook and a worker as two child processes pointed at them, exactly as ``web`` and ``worker``
run in production (where there are simply more of each).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time

from redis.exceptions import RedisError

from worker.bootstrap import prepare_database
from worker.constants import REDIS_BACKOFF_MAX_S, REDIS_STABLE_S
from worker.embedded import Services, resolve_services
from worker.settings import Settings

#: How often ``textcoach run`` looks at its children and the embedded Redis.
SUPERVISE_TICK_S = 0.5
#: A child that exits this soon after starting, this many times in a row, is not restarted.
QUICK_EXIT_S = 5.0
QUICK_EXITS_TO_GIVE_UP = 3


def _prepare(settings: Settings) -> Services:
    services = resolve_services(settings)
    asyncio.run(prepare_database(services.database_url))
    return services


def run_web(settings: Settings) -> int:
    import uvicorn

    from worker.web.app import create_app

    settings.check_listener()
    services = _prepare(settings)
    try:
        app = create_app(
            settings, database_url=services.database_url, redis_url=services.redis_url
        )
        uvicorn.run(
            app,
            host=settings.web_host,
            port=settings.web_port,
            log_level=settings.log_level.lower(),
            proxy_headers=settings.trust_proxy_headers,
            access_log=settings.access_log,
            # uvicorn's records go through our handler, in our format (text or JSON).
            log_config=None,
        )
    finally:
        services.close()
    return 0


def run_worker(settings: Settings) -> int:
    from worker.jobs.app import build_worker

    services = _prepare(settings)

    async def serve() -> None:
        failures = 0
        while True:
            # ARQ binds the worker to the loop current when it is built: build it in this one.
            worker = build_worker(
                settings, database_url=services.database_url, redis_url=services.redis_url
            )
            started = time.monotonic()
            try:
                await worker.async_run()
                return
            except asyncio.CancelledError:
                return  # a signal asked the worker to stop; it finished its jobs first
            except (RedisError, OSError) as exc:
                # Redis went away (a restart, a failover): PostgreSQL holds every text, so
                # the worker waits and reconnects rather than exiting.
                failures = 1 if time.monotonic() - started > REDIS_STABLE_S else failures + 1
                delay = min(REDIS_BACKOFF_MAX_S, 2 ** failures)
                print(f"textcoach worker: Redis unavailable ({exc}); reconnecting in {delay}s",
                      file=sys.stderr, flush=True)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await worker.close()
            await asyncio.sleep(delay)

    try:
        asyncio.run(serve())
    finally:
        services.close()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_all(settings: Settings) -> int:
    # SIGTERM (a supervisor, `timeout`, `kill`) stops as cleanly as Ctrl-C: children first, then
    # the embedded servers, which would otherwise outlive us.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    services = _prepare(settings)
    services.export()
    llm = (f"openai-compatible ({settings.openai_base_url or 'api.openai.com'})"
           if settings.uses_openai else "offline")
    sms = "Twilio" if settings.uses_twilio else "local channel (texts are printed here)"
    where = {
        "postgres": f"embedded in {settings.data_dir / 'postgres'}",
        "redis": f"embedded in {settings.data_dir / 'redis'}",
    }
    print(
        "textcoach is running\n"
        f"  webhook   {settings.base_url}/twilio/sms\n"
        f"  postgres  {where['postgres'] if 'postgres' in services.embedded else 'DATABASE_URL'}\n"
        f"  redis     {where['redis'] if 'redis' in services.embedded else 'REDIS_URL'}\n"
        f"  llm       {llm}\n"
        f"  sms       {sms}\n"
        '  try       textcoach text +15551230001 "hi"   (Ctrl-C stops everything)',
        flush=True,
    )
    children = {role: Child(role) for role in ("web", "worker")}
    code = 0
    try:
        code = _supervise(settings, services, children)
    except KeyboardInterrupt:
        code = 0
    finally:
        for child in children.values():
            child.stop()
        services.close()
    return code


class Child:
    """One supervised process (``textcoach web`` or ``worker``) and its recent crashes."""

    def __init__(self, role: str) -> None:
        self.role = role
        self.quick_exits = 0
        self.process = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        self.started = time.monotonic()
        return subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed args
            [sys.executable, "-m", "worker", self.role], env=os.environ.copy()
        )

    def restart(self) -> None:
        self.stop()
        self.process = self._spawn()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _supervise(settings: Settings, services: Services, children: dict[str, Child]) -> int:
    """Keep the children and the embedded Redis running until Ctrl-C: a crashed process is
    started again; one that keeps exiting at once (a configuration mistake) stops everything,
    with its own one-line error above."""
    while True:
        time.sleep(SUPERVISE_TICK_S)
        if not services.redis_alive():
            print("textcoach: embedded Redis stopped; starting it again", file=sys.stderr,
                  flush=True)
            services.restart_redis(settings.data_dir)
            services.export()
            for child in children.values():  # they must reconnect to the new socket
                child.restart()
            continue
        for child in children.values():
            exit_code = child.process.poll()
            if exit_code is None:
                continue
            quick = time.monotonic() - child.started < QUICK_EXIT_S
            child.quick_exits = child.quick_exits + 1 if quick else 0
            if child.quick_exits >= QUICK_EXITS_TO_GIVE_UP:
                print(f"textcoach: the {child.role} process keeps stopping (exit {exit_code}); "
                      "stopping everything", file=sys.stderr, flush=True)
                return exit_code or 1
            print(f"textcoach: the {child.role} process stopped (exit {exit_code}); starting "
                  "it again", file=sys.stderr, flush=True)
            child.restart()
