"""Per-athlete advisory locks.

Session-level PostgreSQL advisory locks on a connection held for the critical section: a worker
that dies drops its connection, and PostgreSQL releases the lock with it, so a crash can never
leave an athlete locked.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy

_TRY = "SELECT pg_try_advisory_lock($1::int, hashtext($2::text))"
_UNLOCK = "SELECT pg_advisory_unlock($1::int, hashtext($2::text))"


@asynccontextmanager
async def athlete_lock(
    pool: asyncpg.Pool, namespace: int, user_id: UUID, *, wait_s: float, poll_s: float = 0.05
) -> AsyncIterator[bool]:
    """Hold ``(namespace, athlete)`` for the block; yields False if it stayed busy for ``wait_s``.

    Polling with pg_try_advisory_lock (rather than blocking in pg_advisory_lock) keeps a waiting
    job cancellable and bounded by ``wait_s``.
    """
    async with pool.acquire() as conn:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        locked: bool = await conn.fetchval(_TRY, namespace, str(user_id))
        while not locked and loop.time() < deadline:
            await asyncio.sleep(poll_s)
            locked = await conn.fetchval(_TRY, namespace, str(user_id))
        try:
            yield locked
        finally:
            if locked:
                await _unlock(conn, namespace, user_id)


async def _unlock(conn: PoolConnectionProxy[asyncpg.Record], namespace: int,
                  user_id: UUID) -> None:
    """Release the lock, or end the session if that fails (cancelled, connection lost): the
    pool does not reset connections, so a lock left on one would outlive the job. PostgreSQL
    drops a session's locks with it."""
    try:
        await conn.fetchval(_UNLOCK, namespace, str(user_id))
    except BaseException:
        conn.terminate()
        raise
