"""Per-athlete advisory locks on a pool that does not reset connections on release."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from worker.db.locks import athlete_lock

NS = 42


async def _free(pool: asyncpg.Pool, user: uuid.UUID) -> bool:
    """Whether another session could take the lock now (released at once if so)."""
    async with athlete_lock(pool, NS, user, wait_s=0) as locked:
        return locked


async def test_the_lock_excludes_and_is_released_after_the_block(pool: asyncpg.Pool) -> None:
    user = uuid.uuid4()
    async with athlete_lock(pool, NS, user, wait_s=0) as locked:
        assert locked
        assert not await _free(pool, user)
    assert await _free(pool, user)


async def test_an_error_or_a_cancel_in_the_block_leaves_no_lock_behind(
    pool: asyncpg.Pool,
) -> None:
    user = uuid.uuid4()
    with pytest.raises(RuntimeError):
        async with athlete_lock(pool, NS, user, wait_s=0):
            raise RuntimeError("turn failed")
    assert await _free(pool, user)

    entered = asyncio.Event()

    async def hold() -> None:
        async with athlete_lock(pool, NS, user, wait_s=0):
            entered.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(hold())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # Every pooled connection, reused without a reset query, must be free of it.
    for _ in range(pool.get_max_size() + 1):
        assert await _free(pool, user)
    assert await pool.fetchval("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == 0
