"""Programmes on real PostgreSQL: files synced into versions, published, joined by text, and
an enrolled athlete's weeks written from the version they joined whatever is published since."""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

import asyncpg
import pytest
import yaml

from tests.conftest import RunWorker, SendText, athlete_with_profile, last_reply, offline_runtime
from worker.agents.plans import build_plan, write_week
from worker.cli.programscmd import _diff
from worker.db.queries import sql
from worker.library.programs import (
    ProgramFileError,
    load_program_files,
    publish,
    published_programs,
    sync_programs,
)
from worker.paths import PROGRAMS_DIR

PHONE = "+13125550188"
NOW = datetime(2026, 4, 1, 12, tzinfo=UTC)


def _slugs_in_week(blocks: list[dict[str, object]]) -> list[str]:
    return [str(e["exercise"]) for b in blocks for e in b["exercises"]]  # type: ignore[index, union-attr]


async def test_a_fresh_database_offers_the_three_shipped_programmes(pool: asyncpg.Pool) -> None:
    offered = {p.keyword: p for p in await published_programs(pool)}  # type: ignore[arg-type]
    assert set(offered) == {"C25K", "PULLUP", "DB3"}
    assert all(p.version == 1 for p in offered.values())
    catalogue = await pool.fetch(sql("program_catalogue"))
    assert {r["slug"]: (r["status"], r["current_version"]) for r in catalogue} == {
        "couch_to_5k": ("published", 1), "first_pull_up": ("published", 1),
        "dumbbell_3_day": ("published", 1)}
    owners = await pool.fetch("SELECT slug FROM program_owners")
    families = await pool.fetch("SELECT slug FROM program_families ORDER BY slug")
    assert [r["slug"] for r in owners] == ["textcoach"]
    assert [r["slug"] for r in families] == ["bodyweight_foundations", "running_starts"]


async def test_sync_is_idempotent_drafts_change_and_published_versions_never_do(
    pool: asyncpg.Pool, tmp_path: Path,
) -> None:
    folder = tmp_path / "programs"
    shutil.copytree(PROGRAMS_DIR, folder)
    async with pool.acquire() as conn:
        assert {r.change for r in await sync_programs(conn, folder)} == {"unchanged"}
        path = folder / "dumbbell_3_day.yaml"
        data = yaml.safe_load(path.read_text())
        data["sessions"][0]["title"] = "Dumbbell day A+"
        data["changelog"] = "Day A renamed."
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        results = {r.slug: r for r in await sync_programs(conn, folder)}
        assert (results["dumbbell_3_day"].version, results["dumbbell_3_day"].change) == (
            2, "version")
        data["sessions"][0]["title"] = "Dumbbell day A2"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        results = {r.slug: r for r in await sync_programs(conn, folder)}
        assert (results["dumbbell_3_day"].version, results["dumbbell_3_day"].change) == (
            2, "updated")
        # Version 1 is untouched, and still the current one until v2 is published.
        v1 = await conn.fetchrow(sql("program_version_content"), "dumbbell_3_day", 1)
        assert v1 is not None and v1["is_current"]
        assert v1["content"]["sessions"][0]["title"] == "Dumbbell day A"
        diff = await _diff(conn, "dumbbell_3_day", None, None)
        assert "-  title: Dumbbell day A\n" in diff and "+  title: Dumbbell day A2\n" in diff
        assert await publish(conn, "dumbbell_3_day", None, NOW) == 2
        rows = await conn.fetch(
            "SELECT version, is_current, published_at IS NOT NULL AS published"
            " FROM program_versions v JOIN programs p ON p.id = v.program_id"
            " WHERE p.slug = 'dumbbell_3_day' ORDER BY version")
        assert [tuple(r) for r in rows] == [(1, False, True), (2, True, True)]


def test_files_are_checked_against_the_library_and_each_other(tmp_path: Path) -> None:
    folder = tmp_path / "programs"
    shutil.copytree(PROGRAMS_DIR, folder)
    bad = yaml.safe_load((folder / "first_pull_up.yaml").read_text())
    bad["slug"] = "pull_up_copy"
    bad["sessions"][0]["slots"][1]["exercises"].append("flying_pull_up")
    bad["chains"] = ["pull_up", "levitation"]
    (folder / "copy.yaml").write_text(yaml.safe_dump(bad))
    (folder / "referral.yaml").write_text(yaml.safe_dump({**bad, "slug": "ref",
                                                          "keyword": "BCD234"}))
    with pytest.raises(ProgramFileError) as raised:
        load_program_files(folder)
    problems = "\n".join(raised.value.problems)
    assert "copy.yaml: unknown exercise 'flying_pull_up'" in problems
    assert "copy.yaml: unknown ladder 'levitation'" in problems
    assert "keyword 'PULLUP' is used by two programmes" in problems
    assert "referral.yaml: keyword: Value error, keyword looks like a referral code" in problems


async def _active(pool: asyncpg.Pool, *, equipment: list[str], injuries: list[str] = (),  # type: ignore[assignment]
                  days: list[int] | None = None, minutes: int = 45) -> UUID:
    user_id = await athlete_with_profile(pool, days=days or [1, 3, 5], equipment=equipment,
                                         injuries=list(injuries), phone=PHONE, minutes=minutes)
    await build_plan(pool, offline_runtime(pool), user_id, trace_id=uuid.uuid4())
    return user_id


async def test_joining_by_keyword_rewrites_the_plan_from_the_programme(
    pool: asyncpg.Pool, send_text: SendText, run_worker: RunWorker,
) -> None:
    user_id = await _active(pool, equipment=["pull_up_bar"])
    old_plan = await pool.fetchval(sql("active_plan"), user_id)
    await send_text(PHONE, "JOIN PULLUP")
    await run_worker()
    assert "You're in: First pull-up, 8 weeks" in await last_reply(pool, user_id)
    enrolled = await pool.fetchrow(sql("active_enrollment"), user_id)
    assert enrolled is not None and (enrolled["slug"], enrolled["version"]) == (
        "first_pull_up", 1)
    plan = await pool.fetchrow(sql("active_plan"), user_id)
    assert plan is not None and plan["id"] != old_plan and plan["id"] == enrolled["plan_id"]
    assert plan["weeks"] == 8
    superseded = await pool.fetchval("SELECT status FROM fitness_plans WHERE id = $1",
                                     old_plan)
    assert superseded == "superseded"
    phases = await pool.fetch("SELECT name FROM mesocycles WHERE plan_id = $1 ORDER BY"
                              " phase_index", plan["id"])
    assert [p["name"] for p in phases] == ["Hangs and rows", "Negatives"]
    sessions = await pool.fetch(
        "SELECT title, blocks FROM workout_instances WHERE plan_id = $1 AND NOT is_rest_day"
        " ORDER BY date", plan["id"])
    assert [s["title"] for s in sessions[:3]] == ["Pull-up day A", "Pull-up day B",
                                                  "Pull-up day A"]
    first = _slugs_in_week([b for b in sessions[0]["blocks"] if b["kind"] != "warmup"])
    # The pull-up ladder first, then the author's row and grip work.
    assert first[0] in {"pull_up_negative", "band_assisted_pull_up", "arch_hang",
                        "scapular_pull", "active_hang", "dead_hang"}, first
    assert "dead_hang" in first or "towel_hang" in first, first
    score = await pool.fetchval("SELECT score FROM fitness_plans WHERE id = $1", plan["id"])
    assert score is not None

    # Asking again changes nothing.
    await send_text(PHONE, "JOIN PULLUP")
    await run_worker()
    assert "already on First pull-up" in await last_reply(pool, user_id)
    assert len(await pool.fetch("SELECT id FROM program_enrollments WHERE user_id = $1",
                                user_id)) == 1


async def test_a_programme_that_does_not_suit_is_refused_and_the_plan_stays(
    pool: asyncpg.Pool, send_text: SendText, run_worker: RunWorker,
) -> None:
    user_id = await _active(pool, equipment=["dumbbell"])
    plan = await pool.fetchval(sql("active_plan"), user_id)
    await send_text(PHONE, "can i do the pull up program?")
    await run_worker()
    reply = await last_reply(pool, user_id)
    assert "First pull-up isn't a good fit for you right now: it needs a pull up bar or rings" \
        in reply, reply
    assert await pool.fetchrow(sql("active_enrollment"), user_id) is None
    assert await pool.fetchval(sql("active_plan"), user_id) == plan
    await send_text(PHONE, "JOIN YOGA")
    await run_worker()
    reply = await last_reply(pool, user_id)
    assert "I don't have a programme called 'YOGA'" in reply and "JOIN DB3" in reply, reply


async def test_weeks_follow_the_version_joined_not_the_one_published_since(
    pool: asyncpg.Pool, tmp_path: Path,
) -> None:
    user_id = await athlete_with_profile(pool, days=[1, 3, 5], equipment=["dumbbell", "bench"],
                                         injuries=[], phone=PHONE)
    async with pool.acquire() as conn, conn.transaction():
        from worker.coach.programs import join_program
        joined = await join_program(conn, user_id, "db3", date(2026, 3, 1))
    assert joined.joined, joined.text
    await build_plan(pool, offline_runtime(pool), user_id, trace_id=uuid.uuid4())
    folder = tmp_path / "programs"
    shutil.copytree(PROGRAMS_DIR, folder)
    path = folder / "dumbbell_3_day.yaml"
    data = yaml.safe_load(path.read_text())
    for session in data["sessions"]:
        session["title"] = session["title"].replace("Dumbbell day", "DB session")
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    async with pool.acquire() as conn:
        await sync_programs(conn, folder)
        await publish(conn, "dumbbell_3_day", None, NOW)
    plan = await pool.fetchrow(sql("active_plan"), user_id)
    assert plan is not None
    week2 = await pool.fetchval(sql("microcycle_by_week"), plan["id"], 2)
    await write_week(pool, offline_runtime(pool), week2, trace_id=uuid.uuid4())
    titles = {r["title"] for r in await pool.fetch(
        "SELECT title FROM workout_instances WHERE plan_id = $1 AND NOT is_rest_day",
        plan["id"])}
    assert titles == {"Dumbbell day A", "Dumbbell day B", "Dumbbell day C"}, titles
    # A new athlete joining now gets version 2.
    other = await athlete_with_profile(pool, days=[1, 3, 5], equipment=["dumbbell"],
                                       injuries=[])
    async with pool.acquire() as conn, conn.transaction():
        from worker.coach.programs import join_program
        assert (await join_program(conn, other, "DB3", date(2026, 3, 1))).version == 2


async def test_a_new_number_joins_in_its_first_text_and_the_plan_follows_onboarding(
    pool: asyncpg.Pool, send_text: SendText, run_worker: RunWorker,
) -> None:
    await send_text(PHONE, "hey, JOIN DB3 please. I'm Mo")
    await run_worker()
    user_id = await pool.fetchval("SELECT id FROM users WHERE phone = $1", PHONE)
    assert "You're in: 3-day dumbbell full body" in await last_reply(pool, user_id)
    enrolled = await pool.fetchrow(sql("active_enrollment"), user_id)
    assert enrolled is not None and enrolled["plan_id"] is None
    for text in ("mon wed fri, 45 min", "adjustable dumbbells up to 24kg and a bench",
                 "no injuries"):
        await send_text(PHONE, text)
        await run_worker()
    enrolled = await pool.fetchrow(sql("active_enrollment"), user_id)
    plan = await pool.fetchrow(sql("active_plan"), user_id)
    assert plan is not None and enrolled is not None and enrolled["plan_id"] == plan["id"]
    assert plan["weeks"] == 12
    titles = [r["title"] for r in await pool.fetch(
        "SELECT title FROM workout_instances WHERE plan_id = $1 AND NOT is_rest_day"
        " ORDER BY date", plan["id"])]
    assert titles == ["Dumbbell day A", "Dumbbell day B", "Dumbbell day C"], titles


async def test_a_new_goal_ends_the_programme_but_a_goal_it_serves_does_not(
    pool: asyncpg.Pool, send_text: SendText, run_worker: RunWorker,
) -> None:
    user_id = await _active(pool, equipment=[], minutes=40)
    await send_text(PHONE, "JOIN C25K")
    await run_worker()
    await send_text(PHONE, "the running bits were hard but I want to keep running")
    await run_worker()
    assert (await pool.fetchrow(sql("active_enrollment"), user_id)) is not None
    await send_text(PHONE, "actually my main goal now is to build muscle")
    await run_worker()
    assert await pool.fetchrow(sql("active_enrollment"), user_id) is None
    ended = await pool.fetchval("SELECT status FROM program_enrollments WHERE user_id = $1",
                                user_id)
    assert ended == "dropped"


async def test_the_plan_text_suggests_a_programme_made_for_the_goal_they_named(
    pool: asyncpg.Pool, send_text: SendText, run_worker: RunWorker,
) -> None:
    for text in ("hi I'm Lou, I want to do my first pull-up this year",
                 "3 days a week, 30 min", "I have a pull-up bar in my doorway", "no injuries"):
        await send_text(PHONE, text)
        await run_worker()
    user_id = await pool.fetchval("SELECT id FROM users WHERE phone = $1", PHONE)
    summary = await pool.fetchval(
        "SELECT string_agg(body, ' ' ORDER BY seq) FROM messages WHERE user_id = $1"
        " AND kind = 'plan_summary'", user_id)
    assert summary is not None and "text JOIN PULLUP to follow First pull-up instead" in summary
    assert await pool.fetchrow(sql("active_enrollment"), user_id) is None  # only suggested
