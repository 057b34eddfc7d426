"""``textcoach plans check PHONE``: the programme rubric's verdict on an athlete's plan.

Every plan is scored when its first week is written, and every week when it is written
(:mod:`worker.planning.rubric`); this prints those scores, the hard violations and the reasons
per dimension, so an operator can see why a plan scored what it did.
"""

from __future__ import annotations

import argparse
import asyncio

from worker.cli.database import connected
from worker.db.queries import sql
from worker.errors import ConfigError
from worker.planning.rubric import WEIGHTS
from worker.settings import Settings


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_check(settings, args.phone))


async def _check(settings: Settings, phone: str) -> int:
    async with connected(settings) as conn:
        user = await conn.fetchrow(sql("get_user_by_phone"), phone)
        if user is None:
            raise ConfigError(f"no athlete with phone {phone}")
        rows = await conn.fetch(sql("plan_scores"), user["id"])
    if not rows:
        raise ConfigError(f"{phone} has no active plan")
    plan = rows[0]
    score = "not scored yet" if plan["score"] is None else f"{plan['score']}/100"
    print(f"{phone}: {plan['goal']} plan from {plan['start_date']:%a %d %b %Y}, {score}")
    for violation in plan["violations"] or []:
        print(f"  VIOLATION {violation['rule']}: {violation['detail']}")
    for name, dimension in (plan["rubric"] or {}).items():
        reasons = "; ".join(dimension.get("reasons") or [])
        print(f"  {name:<18} {dimension['score']:>2}/{WEIGHTS.get(name, dimension['of'])}"
              + (f"  {reasons}" if reasons else ""))
    for row in rows:
        if row["week_index"] is None:
            continue
        week_score = "-" if row["week_score"] is None else f"{row['week_score']:>3}"
        problems = "; ".join(f"{v['rule']}: {v['detail']}"
                             for v in row["week_violations"] or [])
        print(f"  week {row['week_index']:>2} {row['week_start']:%d %b} {row['week_status']:<9}"
              f" {week_score}" + (f"  !! {problems}" if problems else ""))
    return 1 if plan["violations"] else 0
