"""Engine and session factories. Callers own sessions and pass them as `session=`."""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import AsyncAdaptedQueuePool

from bot.config import to_async_url
from bot.storage import sqlite_driver


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for `url` (plain or async-driver form). SQLite gets WAL and a busy timeout
    so the gateway, the action server and CLI tools can share one file."""
    async_url = to_async_url(url)
    kwargs: dict[str, object] = {"echo": echo, "future": True}
    if async_url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
        if _is_file_sqlite(async_url):
            # SQLAlchemy 1.4 gives aiosqlite files a NullPool: a new connection (and worker
            # thread, and the pragmas below) for every session, twice per turn. Keep them.
            kwargs["poolclass"] = AsyncAdaptedQueuePool
            # Statements run on the event loop's thread, without hand-offs to aiosqlite's.
            kwargs["module"] = sqlite_driver.dbapi()
            # SQLAlchemy's Connection and Session already end every transaction (commit or
            # rollback) before giving the connection back; the pool's extra ROLLBACK on return
            # was one more statement for every session.
            kwargs["pool_reset_on_return"] = None
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(async_url, **kwargs)
    _engines.add(engine)
    if async_url.startswith("sqlite"):
        # The in-place driver waits for locks itself, off the event loop (sqlite_driver.py):
        # SQLite's own busy handler would sleep on the loop's thread.
        busy_timeout = 0 if "module" in kwargs else 30000

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL never corrupts the file; it skips the fsync on every commit
            # (a power cut may lose the last commits, a crash of the process does not).
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={busy_timeout}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


# Every engine this process made, for `dispose_engines` at shutdown.
_engines: weakref.WeakSet[AsyncEngine] = weakref.WeakSet()


async def dispose_engines() -> None:
    """Close the pooled connections of every engine made here. A process that serves until
    it is told to stop calls this on its way out: a pooled aiosqlite connection keeps a
    non-daemon worker thread, and Python's exit waits for it (the action server sat 15 s
    after SIGTERM until `parceldesk run` killed it)."""
    for engine in list(_engines):
        await engine.dispose()


def _is_file_sqlite(url: str) -> bool:
    database = make_url(url).database
    return bool(database) and database != ":memory:" and "mode=memory" not in url


def make_sessionmaker(engine: AsyncEngine) -> sessionmaker:
    """A factory of AsyncSession bound to `engine`; objects stay usable after commit."""
    return sessionmaker(engine, class_=AsyncSession, expire_on_commit=False, future=True)
