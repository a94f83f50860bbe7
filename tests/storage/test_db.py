"""Engine settings: pooled SQLite connections in WAL mode with synchronous=NORMAL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.pool import AsyncAdaptedQueuePool

from bot.storage.db import make_engine


async def test_it_reuses_sqlite_connections_between_sessions(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        assert isinstance(engine.pool, AsyncAdaptedQueuePool)
        seen = []
        for _ in range(3):
            async with engine.connect() as conn:
                raw = await conn.get_raw_connection()
                seen.append(id(raw.connection))
        assert len(set(seen)) == 1
    finally:
        await engine.dispose()


async def test_it_sets_wal_normal_sync_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA synchronous"))).scalar() == 1  # NORMAL
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await engine.dispose()


async def test_it_keeps_the_default_pool_for_in_memory_sqlite() -> None:
    engine = make_engine("sqlite+aiosqlite://")
    try:
        assert not isinstance(engine.pool, AsyncAdaptedQueuePool)
        async with engine.connect() as conn:
            assert (await conn.execute(text("select 1"))).scalar() == 1
    finally:
        await engine.dispose()
