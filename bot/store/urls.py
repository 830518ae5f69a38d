"""DATABASE_URL as users write it → the drivers the bot uses."""

from __future__ import annotations

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
