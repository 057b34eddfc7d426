"""``textcoach costs``: what the model calls cost, from the ledger in agent_logs."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
from decimal import Decimal

from worker.cli.database import connected
from worker.clock import now
from worker.db.costs import CostsBy, costs_query
from worker.llm.prices import PRICE_TABLE
from worker.settings import Settings


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_costs(settings, args.by, args.days, args.athlete))


async def _costs(settings: Settings, by: CostsBy, days: int, athlete: str | None) -> int:
    since = now() - timedelta(days=days)
    params: list[object] = [since] + ([athlete] if athlete else [])
    async with connected(settings) as conn:
        rows = await conn.fetch(costs_query(by, one_athlete=athlete is not None), *params)
    print(f"model costs by {by}, last {days} day(s), prices {PRICE_TABLE}"
          + (f", athlete {athlete}" if athlete else ""))
    print(f"{by:<38} {'calls':>7} {'tokens in':>11} {'tokens out':>11} {'cost USD':>10} "
          f"{'unpriced':>9}")
    total = Decimal(0)
    for row in rows:
        total += row["cost_usd"]
        print(f"{str(row['key'])[:38]:<38} {row['calls']:>7} {row['prompt_tokens']:>11} "
              f"{row['completion_tokens']:>11} {row['cost_usd']:>10.4f} {row['unpriced']:>9}")
    print(f"{'total':<38} {sum(r['calls'] for r in rows):>7} "
          f"{sum(r['prompt_tokens'] for r in rows):>11} "
          f"{sum(r['completion_tokens'] for r in rows):>11} {total:>10.4f}")
    return 0
