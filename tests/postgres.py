"""A throwaway PostgreSQL server for tests that need one (several replicas on one database)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from emulator.testing import free_port


def postgres_bin() -> Path | None:
    """Where initdb lives: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


needs_postgres = pytest.mark.skipif(
    postgres_bin() is None, reason="needs PostgreSQL (apt-get install postgresql; CI installs it)"
)


def _as_owner(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; run it as the packaged ``postgres`` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextmanager
def running_postgres() -> Iterator[str]:
    """Yields a ``postgresql://`` URL of a fresh cluster that is removed afterwards."""
    bindir = postgres_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    workdir = Path(tempfile.mkdtemp(prefix="incident-bot-pg-"))
    data = workdir / "data"
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        _as_owner(
            [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {workdir} -h 127.0.0.1 -F"
    subprocess.run(
        _as_owner(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(workdir / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        time.sleep(0.1)
        shutil.rmtree(workdir, ignore_errors=True)
