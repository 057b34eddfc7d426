"""A migrated database connection for one-shot CLI commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from worker.db.migrate import migrate
from worker.db.pool import Conn, connect
from worker.embedded import resolve_database
from worker.settings import Settings


@asynccontextmanager
async def connected(settings: Settings) -> AsyncIterator[Conn]:
    database_url, _handle = resolve_database(settings)
    await migrate(database_url)
    conn = await connect(database_url)
    try:
        yield conn
    finally:
        await conn.close()
