"""``textcoach replay``: run scenarios through the real pipeline and compare with their goldens.

Each scenario gets a fresh database on an embedded PostgreSQL and an embedded Redis in a
throwaway directory, so a replay never touches the development or production data.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import sys
import tempfile
from pathlib import Path

from worker.embedded import start_postgres, start_redis
from worker.errors import ConfigError
from worker.llm.providers import make_provider
from worker.llm.types import Provider
from worker.replay.runner import Outcome, Replay, drop_database, new_database
from worker.replay.scenario import Scenario, load_scenario
from worker.settings import Settings


async def _export(settings: Settings, phone: str) -> int:
    from worker.cli.database import connected
    from worker.replay.export import export_scenario

    async with connected(settings) as conn:
        print(await export_scenario(conn, phone), end="")
    return 0


def golden_path(scenario: Path) -> Path:
    return scenario.with_suffix(".golden.txt")


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.scenarios[0] == "export":
        if len(args.scenarios) != 2:
            raise ConfigError("usage: textcoach replay export PHONE")
        return asyncio.run(_export(settings, args.scenarios[1]))
    paths = [Path(p) for p in args.scenarios]
    for path in paths:
        if not path.is_file():
            raise ConfigError(f"no scenario file {path}")
    try:
        scenarios = [(path, load_scenario(path)) for path in paths]
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    replay_settings = settings.model_copy(update={
        "inbox_debounce_seconds": 0.0, "twilio_account_sid": None, "twilio_auth_token": None,
        "twilio_from_number": None, "twilio_messaging_service_sid": None,
        "public_base_url": None,
        "llm_provider": args.llm,
    })
    provider = make_provider(replay_settings)
    with tempfile.TemporaryDirectory(prefix="textcoach-replay-") as tmp:
        admin_dsn, pg = start_postgres(Path(tmp))
        redis_url, redis = start_redis(Path(tmp))
        outcomes = asyncio.run(_run_all(scenarios, replay_settings, admin_dsn, redis_url,
                                        provider))
        redis.shutdown()
        pg.cleanup()
    failed = 0
    report = []
    for (path, _scenario), outcome in zip(scenarios, outcomes, strict=True):
        _golden(path, outcome, record=args.record)
        report.append(outcome.as_json())
        if not args.json:
            mark = "PASS" if outcome.ok else "FAIL"
            print(f"=== {outcome.name} ({path}) {mark}")
            print(outcome.text())
            for failure in outcome.failures:
                print(f"  !! {failure}")
        failed += not outcome.ok
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(f"{len(outcomes) - failed} passed, {failed} failed")
    return 1 if failed else 0


async def _run_all(
    scenarios: list[tuple[Path, Scenario]],
    settings: Settings,
    admin_dsn: str,
    redis_url: str,
    provider: Provider,
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for _path, scenario in scenarios:
        dsn, name = await new_database(admin_dsn)
        try:
            outcome = await Replay(settings, dsn, redis_url, provider).run(scenario, _progress)
        finally:
            await drop_database(admin_dsn, name)
        outcomes.append(outcome)
        print(f"\r{' ' * 60}\r", end="", file=sys.stderr)
    await provider.close()
    return outcomes


def _progress(name: str, step: int, total: int) -> None:
    print(f"\rreplaying {name}: step {step}/{total}", end="", file=sys.stderr, flush=True)


def _golden(path: Path, outcome: Outcome, *, record: bool) -> None:
    golden = golden_path(path)
    text = outcome.text() + "\n"
    if record:
        golden.write_text(text, encoding="utf-8")
        return
    if not golden.exists():
        return
    expected = golden.read_text(encoding="utf-8")
    if expected != text:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), text.splitlines(keepends=True),
            fromfile=f"{golden.name} (recorded)", tofile="this replay"))
        outcome.failures.append(f"transcript differs from {golden.name}:\n{diff}")
