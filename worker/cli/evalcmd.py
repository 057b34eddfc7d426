"""``textcoach eval``: play scenarios k times with a simulated athlete and score them."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from worker.cli.replaycmd import load_scenarios, replay_settings, scratch_services
from worker.errors import ConfigError
from worker.llm.providers import make_provider
from worker.llm.types import Provider
from worker.replay.evaluate import (
    ModelAthlete,
    ScenarioEval,
    ScriptedAthlete,
    Trial,
    judge,
    pass_k,
    summary,
)
from worker.replay.runner import Athlete, Replay, drop_database, new_database
from worker.replay.scenario import Scenario
from worker.settings import Settings


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.k < 1:
        raise ConfigError(f"--k {args.k}: at least one trial per scenario")
    scenarios = load_scenarios([Path(p) for p in args.scenarios])
    chosen = replay_settings(settings, args.llm)
    provider = make_provider(chosen)
    with scratch_services("eval") as (admin_dsn, redis_url):
        evals = asyncio.run(run_evals(scenarios, chosen, admin_dsn, redis_url, provider,
                                      args.k))
    print("\n".join(summary(evals, args.k, judged=chosen.uses_openai)))
    return 0 if pass_k(evals) == 1.0 else 1


async def run_evals(scenarios: list[Scenario], settings: Settings, admin_dsn: str,
                    redis_url: str, provider: Provider, k: int) -> list[ScenarioEval]:
    """Each scenario k times, each trial on a fresh database; judged when a model answers."""
    athlete: Athlete = ModelAthlete(provider) if settings.uses_openai else ScriptedAthlete()
    evals: list[ScenarioEval] = []
    try:
        for scenario in scenarios:
            scored = ScenarioEval(scenario.name)
            for _ in range(k):
                dsn, name = await new_database(admin_dsn)
                try:
                    outcome = await Replay(settings, dsn, redis_url, provider,
                                           athlete=athlete).run(scenario)
                finally:
                    await drop_database(admin_dsn, name)
                verdict = await judge(provider, scenario, outcome) if settings.uses_openai \
                    else None
                scored.trials.append(Trial(outcome, verdict))
            evals.append(scored)
    finally:
        await provider.close()
    return evals
