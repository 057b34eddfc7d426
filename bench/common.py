"""What the benchmark scripts share: printing, the throwaway database, the embedded servers.

``fanout.py`` and ``coaching.py`` set up and tear down PostgreSQL the same way: an embedded
pgserver in a data directory (``--data-dir``, or a fresh temporary one that is removed at the
end) unless ``--database-url`` names a real server, a throwaway database
``textcoach_bench_<random>`` migrated with ``worker.bootstrap.prepare_database`` and dropped
``WITH (FORCE)`` at the end, embedded servers released the way ``worker.embedded.Services.close``
does it, and the same command-line options, output lines and exit codes. That part lives here
once, so that the two scripts cannot drift apart in what they leave behind. What only one script
does (Redis and its queue in ``fanout.py``, counting round trips in ``coaching.py``) stays in
that script.

The scripts are run as ``.venv/bin/python bench/<name>.py``, so ``bench/`` is on ``sys.path``
and they import this module as ``common``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from worker.bootstrap import prepare_database
from worker.clock import clock
from worker.db.pool import connect
from worker.embedded import start_postgres
from worker.errors import ConfigError

T = TypeVar("T")

#: '+1555' || lpad(i, 7): seven digits per athlete keeps every phone unique and E.164.
MAX_ATHLETES = 9_999_999


@dataclass
class Run:
    """What the benchmark started or created, so that it can all be undone at the end."""

    data_dir: Path | None = None
    remove_data_dir: bool = False
    handles: list[Any] = field(default_factory=list)
    server_url: str | None = None
    database: str | None = None
    pool: asyncpg.Pool | None = None

    async def release_extras(self) -> None:
        """Undo what a script adds beyond PostgreSQL, before the pool and the servers go."""


# --- printing -------------------------------------------------------------------------------


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0 to 1) of ``values`` by nearest rank; 0 for none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def heading(title: str) -> None:
    print(f"\n== {title}", flush=True)


def line(label: str, value: object) -> None:
    print(f"  {label:<28} {value}", flush=True)


def machine_line() -> None:
    line(
        "machine",
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}",
    )


async def timed(call: Callable[[], Awaitable[T]]) -> tuple[float, T]:
    started = time.perf_counter()
    result = await call()
    return time.perf_counter() - started, result


# --- services -------------------------------------------------------------------------------


def with_database(dsn: str, name: str) -> str:
    """The same server's DSN, pointed at another database."""
    return urlunsplit(urlsplit(dsn)._replace(path=f"/{name}"))


def data_dir(run: Run, given: str | None) -> Path:
    """Where embedded servers keep data: ``given``, or a fresh temporary directory (removed at
    the end). Chosen once per run, so every embedded server shares it."""
    if run.data_dir is None:
        if given is None:
            run.data_dir = Path(tempfile.mkdtemp(prefix="textcoach-bench-"))
            run.remove_data_dir = True
        else:
            run.data_dir = Path(given)
    return run.data_dir


async def start_embedded(
    run: Run, start: Callable[[Path], tuple[str, Any]], given_dir: str | None
) -> str:
    """Start an embedded server (``worker.embedded.start_postgres`` / ``start_redis``) in the
    run's data directory; cleanup releases it. Returns its URL."""
    url, handle = await asyncio.to_thread(start, data_dir(run, given_dir))
    run.handles.append(handle)
    return url


async def start_postgres_server(args: argparse.Namespace, run: Run) -> tuple[str, bool]:
    """The PostgreSQL server URL (``--database-url``, or an embedded one started in the data
    directory), and whether it is embedded."""
    if args.database_url is not None:
        server_url, embedded = args.database_url, False
    else:
        server_url, embedded = await start_embedded(run, start_postgres, args.data_dir), True
    run.server_url = server_url
    return server_url, embedded


async def admin(server_url: str, statement: str) -> None:
    conn = await connect(server_url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def create_database(run: Run, server_url: str) -> tuple[str, float]:
    """Create, migrate and seed the throwaway database; its URL and the seconds migrating took."""
    database = f"textcoach_bench_{secrets.token_hex(4)}"
    await admin(server_url, f'CREATE DATABASE "{database}"')
    run.database = database  # from here on, cleanup drops it
    database_url = with_database(server_url, database)
    prepare_s, _ = await timed(lambda: prepare_database(database_url))
    return database_url, prepare_s


async def cleanup(run: Run) -> None:
    """Undo everything the run created, in reverse order; report, never raise."""
    heading("cleanup")
    clock.reset()
    await run.release_extras()
    if run.pool is not None:
        await run.pool.close()
    if run.database is not None and run.server_url is not None:
        try:
            await admin(run.server_url, f'DROP DATABASE IF EXISTS "{run.database}" WITH (FORCE)')
            line("postgres", f"dropped database {run.database}")
        except Exception as exc:
            line("postgres", f"could not drop database {run.database}: {exc}")
    for handle in reversed(run.handles):
        try:
            await asyncio.to_thread(handle._cleanup)
        except Exception as exc:
            line("embedded", f"could not let go of {type(handle).__name__}: {exc}")
    if len(run.handles) == 1:
        line("embedded server", "released (stopped unless another process still uses it)")
    elif run.handles:
        line("embedded servers", "released (stopped unless another process still uses them)")
    if run.remove_data_dir and run.data_dir is not None:
        shutil.rmtree(run.data_dir, ignore_errors=True)
        line("data dir", f"removed {run.data_dir}")


# --- command line ---------------------------------------------------------------------------


def athletes_arg(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_ATHLETES:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_ATHLETES:,}")
    return value


def repeat_arg(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return value


def add_postgres_options(parser: argparse.ArgumentParser, embedded: str) -> None:
    """``--data-dir`` and ``--database-url``, as :func:`start_postgres_server` reads them.

    ``embedded`` names what keeps data in the data directory, e.g. "PostgreSQL keeps".
    """
    parser.add_argument(
        "--data-dir",
        default=None,
        help=f"where embedded {embedded} data (default: a fresh "
        "temporary directory, removed at the end)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="a real PostgreSQL server; a throwaway database is created on it "
        "and dropped at the end (default: embedded)",
    )


def run_benchmark(
    name: str,
    benchmark: Callable[[argparse.Namespace], Coroutine[Any, Any, None]],
    args: argparse.Namespace,
) -> int:
    """Run ``benchmark(args)``; the exit code: 0, 2 on a configuration error, 130 on Ctrl-C."""
    # platformdirs (used by the embedded servers) warns about a missing XDG_RUNTIME_DIR.
    warnings.filterwarnings("ignore", "XDG_RUNTIME_DIR is not set")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(benchmark(args))
    except ConfigError as exc:
        print(f"{name} benchmark: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
