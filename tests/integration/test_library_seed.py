"""Seeding the exercise library into a fresh database: everything lands, a re-run changes
nothing, an edit changes exactly that row, and athletes' words resolve to exercises."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import pytest
import yaml

from worker.db.pool import Conn
from worker.library.seed import (
    BODY_AREAS,
    DEFAULT_LIBRARY_FILE,
    EQUIPMENT_NAMES,
    Library,
    load_library_file,
    normalize_alias,
    resolve_exercise,
    seed_library,
)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library_file()


async def empty_library(conn: Conn) -> None:
    """Start from empty library tables: the test template is already seeded at startup
    (worker.bootstrap.prepare_database), and this test is about a first seed."""
    await conn.execute(
        "DELETE FROM exercise_progressions; DELETE FROM exercise_aliases; "
        "DELETE FROM exercises; DELETE FROM movement_patterns;"
    )


def edited_copy(tmp_path: Path, edit: Any) -> Library:
    """The reviewed file, changed by ``edit(data)``, written to tmp_path and loaded back."""
    data = yaml.safe_load(DEFAULT_LIBRARY_FILE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "exercise_library.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_library_file(path)


def find(items: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    return next(item for item in items if item[key] == value)


async def test_seeding_a_fresh_database_inserts_everything(
    pool: asyncpg.Pool, library: Library
) -> None:
    async with pool.acquire() as conn:
        await empty_library(conn)
        report = await seed_library(conn)

    aliases = sum(len(e.aliases) for e in library.exercises)
    rungs = sum(len(c.rungs) for c in library.progressions)
    assert report.movement_patterns.inserted == len(library.patterns) == 22
    assert report.exercises.inserted == len(library.exercises)
    assert report.exercise_aliases.inserted == aliases
    assert report.exercise_progressions.inserted == rungs
    assert report.changed == 22 + len(library.exercises) + aliases + rungs

    counts = await pool.fetchrow(
        """SELECT (SELECT count(*) FROM movement_patterns) AS patterns,
                  (SELECT count(*) FROM exercises) AS exercises,
                  (SELECT count(*) FROM exercise_aliases) AS aliases,
                  (SELECT count(*) FROM exercise_progressions) AS rungs,
                  (SELECT count(DISTINCT chain) FROM exercise_progressions) AS chains"""
    )
    assert dict(counts) == {
        "patterns": 22,
        "exercises": len(library.exercises),
        "aliases": aliases,
        "rungs": rungs,
        "chains": len(library.progressions),
    }
    push_ups = await pool.fetch(
        """SELECT e.slug FROM exercise_progressions p JOIN exercises e ON e.id = p.exercise_id
           WHERE p.chain = 'push_up' ORDER BY p.rung"""
    )
    assert [r["slug"] for r in push_ups] == list(
        next(c for c in library.progressions if c.chain == "push_up").rungs
    )
    squat = await pool.fetchrow(
        "SELECT equipment, contraindications, unit FROM exercises WHERE slug = 'back_squat'"
    )
    assert squat["equipment"] == ["barbell", "squat_rack"]
    assert squat["contraindications"] == ["knee", "lower_back"]
    assert await pool.fetchval("SELECT equipment FROM exercises WHERE slug = 'push_up'") == []


async def test_seeding_twice_changes_nothing_the_second_time(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await empty_library(conn)
        assert (await seed_library(conn)).changed > 0
        stamps = await conn.fetch("SELECT slug, updated_at FROM exercises ORDER BY slug")
        again = await seed_library(conn)
        assert await conn.fetch("SELECT slug, updated_at FROM exercises ORDER BY slug") == stamps
    assert again.changed == 0, str(again)


async def test_editing_one_cue_updates_exactly_one_exercise(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    def edit(data: dict[str, Any]) -> None:
        find(data["exercises"], "slug", "push_up")["cue"] = "Body straight, chest to the floor."

    async with pool.acquire() as conn:
        await seed_library(conn)
        report = await seed_library(conn, edited_copy(tmp_path, edit))
    assert report.exercises.updated == 1
    assert report.changed == 1, str(report)
    cue = await pool.fetchval("SELECT cue FROM exercises WHERE slug = 'push_up'")
    assert cue == "Body straight, chest to the floor."


async def test_reordering_a_chain_and_dropping_an_alias_follow_the_file(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    """Swapping two rungs must not trip UNIQUE (chain, rung) or (chain, exercise_id)."""

    def edit(data: dict[str, Any]) -> None:
        rungs = find(data["progressions"], "chain", "pull_up")["rungs"]
        assert rungs[1:3] == ["active_hang", "scapular_pull"]  # both difficulty 2
        rungs[1], rungs[2] = rungs[2], rungs[1]
        find(data["exercises"], "slug", "push_up")["aliases"].remove("press-up")
        find(data["exercises"], "slug", "pull_up")["aliases"].append("pully thing")

    async with pool.acquire() as conn:
        await seed_library(conn)
        report = await seed_library(conn, edited_copy(tmp_path, edit))
        assert await resolve_exercise(conn, "press up") is None
        moved = await resolve_exercise(conn, "Pully-thing")
    assert moved is not None and moved["slug"] == "pull_up"
    assert report.exercise_progressions.deleted == 2
    assert report.exercise_progressions.inserted == 2
    assert (report.exercise_aliases.inserted, report.exercise_aliases.deleted) == (1, 1)
    assert report.exercises.changed == 0
    pull_up = await pool.fetch(
        """SELECT e.slug FROM exercise_progressions p JOIN exercises e ON e.id = p.exercise_id
           WHERE p.chain = 'pull_up' ORDER BY p.rung"""
    )
    assert [r["slug"] for r in pull_up][:3] == ["dead_hang", "scapular_pull", "active_hang"]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("pushups", "push_up"),
        ("Push ups", "push_up"),
        ("press-ups", "push_up"),
        ("Push-up", "push_up"),
        ("push_up", "push_up"),
        ("RDL", "romanian_deadlift"),
        ("romanian deadlifts", "romanian_deadlift"),
        ("squats", "bodyweight_squat"),
        ("back squats", "back_squat"),
        ("chin ups", "chin_up"),
        ("  Pull-Ups ", "pull_up"),
        ("Barbell bench press", "bench_press"),
    ],
)
async def test_resolve_exercise_understands_what_athletes_text(
    pool: asyncpg.Pool, text: str, slug: str
) -> None:
    async with pool.acquire() as conn:
        await seed_library(conn)
        row = await resolve_exercise(conn, text)
    assert row is not None
    assert row["slug"] == slug


@pytest.mark.parametrize("text", ["zzz", "", "  ", "!!!"])
async def test_resolve_exercise_returns_none_for_unknown_text(
    pool: asyncpg.Pool, text: str
) -> None:
    async with pool.acquire() as conn:
        await seed_library(conn)
        assert await resolve_exercise(conn, text) is None


async def test_an_athlete_with_only_dumbbells(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await seed_library(conn)
    rows = await pool.fetch(
        "SELECT slug, equipment FROM exercises WHERE equipment <@ ARRAY['dumbbell']"
    )
    slugs = {r["slug"] for r in rows}
    assert {"push_up", "bodyweight_squat", "dumbbell_floor_press", "one_arm_dumbbell_row"} <= slugs
    assert "dumbbell_bench_press" not in slugs  # it needs a bench as well
    assert "goblet_squat" not in slugs  # a kettlebell
    assert any(r["equipment"] == ["dumbbell"] for r in rows)
    assert not any("barbell" in r["equipment"] for r in rows)
    assert "back_squat" not in slugs and "deadlift" not in slugs


async def test_excluding_knee_contraindications_drops_back_squat(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await seed_library(conn)
    slugs = {
        r["slug"]
        for r in await pool.fetch(
            "SELECT slug FROM exercises WHERE NOT contraindications && ARRAY['knee']"
        )
    }
    assert "back_squat" not in slugs
    assert "bodyweight_squat" not in slugs
    assert {"push_up", "deadlift", "glute_bridge"} <= slugs


async def test_python_vocabularies_and_normalization_match_the_database(
    pool: asyncpg.Pool, library: Library
) -> None:
    assert tuple(await pool.fetchval("SELECT equipment_names()")) == EQUIPMENT_NAMES
    assert tuple(await pool.fetchval("SELECT body_areas()")) == BODY_AREAS
    texts = [a for e in library.exercises for a in e.aliases] + ["World's Greatest", "90/90"]
    keys = await pool.fetchval(
        "SELECT array_agg(normalize_exercise_alias(t) ORDER BY n) "
        "FROM unnest($1::text[]) WITH ORDINALITY AS u (t, n)",
        texts,
    )
    assert keys == [normalize_alias(t) for t in texts]
