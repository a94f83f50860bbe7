"""Whether the gateway can store a message right now (a locked or full database must make the
health check fail, not only the next buyer's message)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.models import ProcessedUpdate, utcnow

log = logging.getLogger(__name__)


async def database_writable(engine: AsyncEngine, timeout: float = 2.0) -> bool:
    """Commit a tiny write (one marker row, replaced each time) within `timeout` seconds.

    SQLite is probed on a connection of its own with its own busy timeout: cancelling a
    pooled aiosqlite connection mid-statement would hand the pool a connection stuck in a
    transaction."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return await asyncio.to_thread(_sqlite_writable, url.database, timeout)

    async def probe() -> None:
        async with engine.begin() as conn:
            await conn.execute(delete(ProcessedUpdate).where(ProcessedUpdate.channel == "health"))
            await conn.execute(
                ProcessedUpdate.__table__.insert().values(
                    channel="health", update_id="probe", processed_at=utcnow()
                )
            )

    try:
        await asyncio.wait_for(probe(), timeout)
        return True
    except (SQLAlchemyError, OSError, asyncio.TimeoutError) as exc:
        log.error("database health probe failed: %s", type(exc).__name__)
        return False


def _sqlite_writable(path: str, timeout: float) -> bool:
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        log.error("database health probe failed: %s", exc)
        return False
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM processed_updates WHERE channel = 'health'")
        conn.execute(
            "INSERT INTO processed_updates (channel, update_id, processed_at) "
            "VALUES ('health', 'probe', ?)",
            (utcnow().isoformat(sep=" "),),
        )
        conn.execute("COMMIT")
        return True
    except sqlite3.Error as exc:  # locked, full, read-only, no table
        log.error("database health probe failed: %s", exc)
        return False
    finally:
        conn.close()
