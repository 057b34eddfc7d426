"""``textcoach operators``: console accounts (add, list, change a password, disable).

The password is prompted for, never taken from the command line (it would sit in shell
history and in ``ps``); piped input is read as the password too, so scripts and tests can set
one without a terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from worker.cli.database import connected
from worker.db.queries import sql
from worker.errors import ConfigError
from worker.settings import Settings
from worker.staff import audit
from worker.staff.accounts import ROLES, AccountError, Role, add_operator, set_password


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    operators = sub.add_parser("operators", help="console accounts").add_subparsers(
        dest="operators_command", required=True)
    add = operators.add_parser("add", help="create an account (the password is prompted for)")
    add.add_argument("email")
    add.add_argument("--role", choices=ROLES, default="coach",
                     help="viewer reads; coach also takes over and replies; admin also "
                          "activates agent versions (default: coach)")
    passwd = operators.add_parser("passwd", help="set a new password (prompted for)")
    passwd.add_argument("email")
    disable = operators.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("email")
    operators.add_parser("list", help="every account with its role")


def _password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise ConfigError("the two passwords differ")
    return first


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_dispatch(args, settings))


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.operators_command
    password = _password() if command in ("add", "passwd") else ""
    who = audit.SYSTEM if command == "list" else f"cli:{getpass.getuser()}"
    async with connected(settings) as conn, conn.transaction():
        try:
            if command == "add":
                role: Role = args.role
                operator = await add_operator(conn, args.email, password, role)
                await audit.record(conn, who, "operator_added", "operator", operator.id,
                                   {"email": operator.email, "role": role})
                print(f"operator {operator.email} added ({role})")
            elif command == "passwd":
                await set_password(conn, args.email, password)
                await audit.record(conn, who, "operator_password_set", "operator", args.email)
                print(f"password changed for {args.email.lower()}")
            elif command == "disable":
                if await conn.fetchval(sql("disable_operator"), args.email) is None:
                    raise ConfigError(f"no enabled operator {args.email}")
                await audit.record(conn, who, "operator_disabled", "operator", args.email)
                print(f"{args.email.lower()} disabled; their sessions have ended")
            else:
                for row in await conn.fetch(sql("list_operators")):
                    state = "disabled" if row["disabled_at"] else "enabled"
                    last = f"{row['last_login_at']:%Y-%m-%d %H:%M}" if row["last_login_at"] \
                        else "never"
                    print(f"{row['email']:<40} {row['role']:<7} {state:<9} last login {last}")
        except AccountError as exc:
            raise ConfigError(str(exc)) from None
    return 0
