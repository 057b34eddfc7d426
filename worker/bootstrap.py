"""What a starting process makes sure of before serving: schema, reference data, agents.

The exercise library is reference data reviewed in ``sql/seed/``; seeding it is idempotent and
writes nothing when the file has not changed.
"""

from __future__ import annotations

from worker.agents.registry import sync
from worker.clock import now
from worker.db.migrate import migrate
from worker.db.pool import connect
from worker.library.programs import publish_first_versions, sync_programs
from worker.library.seed import seed_library


async def prepare_database(database_url: str) -> None:
    """Migrate, then add any agents, prompts and programmes the database has never seen.

    Only new ones: an agent edited or rolled back in the database stays as it is until an
    operator runs ``textcoach agents sync``, and so does an edited programme (``textcoach
    programs sync`` and ``publish``). A programme never published gets its first version
    published, so a fresh install offers the programmes it ships.
    """
    await migrate(database_url)
    conn = await connect(database_url)
    try:
        await seed_library(conn)
        await sync(conn, bootstrap=True, who="startup")
        added = await sync_programs(conn, only_new=True)
        await publish_first_versions(conn, [r.slug for r in added if r.change == "new"], now())
    finally:
        await conn.close()
