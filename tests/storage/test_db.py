"""Engine settings: pooled SQLite connections in WAL mode with synchronous=NORMAL."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.pool import AsyncAdaptedQueuePool

from bot.storage.db import dispose_engines, make_engine


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


async def test_it_returns_connections_to_the_pool_without_an_open_transaction(
    tmp_path: Path,
) -> None:
    from sqlalchemy import event
    from sqlalchemy.exc import IntegrityError

    from bot.storage.db import make_sessionmaker

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    open_at_checkin: list[bool] = []

    @event.listens_for(engine.sync_engine, "checkin")
    def _checkin(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        open_at_checkin.append(dbapi_connection._connection._conn.in_transaction)

    sessions = make_sessionmaker(engine)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table t (v text unique)"))
        async with sessions() as session, session.begin():
            await session.execute(text("insert into t values ('a')"))
        async with sessions() as session:  # a read, never committed
            assert (await session.execute(text("select count(*) from t"))).scalar() == 1
        try:
            async with sessions() as session, session.begin():
                await session.execute(text("insert into t values ('b')"))
                await session.execute(text("insert into t values ('a')"))
        except IntegrityError:
            pass
        async with sessions() as session:
            rows = (await session.execute(text("select v from t"))).scalars().all()
        assert rows == ["a"]  # the failed transaction left nothing behind
        assert open_at_checkin and not any(open_at_checkin)
    finally:
        await engine.dispose()


async def test_disposing_the_engines_leaves_no_thread_that_would_hold_the_exit(
    tmp_path: Path,
) -> None:
    # Python's exit waits for every non-daemon thread; a pooled SQLite connection has one.
    before = {t.ident for t in threading.enumerate()}
    engine = make_engine(f"sqlite:///{tmp_path / 'exit.db'}")
    async with engine.connect() as conn:
        await conn.execute(text("select 1"))

    def held() -> list[threading.Thread]:
        return [
            t
            for t in threading.enumerate()
            if t.ident not in before and not t.daemon and t.is_alive()
        ]

    assert held(), "a pooled connection should keep its worker thread"
    await dispose_engines()
    for thread in held():
        thread.join(10)
    assert held() == []
