"""The ``incident-bot`` command."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot import __version__
from bot.config import ConfigError, load_settings
from bot.logs import configure


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="incident-bot",
        description="Slack front-end of AWS Systems Manager Incident Manager.",
    )
    parser.add_argument("--version", action="version", version=f"incident-bot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="serve Slack (Socket Mode if SLACK_APP_TOKEN, else HTTP)")
    run.add_argument("--host", default="0.0.0.0")
    run.add_argument("--port", type=int, help="HTTP port (default: PORT, else 3000)")
    commands.add_parser("check", help="check configuration, Slack, AWS and the database")
    commands.add_parser("demo", help="play a scripted incident locally: no accounts needed")
    commands.add_parser(
        "emulator", help="run the local Incident Manager emulator (see its --help)", add_help=False
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["emulator"]:
        from emulator.cli import main as emulator_main

        return emulator_main(argv[1:])
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        configure(settings.log_level)
        if args.command == "demo":
            from bot.demo import run_demo

            asyncio.run(run_demo())
            return 0
        if args.command == "run":
            from bot.server import serve

            asyncio.run(serve(settings, args.host, args.port or settings.port))
            return 0
        from bot.check import run_checks

        outcomes = asyncio.run(run_checks(settings))
    except ConfigError as exc:
        print(f"incident-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    for outcome in outcomes:
        print(outcome.line())
    return 0 if all(outcome.ok for outcome in outcomes) else 1
