"""`textcoach replay` over the persona scenarios: expectations hold and goldens match."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def _replay(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TWILIO_", "OPENAI_", "TEXTCOACH_"))}
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "worker", "replay", *args], env=env, cwd=cwd,
        capture_output=True, text=True, timeout=600, check=False)


def test_every_scenario_replays_and_matches_its_golden_transcript() -> None:
    scenarios = sorted(str(p) for p in SCENARIOS.glob("*.yaml"))
    assert len(scenarios) >= 9
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
