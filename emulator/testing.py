"""Runs the emulator in a background thread, for tests, the demo and scripts."""

from __future__ import annotations

import asyncio
import random
import socket
import threading
from functools import partial
from pathlib import Path
from typing import Any

import boto3
from aiohttp import web

from emulator.account import Emulator
from emulator.faults import Faults
from emulator.seed import load_seed
from emulator.urls import build_app


class RunningEmulator:
    """``with RunningEmulator(seed=...) as aws:`` serves on a free loopback port until exit."""

    def __init__(
        self, seed: Path | None = None, state_file: Path | None = None, port: int | None = None
    ) -> None:
        seeder = partial(load_seed, path=seed) if seed is not None else None
        self.emulator = Emulator(state_file=state_file, seeder=seeder)
        if seeder is not None:
            seeder(self.emulator)
        self.port = port or 0  # 0: the kernel gives a free one as it binds (read back once served)
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="emulator", daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def clock(self) -> Any:
        return self.emulator.clock

    @property
    def incidents(self) -> Any:
        return self.emulator.incidents

    @property
    def contacts(self) -> Any:
        return self.emulator.contacts

    @property
    def faults(self) -> Faults:
        return self.emulator.faults

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(build_app(self.emulator), access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        self._loop.run_until_complete(site.start())
        self.port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def __enter__(self) -> RunningEmulator:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the emulator did not start within 10 s")
        return self

    def __exit__(self, *_: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def advance(self, seconds: float) -> None:
        """Moves the emulator's clock; due engagement stages and receipts happen now."""
        self.emulator.advance(seconds)

    def outbox(self) -> list[dict[str, Any]]:
        with self.emulator.lock:
            self.emulator.contacts.tick()
            return self.emulator.contacts.outbox()

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="emulator-secret",
        )


def free_port() -> int:
    """A loopback port nothing listens on, for a server that binds it later (another process,
    a restart on the same port). Drawn at random below the kernel's ephemeral ports, so no
    outgoing connection on this machine takes it meanwhile, and parallel test workers (and
    other test runs) seldom draw the same one; a server of our own binds port 0 instead."""
    lowest_ephemeral = _ephemeral_ports()[0]
    draw = random.SystemRandom()
    for _ in range(200):
        port = draw.randrange(10_000, lowest_ephemeral)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue  # listened on, or still in TIME_WAIT
            return port
    raise RuntimeError(f"no free port found between 10000 and {lowest_ephemeral}")


def _ephemeral_ports() -> tuple[int, int]:
    """The kernel's range for outgoing connections' ports (Linux's default where unreadable)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    except (OSError, ValueError):
        return 32768, 60999
    return int(low), int(high)
