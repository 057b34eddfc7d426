"""`textcoach replay` over the persona scenarios: expectations hold and goldens match."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import asyncpg

from tests.acceptance.replaying import SCENARIOS
from tests.acceptance.replaying import run_replay as _replay
from tests.conftest import RunWorker, SendText
from worker.agents import registry
from worker.agents.definitions import read_source
from worker.paths import AGENTS_DIR, PROMPTS_DIR


def test_every_scenario_replays_and_matches_its_golden_transcript() -> None:
    scenarios = sorted(str(p) for p in SCENARIOS.glob("*.yaml"))
    assert len(scenarios) >= 18
    result = _replay("--json", *scenarios)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert [r["ok"] for r in report] == [True] * len(scenarios)
    for scenario in scenarios:
        assert Path(scenario).with_suffix(".golden.txt").exists(), scenario


def test_a_failed_expectation_names_its_step_and_a_changed_reply_shows_a_diff(
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text(
        "name: wrong\npersona: {phone: '+13125550199'}\nsteps:\n"
        "  - at: 2026-03-02 09:00 America/Chicago\n"
        "  - text: hi\n    expect: {reply_contains: 'Bonjour'}\n", encoding="utf-8")
    failed = _replay(str(scenario))
    assert failed.returncode == 1
    assert "!! step 2: reply does not contain 'Bonjour'" in failed.stdout

    scenario.write_text(scenario.read_text().replace("'Bonjour'", "'STOP'"), encoding="utf-8")
    assert _replay("--record", str(scenario)).returncode == 0
    golden = scenario.with_suffix(".golden.txt")
    golden.write_text(golden.read_text().replace("Welcome", "Hello"), encoding="utf-8")
    drifted = _replay(str(scenario))
    assert drifted.returncode == 1
    assert "transcript differs from wrong.golden.txt" in drifted.stdout
    assert "+[Mon 02 Mar 09:00] coach: Welcome to textcoach" in drifted.stdout


def test_an_unknown_agent_version_is_one_line_before_anything_runs() -> None:
    scenario = str(SCENARIOS / "rapid_burst.yaml")
    result = _replay("--agent", "coach=2", scenario)
    assert (result.returncode, result.stderr) == (
        2, "textcoach: no version 2 of agent coach; known: 1\n")
    assert result.stdout == ""
    malformed = _replay("--agent", "coach", scenario)
    assert malformed.returncode == 2
    assert "expected NAME=VERSION" in malformed.stderr


async def test_an_exported_conversation_replays_against_a_version_from_the_database(
    pool: asyncpg.Pool, database_url: str, send_text: SendText, run_worker: RunWorker,
    tmp_path: Path,
) -> None:
    """A real database with coach v2 (a changed prompt, since rolled back to v1) and a
    conversation: export it, replay it against each version, old and new replies side by side."""
    agents, prompts = tmp_path / "agents", tmp_path / "prompts"
    shutil.copytree(AGENTS_DIR, agents)
    shutil.copytree(PROMPTS_DIR, prompts)
    coach_prompt = prompts / "system" / "coach.j2"
    coach_prompt.write_text(coach_prompt.read_text() + "\nAlways sign off with 'Coach'.\n")
    async with pool.acquire() as conn:
        await registry.sync(conn, read_source(agents, prompts), who="test")
        await registry.activate(conn, "coach", 1, who="test")
    for text in ("hello there", "I'm Robin"):
        assert (await send_text("+15551230044", text)).status_code == 200
        await run_worker()

    exported = _replay("export", "+15551230044", database_url=database_url)
    assert exported.returncode == 0, exported.stderr
    scenario = tmp_path / "exported.yaml"
    scenario.write_text(exported.stdout, encoding="utf-8")

    unknown = _replay("--from-db", "--agent", "coach=7", str(scenario), database_url=database_url)
    assert (unknown.returncode, unknown.stderr) == (
        2, "textcoach: no version 7 of agent coach; known: 1, 2\n")

    for version in (2, 1):
        replayed = _replay("--from-db", "--agent", f"coach={version}", str(scenario),
                           database_url=database_url)
        assert replayed.returncode == 0, replayed.stdout + replayed.stderr
        lines = replayed.stdout.splitlines()
        assert lines[1].startswith(f"agents: coach v{version} (from db), ")
        assert "profile_extractor v1 (from db)" in lines[1]
        assert any("coach (was): Nice to meet you, Robin!" in line for line in lines)
        assert any("] coach: Nice to meet you, Robin!" in line for line in lines)

    as_json = _replay("--json", "--from-db", "--agent", "coach=2", str(scenario),
                      database_url=database_url)
    report = json.loads(as_json.stdout)
    assert {"name": "coach", "version": 2, "from_db": True} in report[0]["agents"]
