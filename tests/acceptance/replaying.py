"""Running `textcoach replay` as a real process, the way a developer or CI does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def run_replay(*args: str, cwd: Path | None = None, database_url: str | None = None,
               timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``python -m worker replay ARGS`` with no provider keys, on embedded services (or the
    given database)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TWILIO_", "OPENAI_", "TEXTCOACH_")) and k != "DATABASE_URL"}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "worker", "replay", *args], env=env, cwd=cwd,
        capture_output=True, text=True, timeout=timeout, check=False)
