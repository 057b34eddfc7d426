"""``textcoach logs``: read what each agent saw and said, one turn at a time or as it happens."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime, timedelta
from uuid import UUID

from worker.agents.trace_text import format_call, tail_line
from worker.cli.database import connected
from worker.clock import now
from worker.db.queries import sql
from worker.errors import ConfigError
from worker.settings import Settings


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_dispatch(args, settings))


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    async with connected(settings) as conn:
        if args.logs_command == "show":
            try:
                trace = UUID(args.trace)
            except ValueError:
                raise ConfigError(f"{args.trace!r} is not a trace id (a UUID)") from None
            rows = await conn.fetch(sql("trace_logs"), trace)
            if not rows:
                raise ConfigError(f"no agent calls recorded for trace {trace}")
            for index, row in enumerate(rows, start=1):
                print(format_call(index, dict(row)))
        elif args.logs_command == "traces":
            for row in await conn.fetch(sql("recent_traces"), args.limit):
                print(f"{row['trace_id']}  {row['started']:%Y-%m-%d %H:%M:%S}  "
                      f"{row['calls']} call(s)  {row['agents']}")
        elif args.logs_command == "tail":
            since: datetime = now() - timedelta(minutes=args.minutes)
            while True:
                rows = await conn.fetch(sql("logs_since"), since, 500)
                for row in rows:
                    print(tail_line(dict(row)), flush=True)
                    since = row["created_at"]
                if not args.follow:
                    return 0
                await asyncio.sleep(1.0)
    return 0
