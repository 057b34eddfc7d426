"""worker/db/migrate.py on a real PostgreSQL: apply, roll back, refuse a diverged history, lock.

Also the schema conventions every migration promises: each table with ``updated_at`` keeps it
with the ``set_updated_at()`` trigger, and every foreign key is the leading column of an index.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
from pathlib import Path

import asyncpg
import pytest

from worker.db.migrate import discover, migrate, new, parse_file, rollback, status
from worker.errors import ConfigError
from worker.paths import MIGRATIONS_DIR

#: Every table DESIGN.md names, plus the migrations' own bookkeeping table.
EXPECTED_TABLES = frozenset({
    "users", "user_auth_codes", "subscriptions", "referrals", "conversations", "messages",
    "message_queues", "movement_patterns", "exercises", "exercise_aliases",
    "exercise_progressions", "fitness_profiles", "fitness_plans", "mesocycles", "microcycles",
    "workout_instances", "exercise_logs", "progress_metrics", "progress_photos", "check_ins",
    "program_owners", "program_families", "programs", "program_versions",
    "program_enrollments", "prompts", "context_templates", "agent_definitions", "agent_logs",
    "nutrition_plans", "achievements", "user_achievements", "ai_content_cache", "page_visits",
    "admin_activity_logs", "schema_migrations",
})

MIGRATION_FILES = sorted(MIGRATIONS_DIR.glob("*.sql"))


async def _fetch(dsn: str, query: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


async def _public_tables(dsn: str) -> set[str]:
    rows = await _fetch(
        dsn,
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )
    return {row["table_name"] for row in rows}


async def _recorded(dsn: str) -> list[asyncpg.Record]:
    return await _fetch(dsn, "SELECT version, name, checksum FROM schema_migrations ORDER BY 1")


def _copy_migrations(tmp_path: Path) -> Path:
    target = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, target)
    return target


def test_the_repository_has_migrations() -> None:
    assert len(MIGRATION_FILES) >= 1
    assert [m.path for m in discover()] == MIGRATION_FILES


async def test_migrate_an_empty_database_applies_every_file_in_order(
    empty_database_url: str,
) -> None:
    applied = await migrate(empty_database_url)
    assert [m.path for m in applied] == MIGRATION_FILES
    assert [m.version for m in applied] == sorted(m.version for m in applied)

    rows = await _recorded(empty_database_url)
    assert [(r["version"], r["name"]) for r in rows] == [(m.version, m.name) for m in applied]
    for row, path in zip(rows, MIGRATION_FILES, strict=True):
        assert row["checksum"] == hashlib.sha256(path.read_bytes()).hexdigest(), path.name

    missing = EXPECTED_TABLES - await _public_tables(empty_database_url)
    assert not missing, f"tables named in DESIGN.md but not created: {sorted(missing)}"


async def test_second_migrate_is_a_no_op(empty_database_url: str) -> None:
    assert await migrate(empty_database_url) != []
    before = await _fetch(empty_database_url, "SELECT * FROM schema_migrations ORDER BY version")
    assert await migrate(empty_database_url) == []
    after = await _fetch(empty_database_url, "SELECT * FROM schema_migrations ORDER BY version")
    assert before == after


async def test_full_rollback_leaves_only_schema_migrations_and_migrate_works_again(
    empty_database_url: str,
) -> None:
    applied = await migrate(empty_database_url)
    undone = await rollback(empty_database_url, steps=len(applied))
    assert [m.version for m in undone] == [m.version for m in reversed(applied)]
    assert await _public_tables(empty_database_url) == {"schema_migrations"}
    assert await _recorded(empty_database_url) == []
    # The down steps also dropped every function the up steps created.
    functions = await _fetch(
        empty_database_url,
        "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace",
    )
    assert [r["proname"] for r in functions] == []

    assert await rollback(empty_database_url, steps=1) == []
    again = await migrate(empty_database_url)
    assert [m.version for m in again] == [m.version for m in applied]
    assert await _public_tables(empty_database_url) >= EXPECTED_TABLES


async def test_rollback_one_step_undoes_only_the_newest(empty_database_url: str) -> None:
    applied = await migrate(empty_database_url)
    [undone] = await rollback(empty_database_url)
    assert undone.version == applied[-1].version
    assert [r["version"] for r in await _recorded(empty_database_url)] == [
        m.version for m in applied[:-1]
    ]
    assert [m.version for m in await migrate(empty_database_url)] == [applied[-1].version]


async def test_an_edited_applied_migration_is_refused(
    empty_database_url: str, tmp_path: Path
) -> None:
    directory = _copy_migrations(tmp_path)
    await migrate(empty_database_url, directory=directory)
    edited = sorted(directory.glob("*.sql"))[0]
    with edited.open("a", encoding="utf-8") as handle:
        handle.write("-- a harmless-looking afterthought\n")

    with pytest.raises(ConfigError, match=re.escape(edited.name)):
        await migrate(empty_database_url, directory=directory)
    with pytest.raises(ConfigError, match="edited after it was applied"):
        await rollback(empty_database_url, directory=directory)

    states = await status(empty_database_url, directory=directory)
    problems = {s.label: s.problem for s in states}
    assert problems[edited.stem] == "edited after it was applied"
    assert [label for label, problem in problems.items() if problem] == [edited.stem]


async def test_an_applied_migration_missing_from_disk_is_reported_and_refused(
    empty_database_url: str, tmp_path: Path
) -> None:
    directory = _copy_migrations(tmp_path)
    await migrate(empty_database_url, directory=directory)
    gone = sorted(directory.glob("*.sql"))[-1]
    gone.unlink()

    states = await status(empty_database_url, directory=directory)
    [orphan] = [s for s in states if s.problem is not None]
    assert orphan.label == gone.stem
    assert orphan.migration is None
    assert orphan.applied_at is not None
    assert orphan.problem == "applied but its file is missing"
    assert [s.version for s in states] == sorted(s.version for s in states)

    with pytest.raises(ConfigError, match="file is missing"):
        await migrate(empty_database_url, directory=directory)


async def test_status_lists_pending_and_applied(empty_database_url: str, tmp_path: Path) -> None:
    directory = _copy_migrations(tmp_path)
    files = sorted(directory.glob("*.sql"))
    pending = await status(empty_database_url, directory=directory)
    assert [s.label for s in pending] == [f.stem for f in files]
    assert all(s.applied_at is None and s.problem is None for s in pending)

    await migrate(empty_database_url, directory=directory)
    applied = await status(empty_database_url, directory=directory)
    assert all(s.applied_at is not None and s.problem is None for s in applied)


@pytest.mark.parametrize("runners", [2, 5])
async def test_concurrent_migrations_apply_each_file_exactly_once(
    empty_database_url: str, runners: int
) -> None:
    results = await asyncio.gather(*(migrate(empty_database_url) for _ in range(runners)))
    applied = [m.version for result in results for m in result]
    assert sorted(applied) == [m.version for m in discover()]
    # One runner did all the work; the others found nothing left to do.
    assert sorted(len(result) for result in results) == [0] * (runners - 1) + [len(applied)]
    assert len(await _recorded(empty_database_url)) == len(MIGRATION_FILES)


def test_new_creates_the_next_numbered_file_with_both_markers(tmp_path: Path) -> None:
    directory = _copy_migrations(tmp_path)
    last = discover(directory)[-1].version
    path = new("add thing", directory=directory)
    assert path.parent == directory
    assert path.name == f"{last + 1:04d}_add_thing.sql"
    text = path.read_text(encoding="utf-8")
    assert text.count("-- migrate:up") == 1
    assert text.count("-- migrate:down") == 1
    assert text.index("-- migrate:up") < text.index("-- migrate:down")


def test_new_in_an_empty_directory_starts_at_one(tmp_path: Path) -> None:
    assert new("First Step!", directory=tmp_path).name == "0001_first_step.sql"
    with pytest.raises(ConfigError):
        new("!!!", directory=tmp_path)


def test_parse_file_rejects_a_file_without_the_down_marker(tmp_path: Path) -> None:
    path = tmp_path / "0001_no_down.sql"
    path.write_text("-- migrate:up\nCREATE TABLE t (id int);\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("0001_no_down.sql")):
        parse_file(path)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("0001_swapped.sql", "-- migrate:down\nDROP TABLE t;\n-- migrate:up\nCREATE TABLE t ();\n"),
        ("0001_twice.sql", "-- migrate:up\nSELECT 1;\n-- migrate:up\n-- migrate:down\n"),
        ("0001_empty_up.sql", "-- migrate:up\n\n-- migrate:down\nDROP TABLE t;\n"),
        ("1_badname.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n"),
        ("0001_Bad-Name.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n"),
    ],
)
def test_parse_file_rejects_malformed_files(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(name)):
        parse_file(path)


def test_parse_file_splits_up_and_down(tmp_path: Path) -> None:
    path = tmp_path / "0042_make_t.sql"
    text = "-- why\n-- migrate:up\nCREATE TABLE t ();\n-- migrate:down\nDROP TABLE t;\n"
    path.write_text(text, encoding="utf-8")
    migration = parse_file(path)
    assert (migration.version, migration.name, migration.label) == (42, "make_t", "0042_make_t")
    assert (migration.up, migration.down) == ("CREATE TABLE t ();", "DROP TABLE t;")
    assert migration.checksum == hashlib.sha256(text.encode()).hexdigest()


def test_two_files_with_one_number_are_refused(tmp_path: Path) -> None:
    for name in ("0001_a.sql", "0001_b.sql"):
        (tmp_path / name).write_text("-- migrate:up\nSELECT 1;\n-- migrate:down\n", "utf-8")
    with pytest.raises(ConfigError, match="0001"):
        discover(tmp_path)


async def test_a_failing_migration_is_rolled_back_and_named(
    empty_database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "0001_good.sql").write_text(
        "-- migrate:up\nCREATE TABLE good (id int);\n-- migrate:down\nDROP TABLE good;\n", "utf-8"
    )
    (tmp_path / "0002_bad.sql").write_text(
        "-- migrate:up\nCREATE TABLE half (id int);\nSELECT * FROM no_such_table;\n"
        "-- migrate:down\nDROP TABLE half;\n",
        "utf-8",
    )
    with pytest.raises(ConfigError, match=re.escape("0002_bad.sql")):
        await migrate(empty_database_url, directory=tmp_path)
    # The good one stays applied; the bad one left nothing behind.
    assert [r["version"] for r in await _recorded(empty_database_url)] == [1]
    assert await _public_tables(empty_database_url) == {"schema_migrations", "good"}


async def test_every_updated_at_table_has_the_before_update_trigger(database_url: str) -> None:
    rows = await _fetch(
        database_url,
        """
        SELECT c.table_name,
               EXISTS (
                   SELECT 1 FROM pg_trigger t
                   WHERE t.tgrelid = format('public.%I', c.table_name)::regclass
                     AND NOT t.tgisinternal
                     AND t.tgfoid = 'public.set_updated_at'::regproc
                     -- tgtype bits: 1 = ROW, 2 = BEFORE, 16 = UPDATE
                     AND t.tgtype & 1 = 1 AND t.tgtype & 2 = 2 AND t.tgtype & 16 = 16
               ) AS has_trigger
        FROM information_schema.columns c
        JOIN information_schema.tables tb
          ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = 'public' AND c.column_name = 'updated_at'
          AND tb.table_type = 'BASE TABLE'
        ORDER BY c.table_name
        """,
    )
    assert len(rows) >= 30
    assert [r["table_name"] for r in rows if not r["has_trigger"]] == []


async def test_updated_at_moves_on_a_real_change_only(database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        user_id = await conn.fetchval(
            "INSERT INTO users (phone, updated_at)"
            " VALUES ('+15551239999', now() - interval '1 day') RETURNING id"
        )
        old = await conn.fetchval("SELECT updated_at FROM users WHERE id = $1", user_id)

        await conn.execute("UPDATE users SET phone = phone WHERE id = $1", user_id)
        assert await conn.fetchval("SELECT updated_at FROM users WHERE id = $1", user_id) == old

        await conn.execute("UPDATE users SET name = 'Sam' WHERE id = $1", user_id)
        bumped = await conn.fetchval("SELECT updated_at FROM users WHERE id = $1", user_id)
        assert bumped > old
        assert await conn.fetchval("SELECT now() - $1::timestamptz < interval '1 minute'", bumped)
    finally:
        await conn.close()


async def test_every_foreign_key_leads_an_index(database_url: str) -> None:
    rows = await _fetch(
        database_url,
        """
        SELECT c.conrelid::regclass::text AS table_name, c.conname, a.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
          AND NOT EXISTS (
              SELECT 1 FROM pg_index i
              WHERE i.indrelid = c.conrelid
                AND i.indkey[0] = c.conkey[1]
                AND i.indpred IS NULL
          )
        ORDER BY 1, 2
        """,
    )
    unindexed = [f"{r['table_name']}.{r['attname']} ({r['conname']})" for r in rows]
    assert unindexed == []
    total = await _fetch(
        database_url,
        "SELECT count(*) AS n FROM pg_constraint"
        " WHERE contype = 'f' AND connamespace = 'public'::regnamespace",
    )
    assert total[0]["n"] >= 20
