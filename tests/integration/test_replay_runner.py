"""The replay runner's parts: expectations checked against rows written directly, and replays
against a chosen agent version, copied from another database (``--from-db``) or not.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from pydantic import ValidationError

from worker.agents import registry
from worker.agents.definitions import read_source
from worker.clock import clock
from worker.errors import ConfigError
from worker.paths import AGENTS_DIR, PROMPTS_DIR
from worker.replay.runner import (
    AgentSetup,
    AgentVersion,
    Replay,
    check_expectations,
    drop_database,
    new_database,
    read_agent_rows,
)
from worker.replay.scenario import Expect, Scenario
from worker.settings import Settings

PHONE = "+13125550177"
#: Monday 2 March 2026, 09:00 in Chicago.
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    clock.freeze(NOW)
    yield
    clock.reset()


async def check(pool: asyncpg.Pool, expect: dict[str, Any], replies: list[str] | None = None
                ) -> list[str]:
    return await check_expectations(pool, Expect.model_validate(expect), replies or [], PHONE)


async def athlete(pool: asyncpg.Pool) -> UUID:
    user_id: UUID = await pool.fetchval(
        "INSERT INTO users (phone, timezone, status) VALUES ($1, 'America/Chicago', 'active')"
        " RETURNING id", PHONE)
    return user_id


async def exercise(pool: asyncpg.Pool, slug: str) -> UUID:
    found: UUID = await pool.fetchval("SELECT id FROM exercises WHERE slug = $1", slug)
    assert found is not None, slug
    return found


async def workout(pool: asyncpg.Pool, user_id: UUID, day: date, status: str,
                  blocks: list[Any], minutes: int | None = 30) -> UUID:
    workout_id: UUID = await pool.fetchval(
        "INSERT INTO workout_instances (user_id, date, status, blocks, estimated_minutes)"
        " VALUES ($1, $2, $3, $4, $5) RETURNING id", user_id, day, status, blocks, minutes)
    return workout_id


async def log(pool: asyncpg.Pool, user_id: UUID, name: str, sets: list[dict[str, Any]], *,
              exercise_id: UUID | None = None, workout_id: UUID | None = None,
              top_load: float | None = None, unit: str | None = None, rpe: float | None = None,
              pain: bool = False, at: datetime = NOW) -> None:
    await pool.execute(
        "INSERT INTO exercise_logs (user_id, workout_instance_id, exercise_id, exercise_name,"
        " performed_on, sets, top_load, load_unit, rpe, pain, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        user_id, workout_id, exercise_id, name, at.date(), sets, top_load, unit, rpe, pain, at)


# --- replies ------------------------------------------------------------------------------------


async def test_reply_not_contains_and_not_matches(pool: asyncpg.Pool) -> None:
    await athlete(pool)
    said = ["Nice work, Sam.", "Rest tomorrow."]
    assert await check(pool, {"reply_not_contains": "error",
                              "reply_not_matches": r"(?i)\bsorry\b"}, said) == []
    assert await check(pool, {"reply_not_contains": "Rest"}, said) == [
        "reply contains 'Rest', expected it not to: 'Nice work, Sam. Rest tomorrow.'"]
    assert await check(pool, {"reply_not_matches": r"(?i)nice \w+"}, said) == [
        "reply matches '(?i)nice \\\\w+' (at 'Nice work'), expected it not to: "
        "'Nice work, Sam. Rest tomorrow.'"]


def test_scenario_expectations_are_checked_when_loaded() -> None:
    for bad in ({"reply_not_matches": "(unclosed"}, {"workout": {"day": "someday"}},
                {"exercise_log": {"exercise": "push_up", "weight": 5}},
                {"plan": {"status_count": {"archived": 1}}},
                {"exercise_log": {"completion": "done"}}):
        with pytest.raises(ValidationError):
            Expect.model_validate(bad)
    parsed = Expect.model_validate({"workout": {"includes": "push_up", "excludes": ["squat"]},
                                    "achievements_include": "first_pull_up"})
    assert parsed.workout is not None and parsed.workout.includes == ["push_up"]
    assert parsed.workout.day == "today"
    assert parsed.achievements_include == ["first_pull_up"]


# --- exercise_log -------------------------------------------------------------------------------


async def test_exercise_log_matches_the_latest_log_of_the_exercise(pool: asyncpg.Pool) -> None:
    user_id = await athlete(pool)
    push_up = await exercise(pool, "push_up")
    today = await workout(pool, user_id, date(2026, 3, 2), "partial", [])
    earlier = datetime(2026, 2, 27, 15, 0, tzinfo=UTC)
    await log(pool, user_id, "pushups", [{"reps": 5}], exercise_id=push_up, at=earlier)
    await log(pool, user_id, "pushups", [{"reps": 8, "load": 100}, {"reps": 8, "load": 100},
                                         {"reps": 8, "load": 95}],
              exercise_id=push_up, workout_id=today, top_load=100, unit="kg", rpe=9, pain=True)
    await log(pool, user_id, "plank", [{"seconds": 45}], exercise_id=await exercise(pool, "plank"),
              at=earlier)
    await log(pool, user_id, "bear_crawl_thing", [{"reps": 10}], at=earlier)

    assert await check(pool, {"exercise_log": {
        "exercise": "push_up", "reps": [8, 8, 8], "load": 100, "load_unit": "kg", "rpe": 9,
        "pain": True, "completion": "partial"}}) == []
    assert await check(pool, {"exercise_log": {"exercise": "push_up",
                                               "load": [100, 100, 95]}}) == []
    assert await check(pool, {"exercise_log": {"exercise": "plank", "seconds": [45]}}) == []
    # Not in the library: matched by the name as logged.
    assert await check(pool, {"exercise_log": {"exercise": "bear_crawl_thing",
                                               "reps": [10]}}) == []
    # Without an exercise: the most recent log of any.
    assert await check(pool, {"exercise_log": {"reps": [8, 8, 8]}}) == []


async def test_exercise_log_failures_say_what_was_logged(pool: asyncpg.Pool) -> None:
    user_id = await athlete(pool)
    push_up = await exercise(pool, "push_up")
    today = await workout(pool, user_id, date(2026, 3, 2), "partial", [])
    await log(pool, user_id, "pushups", [{"reps": 8}, {"reps": 8}, {"reps": 8}],
              exercise_id=push_up, workout_id=today, top_load=None, rpe=7)

    assert await check(pool, {"exercise_log": {
        "exercise": "push_up", "reps": [8, 8, 8, 8], "load": 100, "rpe": 9, "pain": True,
        "completion": "completed"}}) == [
        "exercise_log push_up: reps is [8, 8, 8], expected [8, 8, 8, 8]",
        "exercise_log push_up: load is None, expected 100.0",
        "exercise_log push_up: rpe is 7, expected 9.0",
        "exercise_log push_up: pain is False, expected True",
        "exercise_log push_up: completion is 'partial', expected 'completed'",
    ]
    assert await check(pool, {"exercise_log": {"exercise": "back_squat"}}) == [
        "no exercise log of back_squat (logged: ['push_up'])"]


async def test_exercise_log_when_nothing_is_logged(pool: asyncpg.Pool) -> None:
    await athlete(pool)
    assert await check(pool, {"exercise_log": {"reps": [1]}}) == [
        "no exercise log (logged: nothing)"]


# --- workout ------------------------------------------------------------------------------------

BLOCKS = [
    {"name": "Warm-up", "kind": "warmup", "exercises": [{"exercise": "cat_cow"}]},
    {"name": "A note with no exercises"},
    {"name": "Main", "kind": "main", "exercises": [
        {"exercise": "diamond_push_up", "sets": 3, "target_min": 6, "target_max": 10},
        {"exercise": "back_squat", "sets": 3, "load": 105, "load_unit": "kg"},
        "not an exercise",
    ]},
]


async def test_workout_of_a_day_matches(pool: asyncpg.Pool) -> None:
    user_id = await athlete(pool)
    await workout(pool, user_id, date(2026, 3, 3), "skipped", BLOCKS, minutes=20)
    for day in ("tomorrow", "tuesday", "tue", "2026-03-03"):
        assert await check(pool, {"workout": {
            "day": day, "includes": ["diamond_push_up", "back_squat"], "excludes": "pull_up",
            "status": "skipped", "max_minutes": 20, "load": {"back_squat": 105}}}) == [], day


async def test_workout_day_is_the_athletes_local_date(pool: asyncpg.Pool) -> None:
    user_id = await athlete(pool)
    await workout(pool, user_id, date(2026, 3, 2), "scheduled", BLOCKS)
    clock.freeze(datetime(2026, 3, 3, 4, 0, tzinfo=UTC))  # Tuesday in UTC, Monday in Chicago
    assert await check(pool, {"workout": {"day": "today", "includes": "back_squat"}}) == []


async def test_workout_failures_say_what_was_prescribed(pool: asyncpg.Pool) -> None:
    user_id = await athlete(pool)
    await workout(pool, user_id, date(2026, 3, 3), "scheduled", BLOCKS, minutes=35)
    assert await check(pool, {"workout": {
        "day": "tomorrow", "includes": ["pull_up", "diamond_push_up"], "excludes": "back_squat",
        "status": "skipped", "max_minutes": 20,
        "load": {"back_squat": 100, "diamond_push_up": 10, "deadlift": 140}}}) == [
        "workout Tue 2026-03-03 does not include ['pull_up'] "
        "(has: ['cat_cow', 'diamond_push_up', 'back_squat'])",
        "workout Tue 2026-03-03 includes ['back_squat'], expected not "
        "(has: ['cat_cow', 'diamond_push_up', 'back_squat'])",
        "workout Tue 2026-03-03 status is 'scheduled', expected 'skipped'",
        "workout Tue 2026-03-03 is 35 minutes, expected at most 20",
        "workout Tue 2026-03-03: back_squat load is 105, expected 100",
        "workout Tue 2026-03-03: diamond_push_up load is None, expected 10",
        "workout Tue 2026-03-03 has no deadlift "
        "(has: ['cat_cow', 'diamond_push_up', 'back_squat']), expected load 140",
    ]
    assert await check(pool, {"workout": {"day": "wednesday"}}) == [
        "no workout on Wed 2026-03-04 (wednesday), expected one"]


# --- metric, achievements, plan -----------------------------------------------------------------


async def test_metric_is_the_latest_value(pool: asyncpg.Pool) -> None:
    user_id = await athlete(pool)
    for value, measured in ((80.0, datetime(2026, 2, 20, tzinfo=UTC)), (81.5, NOW)):
        await pool.execute(
            "INSERT INTO progress_metrics (user_id, metric, value, unit, measured_at)"
            " VALUES ($1, 'body_weight', $2, 'kg', $3)", user_id, value, measured)
    assert await check(pool, {"metric": {"body_weight": 81.5}}) == []
    assert await check(pool, {"metric": {"body_weight": 80, "resting_hr": 52}}) == [
        "metric body_weight is 81.5 kg, expected 80.0",
        "no resting_hr metric, expected 52.0",
    ]


async def test_achievements_include(pool: asyncpg.Pool) -> None:
    user_id = await athlete(pool)
    for slug in ("first_pull_up", "ten_sessions"):
        await pool.execute(
            "INSERT INTO achievements (slug, name) VALUES ($1, $1)"
            " ON CONFLICT (slug) DO NOTHING", slug)
    await pool.execute(
        "INSERT INTO user_achievements (user_id, achievement_id)"
        " SELECT $1, id FROM achievements WHERE slug = 'first_pull_up'", user_id)
    assert await check(pool, {"achievements_include": ["first_pull_up"]}) == []
    assert await check(pool, {"achievements_include": ["first_pull_up", "ten_sessions"]}) == [
        "no achievement ['ten_sessions'] (has: ['first_pull_up'])"]


async def test_plan_counts_by_status_and_the_active_goal(pool: asyncpg.Pool) -> None:
    user_id = await athlete(pool)
    profile = await pool.fetchval(
        "INSERT INTO fitness_profiles (user_id, version) VALUES ($1, 1) RETURNING id", user_id)
    assert await check(pool, {"plan": {"goal": "strength"}}) == [
        "no active plan, expected goal 'strength'"]
    for status, goal in (("superseded", "fat_loss"), ("active", "strength")):
        await pool.execute(
            "INSERT INTO fitness_plans (user_id, profile_id, status, goal, start_date, end_date)"
            " VALUES ($1, $2, $3, $4, '2026-03-02', '2026-06-01')", user_id, profile, status,
            goal)
    assert await check(pool, {"plan": {"status_count": {"superseded": 1, "active": 1,
                                                        "draft": 0},
                                       "goal": "strength"}}) == []
    assert await check(pool, {"plan": {"status_count": {"superseded": 2},
                                       "goal": "fat_loss"}}) == [
        "1 superseded plans, expected 2 (plans by status: {'active': 1, 'superseded': 1})",
        "active plan goal is 'strength', expected 'fat_loss'",
    ]


# --- agent versions -----------------------------------------------------------------------------

HELLO = Scenario.model_validate({
    "name": "hello", "persona": {"phone": PHONE},
    "steps": [{"at": "2026-03-02 09:00 America/Chicago"}, {"text": "hi"}],
})
MARKER = "Always sign off with 'Coach'."


def test_without_from_db_only_the_files_versions_exist() -> None:
    AgentSetup(pins={"coach": 1}).check()
    with pytest.raises(ConfigError, match=r"^no version 2 of agent coach; known: 1$"):
        AgentSetup(pins={"coach": 2}).check()
    with pytest.raises(ConfigError, match=r"^no agent coahc; known: coach, "):
        AgentSetup(pins={"coahc": 1}).check()


async def _second_coach(pool: asyncpg.Pool, tmp_path: Path) -> None:
    """A database like production: coach v2 (a changed prompt) was synced, then rolled back."""
    agents, prompts = tmp_path / "agents", tmp_path / "prompts"
    shutil.copytree(AGENTS_DIR, agents)
    shutil.copytree(PROMPTS_DIR, prompts)
    coach_prompt = prompts / "system" / "coach.j2"
    coach_prompt.write_text(coach_prompt.read_text() + f"\n{MARKER}\n")
    async with pool.acquire() as conn:
        report = await registry.sync(conn, read_source(agents, prompts), who="test")
        assert "agent coach: v2" in report.changes
        await registry.activate(conn, "coach", 1, who="test")


async def _replay(pg_url: str, redis_url: str, settings: Settings, agents: AgentSetup
                  ) -> tuple[list[AgentVersion], list[asyncpg.Record]]:
    dsn, name = await new_database(pg_url)
    try:
        replay_settings = settings.model_copy(update={"inbox_debounce_seconds": 0.0,
                                                      "llm_provider": "offline"})
        outcome = await Replay(replay_settings, dsn, redis_url, agents=agents).run(HELLO)
        assert outcome.ok, outcome.failures
        conn = await asyncpg.connect(dsn)
        try:
            logs = await conn.fetch(
                "SELECT agent_version, rendered_messages::text AS messages FROM agent_logs"
                " WHERE agent_name = 'coach'")
        finally:
            await conn.close()
    finally:
        await drop_database(pg_url, name)
    return outcome.agents, logs


async def test_replay_runs_the_named_version_from_another_database(
    pool: asyncpg.Pool, pg_url: str, redis_url: str, settings: Settings, tmp_path: Path
) -> None:
    await _second_coach(pool, tmp_path)
    async with pool.acquire() as conn:
        rows = await read_agent_rows(conn)
    with pytest.raises(ConfigError, match=r"^no version 7 of agent coach; known: 1, 2$"):
        AgentSetup(pins={"coach": 7}, rows=rows).check()

    for version in (2, 1):
        setup = AgentSetup(pins={"coach": version}, rows=rows)
        setup.check()
        agents, logs = await _replay(pg_url, redis_url, settings, setup)
        assert AgentVersion("coach", version, from_db=True) in agents
        assert {log["agent_version"] for log in logs} == {version}
        # The version's pinned prompt came along: v2 renders the changed system prompt.
        assert any(MARKER in log["messages"] for log in logs) == (version == 2)

    # No pin: what the other database has active (v1 after its rollback).
    agents, logs = await _replay(pg_url, redis_url, settings, AgentSetup(rows=rows))
    header = "agents: " + ", ".join(str(a) for a in agents)
    assert "coach v1 (from db)" in header
    assert {log["agent_version"] for log in logs} == {1}


async def test_replay_without_from_db_runs_the_files(
    pg_url: str, redis_url: str, settings: Settings
) -> None:
    agents, logs = await _replay(pg_url, redis_url, settings, AgentSetup(pins={"coach": 1}))
    assert agents[0] == AgentVersion("coach", 1, from_db=False)
    assert {a.name for a in agents} == {a.name for a, _ in read_source().agents}
    assert {log["agent_version"] for log in logs} == {1}
