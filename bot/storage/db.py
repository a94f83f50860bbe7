"""Engine and session factories. Callers own sessions and pass them as `session=`."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import sessionmaker

from bot.config import to_async_url


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for `url` (plain or async-driver form). SQLite gets WAL and a busy timeout
    so the gateway, the action server and CLI tools can share one file."""
    async_url = to_async_url(url)
    kwargs: dict[str, object] = {"echo": echo, "future": True}
    if async_url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(async_url, **kwargs)
    if async_url.startswith("sqlite"):

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def make_sessionmaker(engine: AsyncEngine) -> sessionmaker:
    """A factory of AsyncSession bound to `engine`; objects stay usable after commit."""
    return sessionmaker(engine, class_=AsyncSession, expire_on_commit=False, future=True)
