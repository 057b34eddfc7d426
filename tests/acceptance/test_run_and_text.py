"""The README's promise, end to end: `textcoach run` on embedded services, then `textcoach text`.

Everything is a real process: the run command starts embedded PostgreSQL and Redis under a
throwaway data directory, the webhook on a free port and a worker; the text command posts a
signed webhook to it and prints the coach's reply.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.processes import clean_env, free_port
from worker.paths import AGENTS_DIR, PROMPTS_DIR


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], str]]:
    """`textcoach run` in the background, shared by this module; yields its env and base URL."""
    tmp_path = tmp_path_factory.mktemp("product")
    port = free_port()
    env = clean_env(TEXTCOACH_DATA_DIR=str(tmp_path / "data"), TEXTCOACH_WEB_PORT=str(port))
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "worker", "run"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"textcoach run exited: {(tmp_path / 'run.log').read_text()}")
            try:
                if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("textcoach run did not become healthy within 60 s")
        yield env, base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
            log.close()


def _textcoach(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "worker", *args],
        env=env, input=stdin, capture_output=True, text=True, timeout=60, check=False,
    )


def test_text_gets_the_coachs_answer(product: tuple[dict[str, str], str]) -> None:
    env, base = product
    first = _textcoach(env, "text", "+15551230001", "hi")
    assert first.returncode == 0, first.stderr
    assert "coach: " in first.stdout
    assert "Welcome to textcoach" in first.stdout
    assert "STOP" in first.stdout

    second = _textcoach(env, "text", "+15551230001", "what should I do today?")
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("coach: ") == 1

    forged = httpx2.post(
        f"{base}/twilio/sms",
        data={"MessageSid": "SM" + "f" * 32, "From": "+15551230001", "To": "+1555", "Body": "x"},
        headers={"X-Twilio-Signature": "forged"},
    )
    assert forged.status_code == 403

    stop = _textcoach(env, "text", "+15551230001", "STOP")
    assert "unsubscribed" in stop.stdout
    silenced = _textcoach(env, "text", "+15551230001", "hello?", "--timeout", "5")
    assert "no reply was due" in silenced.stdout


def test_chat_is_a_conversation(product: tuple[dict[str, str], str]) -> None:
    env, _ = product
    session = _textcoach(env, "chat", "+15551230002", stdin="hello\nI'm Sam\n")
    assert session.returncode == 0, session.stderr
    assert "Welcome to textcoach" in session.stdout
    assert "coach: Nice to meet you, Sam!" in session.stdout


def test_operator_mistakes_are_one_readable_line(tmp_path: Path) -> None:
    env = dict(os.environ, TEXTCOACH_DATA_DIR=str(tmp_path), REDIS_URL="http://nope")
    result = _textcoach(env, "worker")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "textcoach: REDIS_URL='http://nope': Value error, must be a redis://, rediss:// or "
        "unix:// URL"
    ]


def test_agents_and_logs_commands(product: tuple[dict[str, str], str]) -> None:
    env, _ = product
    assert _textcoach(env, "text", "+15551230003", "hi there").returncode == 0

    listed = _textcoach(env, "agents", "list")
    assert listed.returncode == 0, listed.stderr
    assert "coach" in listed.stdout and "week_generator" in listed.stdout

    synced = _textcoach(env, "agents", "sync")
    files = len(list(AGENTS_DIR.glob("*.yaml"))) + len(list(PROMPTS_DIR.rglob("*.j2")))
    assert synced.stdout.strip().endswith(f"0 changed, {files} unchanged")

    shown = _textcoach(env, "agents", "show", "coach")
    assert "coach v1 (active)" in shown.stdout
    assert "--- template system/coach ---" in shown.stdout

    traces = _textcoach(env, "logs", "traces", "--limit", "1")
    trace = traces.stdout.split()[0]
    trace_log = _textcoach(env, "logs", "show", trace)
    assert trace_log.returncode == 0, trace_log.stderr
    assert "=== call 1: profile_extractor v1 [ok] offline/offline" in trace_log.stdout
    assert "=== call 2: coach v1 [ok] offline/offline" in trace_log.stdout
    assert "[system] You are the head coach of textcoach" in trace_log.stdout
    assert "hi there" in trace_log.stdout

    tail = _textcoach(env, "logs", "tail", "--no-follow")
    assert " coach v1 offline ok " in tail.stdout

    missing = _textcoach(env, "logs", "show", "not-a-trace")
    assert (missing.returncode, missing.stderr.strip()) == (
        2, "textcoach: 'not-a-trace' is not a trace id (a UUID)")


def test_a_real_conversation_exports_and_replays_side_by_side(
    product: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    env, _ = product
    for text in ("hello there", "I'm Robin"):
        assert _textcoach(env, "text", "+15551230004", text).returncode == 0
    exported = _textcoach(env, "replay", "export", "+15551230004")
    assert exported.returncode == 0, exported.stderr
    assert "text: hello there" in exported.stdout
    assert "was:" in exported.stdout
    scenario = tmp_path / "exported.yaml"
    scenario.write_text(exported.stdout, encoding="utf-8")
    replayed = _textcoach({k: v for k, v in env.items() if k != "TEXTCOACH_DATA_DIR"},
                          "replay", str(scenario))
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "coach (was): Nice to meet you, Robin!" in replayed.stdout
    assert "] coach: Nice to meet you, Robin!" in replayed.stdout
