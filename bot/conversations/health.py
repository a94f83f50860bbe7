"""Whether the gateway can store a message right now (a locked or full database must make the
health check fail, not only the next buyer's message)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.models import ProcessedUpdate, utcnow

log = logging.getLogger(__name__)


async def database_writable(engine: AsyncEngine, timeout: float = 2.0) -> bool:
    """Commit a tiny write (one marker row, replaced each time) within `timeout` seconds."""

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
