"""The asyncpg pool, with JSONB decoded to Python values on every connection."""

from __future__ import annotations

import json
import logging
from typing import Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from worker.errors import ConfigError

log = logging.getLogger(__name__)

#: What queries run on: a bare connection or one borrowed from the pool.
Conn: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"


#: jsonb's binary form is a version byte, then the JSON text.
_JSONB_VERSION = b"\x01"


async def _init_connection(conn: asyncpg.Connection) -> None:
    """JSON decoded to Python values, in binary format: asyncpg decodes a table record (a row
    read whole, ``SELECT t FROM trips t``) only when every column has a binary codec, and the
    context snapshot reads its rows that way."""
    await conn.set_type_codec(
        "json", schema="pg_catalog", format="binary",
        encoder=lambda value: json.dumps(value).encode(), decoder=json.loads,
    )
    await conn.set_type_codec(
        "jsonb", schema="pg_catalog", format="binary",
        encoder=lambda value: _JSONB_VERSION + json.dumps(value).encode(),
        decoder=lambda data: json.loads(data[1:]),
    )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """No reset query on release (an open transaction is still rolled back by asyncpg)."""


async def create_pool(dsn: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """Open a pool, turning "cannot connect" into one readable line for the operator.

    Connections go back to the pool without the query asyncpg would send on every release to
    undo advisory locks, LISTENs and SETs: a round trip per use (13 in a chat turn), for state
    we do not leave behind. We never LISTEN or SET a session; the one session-level state we
    take, an athlete's advisory lock, is released by ``athlete_lock``, which ends the session
    if it cannot.
    """
    try:
        pool: asyncpg.Pool = await asyncpg.create_pool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            init=_init_connection,
            command_timeout=60,
            reset=_keep_session,
        )
    except (OSError, asyncpg.PostgresError) as exc:
        raise ConfigError(f"cannot connect to PostgreSQL at {redact(dsn)}: {exc}") from None
    return pool


async def connect(dsn: str) -> asyncpg.Connection:
    """One connection outside the pool (migrations, admin commands)."""
    try:
        conn: asyncpg.Connection = await asyncpg.connect(dsn)
    except (OSError, asyncpg.PostgresError) as exc:
        raise ConfigError(f"cannot connect to PostgreSQL at {redact(dsn)}: {exc}") from None
    await _init_connection(conn)
    return conn


def redact(dsn: str) -> str:
    """A DSN with its password replaced, for error messages and logs."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(dsn)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return dsn


def record(row: asyncpg.Record | None) -> dict[str, Any] | None:
    """A row as a plain dict (or None), for code that should not depend on asyncpg types."""
    return dict(row) if row is not None else None
