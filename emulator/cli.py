"""``incident-bot emulator``: a local AWS Incident Manager on this machine."""

from __future__ import annotations

import argparse
import errno
import logging
import sys
from functools import partial
from pathlib import Path

from aiohttp import web

from emulator.account import Emulator
from emulator.seed import load_seed
from emulator.urls import build_app

log = logging.getLogger("emulator")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="incident-bot emulator",
        description="Serve ssm-incidents and ssm-contacts locally over their real wire protocols.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4566, help="TCP port to bind (default: 4566)")
    parser.add_argument(
        "--state", type=Path, help="persist state to this JSON file (default: in memory only)"
    )
    parser.add_argument(
        "--seed",
        type=Path,
        help="YAML set-up to create at start (skipped when --state exists) and at every "
        "/_emulator/reset (default: none)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if args.seed is not None and not args.seed.is_file():
        parser.error(f"--seed {args.seed}: no such file")
    seeder = partial(load_seed, path=args.seed) if args.seed is not None else None
    emulator = Emulator(state_file=args.state, seeder=seeder)
    if seeder is not None and args.state and args.state.exists():
        log.info(
            "--seed %s skipped: %s exists and holds the state (a reset seeds again)",
            args.seed,
            args.state,
        )
    elif seeder is not None:
        seeder(emulator)
    url = f"http://{args.host}:{args.port}"
    listening = (
        f"Incident Manager emulator on {url} — set AWS_ENDPOINT_URL={url} AWS_REGION=us-east-1 "
        f"(any AWS credentials); controls under {url}/_emulator/"
    )
    try:
        web.run_app(
            build_app(emulator),
            host=args.host,
            port=args.port,
            print=lambda _: log.info("%s", listening),  # once bound
            access_log=None,
        )
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        print(
            f"incident-bot emulator: port {args.port} on {args.host} is already in use: stop "
            "what listens there, or choose another port with --port.",
            file=sys.stderr,
        )
        return 2
    return 0
