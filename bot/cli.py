"""The ``incident-bot`` command."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot import __version__
from bot.config import ConfigError, load_settings
from bot.logs import configure

HELP_EPILOG = "Settings come from the environment or ./.env: see README.md, Configuration."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="incident-bot",
        description="Slack front-end of AWS Systems Manager Incident Manager.",
        epilog=HELP_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"incident-bot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    defaults = argparse.ArgumentDefaultsHelpFormatter
    run = commands.add_parser(
        "run",
        help="serve Slack (Socket Mode if SLACK_APP_TOKEN, else HTTP)",
        description="Serve Slack: over Socket Mode when SLACK_APP_TOKEN is set, else HTTP "
        "(POST /slack/events). Binds HOST:PORT for /healthz and /metrics in both modes "
        "(default 0.0.0.0:3000, every interface). Slack and AWS must answer at start.",
    )
    run.add_argument("--host", default="0.0.0.0", help="address to bind (default: 0.0.0.0)")
    run.add_argument("--port", type=int, help="TCP port to bind (default: PORT, else 3000)")
    commands.add_parser(
        "check",
        help="check configuration, Slack, AWS and the database",
        description="One OK/FAIL line per dependency, with the fix; exit 1 if any fails. "
        "Creates and changes nothing.",
    )
    commands.add_parser(
        "demo",
        help="play a scripted incident locally: no accounts needed",
        description="Run the emulator, a local Slack and the bot while a scripted responder "
        "declares, pages and resolves an incident; print what Slack shows.",
    )
    playground = commands.add_parser(
        "playground",
        help="drive the bot by hand from the terminal: no accounts needed",
        description="Run the emulator, a local Slack and the bot, and type /incident "
        "commands as a chosen user; :help lists the other commands.",
        formatter_class=defaults,
    )
    playground.add_argument("--user", default="dana", help="who types first (:as NAME changes)")
    playground.add_argument(
        "--time-scale",
        type=float,
        default=6.0,
        help="real seconds per minute of an escalation plan (production: 60)",
    )
    manifest = commands.add_parser(
        "manifest",
        help="print the Slack app manifest to create the app from",
        description="Print manifest.yml (Socket Mode); paste it at https://api.slack.com/apps "
        "→ Create New App → From an app manifest.",
        formatter_class=defaults,
    )
    manifest.add_argument(
        "--http-url",
        metavar="URL",
        help="the bot's public https URL: print the HTTP-mode variant sending Slack's "
        "requests to URL/slack/events (default: Socket Mode)",
    )
    commands.add_parser(
        "emulator",
        help="run the local Incident Manager emulator (see its --help)",
        description="Run the local Incident Manager emulator.",
        add_help=False,
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["emulator"]:
        from emulator.cli import main as emulator_main

        return emulator_main(argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "manifest":
        from bot.manifest import app_manifest

        print(app_manifest(args.http_url), end="")
        return 0
    try:
        return _command(args)
    except ConfigError as exc:
        print(f"incident-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _command(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.command == "demo":
        from bot.demo import run_demo

        configure(settings.log_level)
        asyncio.run(run_demo())
        return 0
    if args.command == "playground":
        from bot.playground import run_playground

        configure("ERROR")  # what the bot tells the user is on screen already
        asyncio.run(run_playground(args.user, args.time_scale))
        return 0
    if args.command == "run":
        from bot.server import serve

        configure(settings.log_level)
        asyncio.run(serve(settings, args.host, args.port or settings.port))
        return 0
    from bot.check import run_checks

    configure("CRITICAL")  # check's lines are its report: no log line repeats one
    outcomes = asyncio.run(run_checks(settings))
    for outcome in outcomes:
        print(outcome.line())
    return 0 if all(outcome.ok for outcome in outcomes) else 1
