"""``textcoach replay``: run scenarios through the real pipeline and compare with their goldens.

Each scenario gets a fresh database on an embedded PostgreSQL and an embedded Redis in a
throwaway directory, so a replay never touches the development or production data. ``--from-db``
migrates the configured database (as ``export`` does) and only reads its agent definitions and
templates, to copy them in; ``--agent NAME=VERSION`` activates a version there before the
scenario starts.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from worker.embedded import start_postgres, start_redis
from worker.errors import ConfigError
from worker.llm.providers import make_provider
from worker.llm.types import Provider
from worker.replay.runner import (
    AgentRows,
    AgentSetup,
    Outcome,
    Replay,
    drop_database,
    new_database,
    read_agent_rows,
)
from worker.replay.scenario import Scenario, load_scenario
from worker.settings import Settings


async def _export(settings: Settings, phone: str) -> int:
    from worker.cli.database import connected
    from worker.replay.export import export_scenario

    async with connected(settings) as conn:
        print(await export_scenario(conn, phone), end="")
    return 0


def replay_settings(settings: Settings, llm: str) -> Settings:
    """Settings for a replay or an eval: no debounce, no Twilio, the chosen LLM provider."""
    return settings.model_copy(update={
        "inbox_debounce_seconds": 0.0, "twilio_account_sid": None, "twilio_auth_token": None,
        "twilio_from_number": None, "twilio_messaging_service_sid": None,
        "public_base_url": None, "llm_provider": llm,
    })


def load_scenarios(paths: list[Path]) -> list[Scenario]:
    """Every scenario file, or one readable line about the first that is missing or wrong."""
    for path in paths:
        if not path.is_file():
            raise ConfigError(f"no scenario file {path}")
    try:
        return [load_scenario(path) for path in paths]
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


@contextmanager
def scratch_services(purpose: str) -> Iterator[tuple[str, str]]:
    """An embedded PostgreSQL (its admin DSN) and Redis (its URL) in a throwaway directory,
    so a replay or an eval never touches development or production data."""
    with tempfile.TemporaryDirectory(prefix=f"textcoach-{purpose}-") as tmp:
        admin_dsn, pg = start_postgres(Path(tmp))
        redis_url, redis = start_redis(Path(tmp))
        try:
            yield admin_dsn, redis_url
        finally:
            redis.shutdown()
            pg.cleanup()


def golden_path(scenario: Path) -> Path:
    return scenario.with_suffix(".golden.txt")


def parse_pins(specs: list[str]) -> dict[str, int]:
    """``["coach=3", ...]`` (``--agent``) -> ``{"coach": 3}``."""
    pins: dict[str, int] = {}
    for spec in specs:
        name, sep, version = (part.strip() for part in spec.partition("="))
        if not sep or not name or not version.isdigit() or int(version) < 1:
            raise ConfigError(f"--agent {spec!r}: expected NAME=VERSION, e.g. coach=3")
        if pins.get(name, int(version)) != int(version):
            raise ConfigError(f"--agent {name} is given twice ({pins[name]} and {version})")
        pins[name] = int(version)
    return pins


async def _agent_rows(settings: Settings) -> AgentRows:
    """The configured database's agents and templates (``--from-db``)."""
    from worker.cli.database import connected

    async with connected(settings) as conn:
        return await read_agent_rows(conn)


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.scenarios[0] == "export":
        if len(args.scenarios) != 2:
            raise ConfigError("usage: textcoach replay export PHONE")
        if args.agent or args.from_db:
            raise ConfigError("--agent and --from-db choose what a replay runs; export the "
                              "scenario first, then replay it with them")
        return asyncio.run(_export(settings, args.scenarios[1]))
    paths = [Path(p) for p in args.scenarios]
    scenarios = list(zip(paths, load_scenarios(paths), strict=True))
    agents = AgentSetup(pins=parse_pins(args.agent))
    if args.from_db:
        agents.rows = asyncio.run(_agent_rows(settings))
    agents.check()  # an unknown agent or version stops here, before anything runs
    chosen = replay_settings(settings, args.llm)
    provider = make_provider(chosen)
    with scratch_services("replay") as (admin_dsn, redis_url):
        outcomes = asyncio.run(_run_all(scenarios, chosen, admin_dsn, redis_url, provider,
                                        agents))
    failed = 0
    report = []
    for (path, _scenario), outcome in zip(scenarios, outcomes, strict=True):
        _golden(path, outcome, record=args.record)
        report.append(outcome.as_json())
        if not args.json:
            mark = "PASS" if outcome.ok else "FAIL"
            print(f"=== {outcome.name} ({path}) {mark}")
            print(outcome.header())
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
    agents: AgentSetup | None = None,
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for _path, scenario in scenarios:
        dsn, name = await new_database(admin_dsn)
        try:
            outcome = await Replay(settings, dsn, redis_url, provider, agents).run(
                scenario, _progress)
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
