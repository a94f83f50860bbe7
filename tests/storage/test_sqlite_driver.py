"""The in-place aiosqlite adapter behaves like SQLAlchemy's own, waits for locks without
blocking the event loop, and SQLAlchemy's adapter is still the code it was written against."""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.sqlite import aiosqlite as sa_aiosqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from bot.storage import sqlite_driver
from bot.storage.db import make_engine


@pytest.mark.parametrize("name", sorted(sqlite_driver.UPSTREAM_SOURCE_SHA256))
def test_it_fails_when_sqlalchemys_adapter_changes(name: str) -> None:
    owner, method = name.split(".")
    source = inspect.getsource(getattr(getattr(sa_aiosqlite, owner), method))
    assert (
        hashlib.sha256(source.encode()).hexdigest() == (sqlite_driver.UPSTREAM_SOURCE_SHA256[name])
    ), f"SQLAlchemy's {name} changed; re-check bot/storage/sqlite_driver.py:\n{source}"


async def _script(engine) -> list[object]:  # type: ignore[no-untyped-def]
    """The same statements through an engine; everything SQLAlchemy reports back."""
    seen: list[object] = []
    async with engine.begin() as conn:
        await conn.execute(text("create table t (id integer primary key, v text unique)"))
        for value in ("a", "b", "c"):
            result = await conn.execute(text("insert into t (v) values (:v)"), {"v": value})
            seen.append((result.rowcount, result.lastrowid))
        updated = await conn.execute(text("update t set v = v || '!' where id > 1"))
        seen.append(updated.rowcount)
        rows = await conn.execute(text("select id, v from t order by id"))
        seen.append([tuple(r) for r in rows])
        seen.append(list((await conn.execute(text("select v from t where id = 99"))).all()))
        streamed = await conn.stream(text("select v from t order by id"))
        seen.append([r.v async for r in streamed])
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(text("insert into t (v) values ('a')"))
    with pytest.raises(OperationalError):
        async with engine.begin() as conn:
            await conn.execute(text("select * from no_such_table"))
    async with engine.connect() as conn:
        seen.append((await conn.execute(text("select count(*) from t"))).scalar())
    return seen


async def test_it_gives_the_same_results_and_errors_as_sqlalchemys_cursor(tmp_path: Path) -> None:
    ours = make_engine(f"sqlite:///{tmp_path / 'ours.db'}")
    stock = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'stock.db'}")
    try:
        assert isinstance(ours.sync_engine.dialect.dbapi, sqlite_driver.InPlaceDBAPI)
        assert await _script(ours) == await _script(stock)
    finally:
        await ours.dispose()
        await stock.dispose()


async def test_statements_commits_and_rollbacks_run_without_a_thread_hand_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aiosqlite

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    calls: list[object] = []
    original = aiosqlite.Connection._execute

    async def counting(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(fn)
        return await original(self, fn, *args, **kwargs)

    try:
        async with engine.connect() as conn:
            await conn.execute(text("select 1"))  # connect, pragmas
        monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
        async with engine.begin() as conn:
            await conn.execute(text("create table t (v text)"))
            await conn.execute(text("insert into t values ('a')"))
        with pytest.raises(ZeroDivisionError):
            async with engine.begin() as conn:
                await conn.execute(text("insert into t values ('b')"))
                raise ZeroDivisionError
        async with engine.connect() as conn:
            assert (await conn.execute(text("select count(*) from t"))).scalar() == 1
        assert calls == []
    finally:
        monkeypatch.undo()
        await engine.dispose()


async def _ticks_while(work: asyncio.Future | asyncio.Task) -> int:  # type: ignore[type-arg]
    """How often the event loop ran other code (every 10 ms) while `work` was running."""
    ticks = 0
    while not work.done():
        await asyncio.sleep(0.01)
        ticks += 1
    return ticks


async def test_a_write_waits_for_another_connections_lock_without_blocking_the_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    async with engine.begin() as conn:
        await conn.execute(text("create table t (v text)"))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's writer holds the lock
    other.execute("insert into t values ('first')")

    async def write() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("insert into t values ('second')"))

    try:
        task = asyncio.ensure_future(write())
        asyncio.get_running_loop().call_later(0.3, other.execute, "COMMIT")
        ticks = await _ticks_while(task)
        await task
        # The loop kept serving while the write waited ~0.3 s for the lock.
        assert ticks >= 10
        async with engine.connect() as conn:
            rows = (await conn.execute(text("select v from t order by rowid"))).scalars().all()
        assert rows == ["first", "second"]
    finally:
        other.close()
        await engine.dispose()


async def test_a_lock_held_past_the_timeout_fails_as_sqlite_would(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{path}",
        module=sqlite_driver.dbapi(),
        poolclass=AsyncAdaptedQueuePool,
        connect_args={"timeout": 0.3},
    )
    async with engine.begin() as conn:
        await conn.execute(text("create table t (v text)"))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"):
            async with engine.begin() as conn:
                await conn.execute(text("insert into t values ('never')"))
        assert time.monotonic() - started >= 0.3
        other.execute("COMMIT")
        async with engine.begin() as conn:  # the connection is usable again
            await conn.execute(text("insert into t values ('later')"))
            assert (await conn.execute(text("select count(*) from t"))).scalar() == 1
    finally:
        other.close()
        await engine.dispose()


async def test_two_sessions_of_one_process_take_turns_at_the_write_lock(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    async with engine.begin() as conn:
        await conn.execute(text("create table t (v text)"))
    first_holds = asyncio.Event()

    async def first() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("insert into t values ('first')"))
            first_holds.set()
            await asyncio.sleep(0.2)  # holds the write lock across an await

    async def second() -> None:
        await first_holds.wait()
        async with engine.begin() as conn:
            await conn.execute(text("insert into t values ('second')"))

    try:
        await asyncio.wait_for(asyncio.gather(first(), second()), 10)
        async with engine.connect() as conn:
            rows = (await conn.execute(text("select v from t order by rowid"))).scalars().all()
        assert rows == ["first", "second"]
    finally:
        await engine.dispose()


async def test_run_raises_sqlalchemys_errors_and_waits_for_locks(tmp_path: Path) -> None:
    """`InPlaceConnection.run` (the event log's fast statements) fails the way SQLAlchemy's
    execution fails, so callers that catch SQLAlchemyError still do, and waits for another
    connection's write lock without blocking the loop."""
    path = tmp_path / "db.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    async with engine.begin() as conn:
        await conn.execute(text("create table t (v text unique)"))
    other = sqlite3.connect(path, isolation_level=None)
    try:
        async with engine.begin() as conn:
            raw = sqlite_driver.in_place(conn)
            assert raw is not None
            with pytest.raises(OperationalError, match="no such table"):
                await raw.run("insert into missing values (1)")
            await raw.run("insert into t values (?)", ("a",))
            with pytest.raises(IntegrityError):
                await raw.run("insert into t values (?)", ("a",))

        other.execute("BEGIN IMMEDIATE")
        asyncio.get_running_loop().call_later(0.3, other.execute, "COMMIT")
        async with engine.begin() as conn:
            raw = sqlite_driver.in_place(conn)
            assert raw is not None
            task = asyncio.ensure_future(raw.run("insert into t values (?)", ("b",)))
            assert await _ticks_while(task) >= 10
            assert (await task).rowcount == 1
        async with engine.connect() as conn:
            rows = (await conn.execute(text("select v from t order by v"))).scalars().all()
        assert rows == ["a", "b"]
    finally:
        other.close()
        await engine.dispose()


async def test_only_in_place_sqlite_connections_have_the_fast_path(tmp_path: Path) -> None:
    ours = make_engine(f"sqlite:///{tmp_path / 'ours.db'}")
    stock = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'stock.db'}")
    try:
        async with ours.connect() as conn:
            assert sqlite_driver.in_place(conn) is not None
        async with stock.connect() as conn:
            assert sqlite_driver.in_place(conn) is None
    finally:
        await ours.dispose()
        await stock.dispose()
