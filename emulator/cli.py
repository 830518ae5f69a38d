"""``incident-bot emulator``: a local AWS Incident Manager on this machine."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from aiohttp import web

from emulator.seed import load_seed
from emulator.server import Emulator, build_app

log = logging.getLogger("emulator")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="incident-bot emulator",
        description="Serve ssm-incidents and ssm-contacts locally over their real wire protocols.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument("--state", type=Path, help="persist state to this JSON file")
    parser.add_argument("--seed", type=Path, help="YAML set-up to create at start")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if args.seed is not None and not args.seed.is_file():
        parser.error(f"--seed {args.seed}: no such file")
    emulator = Emulator(state_file=args.state)
    if args.seed is not None and not (args.state and args.state.exists()):
        load_seed(emulator, args.seed)
    url = f"http://{args.host}:{args.port}"
    log.info(
        "Incident Manager emulator on %s — set AWS_ENDPOINT_URL=%s AWS_REGION=us-east-1 "
        "(any AWS credentials); controls under %s/_emulator/",
        url,
        url,
        url,
    )
    web.run_app(build_app(emulator), host=args.host, port=args.port, print=None, access_log=None)
    return 0
