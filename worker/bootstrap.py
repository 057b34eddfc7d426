"""What a starting process makes sure of before serving: schema, reference data, agents.

The exercise library is reference data reviewed in ``sql/seed/``; seeding it is idempotent and
writes nothing when the file has not changed.
"""

from __future__ import annotations

from worker.agents.registry import sync
from worker.db.migrate import migrate
from worker.db.pool import connect
from worker.library.seed import seed_library


async def prepare_database(database_url: str) -> None:
    """Migrate, then add any agents and prompts the database has never seen.

    Only new ones: an agent edited or rolled back in the database stays as it is until an
    operator runs ``textcoach agents sync``.
    """
    await migrate(database_url)
    conn = await connect(database_url)
    try:
        await seed_library(conn)
        await sync(conn, bootstrap=True, who="startup")
    finally:
        await conn.close()
