"""``textcoach programs``: programme files synced, listed, shown, compared and published.

The workflow is the agents': edit ``programs/*.yaml`` in review, ``sync`` writes a draft
version (or updates the draft there is), ``diff`` shows what changed against the published
version, ``publish`` makes it the one new enrolments get. Athletes already enrolled keep the
version they joined. Every change is in ``admin_activity_logs``.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass

import yaml

from worker.cli.database import connected
from worker.clock import now
from worker.db.pool import Conn
from worker.db.queries import sql
from worker.errors import ConfigError
from worker.library.programs import content_diff, publish, sync_programs
from worker.settings import Settings
from worker.staff import audit


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    programs = sub.add_parser("programs", help="programmes athletes can join").add_subparsers(
        dest="programs_command", required=True)
    programs.add_parser("sync", help="write programs/*.yaml as draft versions (checked first)")
    programs.add_parser("list", help="programmes with their current and newest versions")
    show = programs.add_parser("show", help="one version's content (default: the newest)")
    show.add_argument("slug")
    show.add_argument("--version", type=int)
    diff = programs.add_parser("diff", help="what changed between two versions (default: the "
                               "current one and the newest)")
    diff.add_argument("slug")
    diff.add_argument("old", type=int, nargs="?")
    diff.add_argument("new", type=int, nargs="?")
    pub = programs.add_parser("publish", help="make a version (default: the newest) the one "
                              "new enrolments get")
    pub.add_argument("slug")
    pub.add_argument("--version", type=int)


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_dispatch(args, settings))


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.programs_command
    who = f"cli:{getpass.getuser()}"
    async with connected(settings) as conn:
        if command == "sync":
            for result in await sync_programs(conn):
                if result.change != "unchanged":
                    await audit.record(conn, who, "program_synced", "program", result.slug,
                                       {"version": result.version, "change": result.change})
                print(f"{result.slug:<24} v{result.version:<3} {result.change}")
        elif command == "list":
            for entry in await conn.fetch(sql("program_catalogue")):
                current = f"v{entry['current_version']}" if entry["current_version"] else "-"
                print(f"{entry['slug']:<24} JOIN {entry['keyword'] or '-':<8} "
                      f"{entry['status']:<10} current {current:<4} "
                      f"newest v{entry['latest_version']:<3} enrolled {entry['enrolled']}")
        elif command == "show":
            row = await conn.fetchrow(sql("program_version_content"), args.slug, args.version)
            if row is None:
                raise ConfigError(f"no programme {args.slug!r}")
            state = "current" if row["is_current"] else (
                "published" if row["published_at"] else "draft")
            print(f"# {args.slug} v{row['version']} ({state})")
            print(yaml.safe_dump(row["content"], sort_keys=False, allow_unicode=True,
                                 width=100), end="")
        elif command == "diff":
            print(await _diff(conn, args.slug, args.old, args.new), end="")
        else:
            async with conn.transaction():
                version = await publish(conn, args.slug, args.version, now())
                await audit.record(conn, who, "program_published", "program", args.slug,
                                   {"version": version})
            print(f"{args.slug} v{version} published: new enrolments get it")
    return 0


async def _diff(conn: Conn, slug: str, old: int | None, new: int | None) -> str:
    if old is None:
        current = await conn.fetchval(sql("current_program_version"), slug)
        old = int(current) if current is not None else 1
    before = await conn.fetchrow(sql("program_version_content"), slug, old)
    after = await conn.fetchrow(sql("program_version_content"), slug, new)
    if before is None or after is None:
        raise ConfigError(f"no such version of {slug!r}")
    found = content_diff(before["content"], after["content"], f"{slug} v{before['version']}",
                         f"{slug} v{after['version']}")
    return found or f"{slug}: v{before['version']} and v{after['version']} are the same\n"
