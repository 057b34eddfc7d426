"""Agents as data: sync from files, versions, diff, activate (rollback), admin audit trail."""

from __future__ import annotations

import shutil
from pathlib import Path

import asyncpg
import pytest

from worker.agents import registry
from worker.agents.definitions import read_source
from worker.agents.schemas import SCHEMAS
from worker.agents.tools import TOOLS
from worker.errors import ConfigError
from worker.paths import AGENTS_DIR, PROMPTS_DIR


@pytest.fixture
def source_dirs(tmp_path: Path) -> tuple[Path, Path]:
    agents = tmp_path / "agents"
    prompts = tmp_path / "prompts"
    shutil.copytree(AGENTS_DIR, agents)
    shutil.copytree(PROMPTS_DIR, prompts)
    return agents, prompts


async def test_sync_of_unchanged_files_is_a_no_op(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        first = await registry.sync(conn)
        second = await registry.sync(conn)
    assert first.changes == []  # the template database was synced on startup
    assert second.changes == []
    assert second.unchanged == len(read_source().templates) + len(read_source().agents)


async def test_edit_sync_rollback_and_diff(
    pool: asyncpg.Pool, source_dirs: tuple[Path, Path]
) -> None:
    agents, prompts = source_dirs
    coach_prompt = prompts / "system" / "coach.j2"
    coach_prompt.write_text(coach_prompt.read_text() + "\nAlways sign off with 'Coach'.\n")
    async with pool.acquire() as conn:
        report = await registry.sync(conn, read_source(agents, prompts), who="test")
        assert report.changes == ["prompt system/coach: v2", "agent coach: v2"]
        active = await registry.describe(conn, "coach")
        assert (active["version"], active["system_prompt"]) == (2, "system/coach@2")

        diff = await registry.diff(conn, "coach", 1, 2)
        assert "+Always sign off with 'Coach'." in diff
        assert "-system_prompt: system/coach@1" in diff

        previous = await registry.activate(conn, "coach", 1, who="test")
        assert previous == 2
        assert (await registry.describe(conn, "coach"))["system_prompt"] == "system/coach@1"
        # A second sync respects the rollback: the files still match the latest version.
        assert (await registry.sync(conn, read_source(agents, prompts))).changes == []

        # Reverting the file brings back version 1 rather than writing a copy of it.
        coach_prompt.write_text(coach_prompt.read_text().replace(
            "\nAlways sign off with 'Coach'.\n", ""))
        await registry.activate(conn, "coach", 2, who="test")
        report = await registry.sync(conn, read_source(agents, prompts))
        assert report.changes == ["prompt system/coach: reactivated v1",
                                  "agent coach: reactivated v1"]

        audit = await conn.fetch(
            "SELECT actor, action, target_type, target_id, details FROM admin_activity_logs"
            " WHERE target_id = 'coach' ORDER BY created_at"
        )
    assert [(a["action"], a["details"]["version"]) for a in audit] == [
        ("activate", 1), ("activate", 2), ("activate", 1), ("activate", 2), ("activate", 1),
    ]
    assert audit[2]["actor"] == "test"


async def test_templates_can_be_rolled_back_on_their_own(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        with pytest.raises(ConfigError, match="has no version 7"):
            await registry.activate(conn, "system/coach", 7)
        assert await registry.activate(conn, "system/coach", 1) == 1


def test_unknown_names_are_one_readable_error_each(source_dirs: tuple[Path, Path]) -> None:
    agents, prompts = source_dirs
    coach = agents / "coach.yaml"
    text = coach.read_text()
    text = text.replace("output_schema: CoachReply", "output_schema: CoachReplyy")
    text = text.replace("tools: [", "tools: [teleport, ")
    text = text.replace("context/inbox]", "context/inbox, context/missing]")
    coach.write_text(text)
    with pytest.raises(ValueError, match="unknown") as caught:
        read_source(agents, prompts)
    problems = str(caught.value).splitlines()
    assert problems == [
        "agents/coach.yaml: unknown output_schema 'CoachReplyy' (known: "
        f"{', '.join(sorted(SCHEMAS))})",
        f"agents/coach.yaml: unknown tool 'teleport' (known: {', '.join(sorted(TOOLS))})",
        "agents/coach.yaml: unknown context template 'context/missing' "
        "(expected prompts/context/missing.j2)",
    ]


def test_a_broken_template_is_refused(source_dirs: tuple[Path, Path]) -> None:
    agents, prompts = source_dirs
    (prompts / "context" / "inbox.j2").write_text("{% for m in inbox %}{{ m.text }")
    with pytest.raises(ValueError, match=r"prompts/context/inbox.j2 line 1"):
        read_source(agents, prompts)


async def test_sync_with_problems_changes_nothing(
    pool: asyncpg.Pool, source_dirs: tuple[Path, Path]
) -> None:
    agents, prompts = source_dirs
    (agents / "coach.yaml").write_text("name: coach\nmodel: [")
    async with pool.acquire() as conn:
        with pytest.raises(ValueError, match="not valid YAML"):
            await registry.sync(conn, read_source(agents, prompts))
        assert await conn.fetchval("SELECT count(*) FROM agent_definitions") == len(
            list(AGENTS_DIR.glob("*.yaml")))
