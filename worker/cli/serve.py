"""``textcoach run``, ``web`` and ``worker``.

``run`` is the development shape of production: it starts the embedded services once, then the
webhook and a worker as two child processes pointed at them, exactly as ``web`` and ``worker``
run in production (where there are simply more of each).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

from worker.bootstrap import prepare_database
from worker.embedded import Services, resolve_services
from worker.settings import Settings


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
        )
    finally:
        services.close()
    return 0


def run_worker(settings: Settings) -> int:
    from worker.jobs.app import build_worker

    services = _prepare(settings)

    async def serve() -> None:
        # ARQ binds the worker to the loop current when it is built: build it inside this one.
        worker = build_worker(
            settings, database_url=services.database_url, redis_url=services.redis_url
        )
        try:
            await worker.async_run()
        except asyncio.CancelledError:
            pass  # a signal asked the worker to stop; it finished its jobs first
        finally:
            await worker.close()

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
    children = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed args
            [sys.executable, "-m", "worker", role], env=os.environ.copy()
        )
        for role in ("web", "worker")
    ]
    code = 0
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        for role, child in zip(("web", "worker"), children, strict=True):
            if child.returncode is not None:
                print(f"textcoach: the {role} process stopped (exit {child.returncode}); "
                      "stopping everything", file=sys.stderr)
                code = child.returncode or 1
                break
    except KeyboardInterrupt:
        code = 0
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        services.close()
    return code
