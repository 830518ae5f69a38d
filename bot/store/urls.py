"""DATABASE_URL as users write it → the drivers the bot uses."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url


def async_url(database_url: str) -> URL:
    """``sqlite:///x.db`` → aiosqlite, ``postgresql://…`` → asyncpg."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+asyncpg")
    raise ValueError(f"unsupported database {backend!r}: use sqlite:// or postgresql://")


def jobs_url(database_url: str) -> URL:
    """Where APScheduler's synchronous job store keeps the stage timers.

    PostgreSQL: the bot's own database. SQLite: a sibling file (``bot.db`` → ``bot-jobs.db``),
    because SQLite has one writer and the job store writes from the event loop's thread: sharing
    the file, it would block the loop while waiting on a transaction only the loop can finish.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return url.set(drivername="postgresql+psycopg")
    if not url.database or url.database == ":memory:":
        return url.set(drivername="sqlite")
    path = Path(url.database)
    jobs = path.with_name(f"{path.stem}-jobs{path.suffix}")
    return url.set(drivername="sqlite", database=str(jobs))
