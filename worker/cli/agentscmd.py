"""``textcoach agents``: sync files to the database, inspect versions, roll back."""

from __future__ import annotations

import argparse
import asyncio

from worker.agents import registry
from worker.cli.database import connected
from worker.settings import Settings


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_dispatch(args, settings))


async def _check(settings: Settings) -> int:
    """Probe the model endpoint the agents would use; exit 1 if it cannot serve them."""
    from worker.llm.openai_provider import OpenAIProvider

    if not settings.uses_openai:
        print("no model endpoint configured: the offline coach answers (nothing to check)")
        return 0
    provider = OpenAIProvider(settings)
    try:
        found = await provider.probe()
    finally:
        await provider.close()
    where = settings.openai_base_url or "api.openai.com"
    print(f"{where} ({settings.openai_model or 'per-agent models'}): structured output "
          f"{'ok' if found.json_schema else 'NOT SUPPORTED'}, tool calls "
          f"{'ok' if found.tools else 'NOT SUPPORTED'} ({found.detail})")
    if not found.tools:
        print("without tool calls the coach cannot log workouts, change sessions or record "
              "trips through this model; those turns fall back to the offline coach's tools")
    return 0 if found.json_schema and found.tools else 1


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.agents_command == "check":
        return await _check(settings)
    async with connected(settings) as conn:
        if args.agents_command == "sync":
            report = await registry.sync(conn)
            for change in report.changes:
                print(change)
            print(f"{len(report.changes)} changed, {report.unchanged} unchanged")
        elif args.agents_command == "list":
            rows = await registry.list_rows(conn)
            print(f"{'agent':<20} {'active':>6} {'latest':>6}  {'model':<16} schema")
            for row in rows:
                active = f"v{row['active']}" if row["active"] else "-"
                print(f"{row['name']:<20} {active:>6} {'v' + str(row['latest']):>6}  "
                      f"{row['model']:<16} {row['output_schema']}")
        elif args.agents_command == "show":
            print(registry.show_text(await registry.describe(conn, args.name, args.version)))
        elif args.agents_command == "diff":
            print(await registry.diff(conn, args.name, args.old, args.new), end="")
        elif args.agents_command == "activate":
            previous = await registry.activate(conn, args.name, args.version)
            was = f" (was v{previous})" if previous else ""
            print(f"{args.name}: v{args.version} is active{was}")
    return 0
