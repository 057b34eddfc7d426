"""``textcoach db``: migrate, roll back, show status, start a new migration."""

from __future__ import annotations

import argparse
import asyncio

from worker.db import migrate
from worker.embedded import resolve_database
from worker.settings import Settings


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.db_command == "new":
        path = migrate.new(args.name)
        print(f"created {path}")
        return 0
    database_url, _handle = resolve_database(settings)
    if args.db_command == "migrate":
        applied = asyncio.run(migrate.migrate(database_url))
        for migration in applied:
            print(f"applied {migration.label}")
        if not applied:
            print("nothing to apply: the database is up to date")
    elif args.db_command == "rollback":
        undone = asyncio.run(migrate.rollback(database_url, steps=args.steps))
        for migration in undone:
            print(f"rolled back {migration.label}")
        if not undone:
            print("nothing to roll back")
    elif args.db_command == "status":
        for state in asyncio.run(migrate.status(database_url)):
            when = state.applied_at.isoformat(timespec="seconds") if state.applied_at else "pending"
            problem = f"  !! {state.problem}" if state.problem else ""
            print(f"{state.label:<40} {when}{problem}")
    return 0
