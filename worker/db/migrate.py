"""Plain-SQL migrations: ordered files, each with its down step, applied under an advisory lock.

A migration is ``migrations/NNNN_name.sql`` holding a ``-- migrate:up`` section and a
``-- migrate:down`` section. Each applied migration is recorded in ``schema_migrations`` with the
SHA-256 of its file; a file edited after it was applied is refused rather than silently diverging
from the databases that ran the old text. ``pg_advisory_lock`` serialises runners, so any number
of web and worker processes may start at once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg

from worker.db.pool import connect
from worker.errors import ConfigError
from worker.paths import MIGRATIONS_DIR

# Any constant works; it only has to be the same in every process.
MIGRATION_LOCK_KEY = 0x7465_7874_636F_6163  # "textcoac"

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_UP = "-- migrate:up"
_DOWN = "-- migrate:down"

_SCHEMA_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path
    up: str
    down: str
    checksum: str

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"


@dataclass(frozen=True)
class MigrationState:
    migration: Migration | None
    version: int
    label: str
    applied_at: datetime | None
    problem: str | None = None


def parse_file(path: Path) -> Migration:
    match = _FILE.match(path.name)
    if match is None:
        raise ConfigError(f"{path.name}: migration files are named NNNN_snake_name.sql")
    text = path.read_text(encoding="utf-8")
    if text.count(_UP) != 1 or text.count(_DOWN) != 1 or text.index(_UP) > text.index(_DOWN):
        raise ConfigError(f"{path.name}: needs one '{_UP}' line followed by one '{_DOWN}' line")
    up = text[text.index(_UP) + len(_UP) : text.index(_DOWN)].strip()
    down = text[text.index(_DOWN) + len(_DOWN) :].strip()
    if not up:
        raise ConfigError(f"{path.name}: the up section is empty; write the migration's SQL")
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Migration(int(match.group(1)), match.group(2), path, up, down, checksum)


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = [parse_file(path) for path in sorted(directory.glob("*.sql"))]
    seen: dict[int, Migration] = {}
    for migration in migrations:
        if migration.version in seen:
            other = seen[migration.version]
            raise ConfigError(f"two migrations share number {migration.version:04d}: "
                              f"{other.path.name} and {migration.path.name}")
        seen[migration.version] = migration
    return migrations


async def _applied(conn: asyncpg.Connection) -> dict[int, asyncpg.Record]:
    await conn.execute(_SCHEMA_TABLE)
    rows = await conn.fetch(
        "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"
    )
    return {row["version"]: row for row in rows}


def _check_history(migrations: list[Migration], applied: dict[int, asyncpg.Record]) -> None:
    on_disk = {m.version: m for m in migrations}
    for version, row in applied.items():
        migration = on_disk.get(version)
        if migration is None:
            raise ConfigError(
                f"migration {version:04d}_{row['name']} is applied but its file is missing"
            )
        if migration.checksum != row["checksum"]:
            raise ConfigError(
                f"migration {migration.path.name} was edited after it was applied; "
                "write a new migration instead"
            )


class _Locked:
    """A dedicated connection holding the migration advisory lock."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.conn: asyncpg.Connection | None = None

    async def __aenter__(self) -> asyncpg.Connection:
        self.conn = await connect(self.dsn)
        await self.conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        return self.conn

    async def __aexit__(self, *exc: object) -> None:
        assert self.conn is not None
        try:
            await self.conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        finally:
            await self.conn.close()


async def migrate(dsn: str, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply every pending migration in order; return the ones applied."""
    migrations = discover(directory)
    done: list[Migration] = []
    async with _Locked(dsn) as conn:
        applied = await _applied(conn)
        _check_history(migrations, applied)
        for migration in migrations:
            if migration.version in applied:
                continue
            async with conn.transaction():
                await _run(conn, migration, migration.up, "up")
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    migration.version,
                    migration.name,
                    migration.checksum,
                )
            done.append(migration)
    return done


async def rollback(dsn: str, steps: int = 1, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Undo the last ``steps`` applied migrations, newest first; return the ones undone."""
    migrations = {m.version: m for m in discover(directory)}
    undone: list[Migration] = []
    async with _Locked(dsn) as conn:
        applied = await _applied(conn)
        _check_history(list(migrations.values()), applied)
        for version in sorted(applied, reverse=True)[:steps]:
            migration = migrations[version]
            async with conn.transaction():
                await _run(conn, migration, migration.down, "down")
                await conn.execute("DELETE FROM schema_migrations WHERE version = $1", version)
            undone.append(migration)
    return undone


async def status(dsn: str, directory: Path = MIGRATIONS_DIR) -> list[MigrationState]:
    """Every migration on disk or in the database, with when it was applied and any problem."""
    migrations = discover(directory)
    conn = await connect(dsn)
    try:
        # Read-only: a database never migrated simply has nothing applied yet.
        exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
        applied = await _applied(conn) if exists else {}
    finally:
        await conn.close()
    states: list[MigrationState] = []
    for migration in migrations:
        row = applied.get(migration.version)
        problem = None
        if row is not None and row["checksum"] != migration.checksum:
            problem = "edited after it was applied"
        states.append(
            MigrationState(
                migration, migration.version, migration.label,
                row["applied_at"] if row else None, problem,
            )
        )
    on_disk = {m.version for m in migrations}
    for version, row in applied.items():
        if version not in on_disk:
            states.append(
                MigrationState(None, version, f"{version:04d}_{row['name']}", row["applied_at"],
                               "applied but its file is missing")
            )
    return sorted(states, key=lambda s: s.version)


def new(name: str, directory: Path = MIGRATIONS_DIR) -> Path:
    """Create the next numbered, empty migration file and return its path."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug:
        raise ConfigError("a migration needs a name made of letters or digits")
    existing = discover(directory)
    version = (existing[-1].version + 1) if existing else 1
    path = directory / f"{version:04d}_{slug}.sql"
    path.write_text(
        f"-- {name}: say here why this change is needed.\n\n{_UP}\n\n\n{_DOWN}\n\n",
        encoding="utf-8",
    )
    return path


async def _run(conn: asyncpg.Connection, migration: Migration, sql: str, step: str) -> None:
    if not sql:
        raise ConfigError(f"migration {migration.path.name} has no {step} step")
    try:
        await conn.execute(sql)
    except asyncpg.PostgresError as exc:
        raise ConfigError(f"migration {migration.path.name} ({step}) failed: {exc}") from None
