"""The one-round-trip aiosqlite cursor behaves like SQLAlchemy's own, and SQLAlchemy's adapter
is still the code it was written against."""

from __future__ import annotations

import hashlib
import inspect
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.sqlite import aiosqlite as sa_aiosqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

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
        assert isinstance(ours.sync_engine.dialect.dbapi, sqlite_driver.OneTripDBAPI)
        assert await _script(ours) == await _script(stock)
    finally:
        await ours.dispose()
        await stock.dispose()


async def test_it_uses_one_thread_round_trip_per_statement(
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
            await conn.execute(text("select 2"))
        assert len(calls) == 2  # the statement, then the rollback when the pool takes it back
    finally:
        monkeypatch.undo()
        await engine.dispose()


def _hold_the_write_lock(path: Path, seconds: float, taken: threading.Event) -> float:
    """Another process's writer: holds SQLite's write lock for `seconds`; returns when it
    let go (time.monotonic())."""
    conn = sqlite3.connect(path, timeout=30)
    conn.execute("BEGIN IMMEDIATE")
    taken.set()
    time.sleep(seconds)
    conn.commit()
    released = time.monotonic()
    conn.close()
    return released


async def test_a_writer_goes_ahead_as_soon_as_another_process_lets_go(tmp_path: Path) -> None:
    """SQLite's own busy handler would try again 1, 3, 8, 18, 33, 53 ms after the first try:
    after a 40 ms hold, about 13 ms late. The driver polls every 0.2 ms."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "db.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    lateness = []
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table t (v integer)"))
        with ThreadPoolExecutor(1) as pool:
            for _ in range(3):
                taken = threading.Event()
                holder = pool.submit(_hold_the_write_lock, path, 0.04, taken)
                await asyncio.to_thread(taken.wait)
                async with engine.begin() as conn:
                    await conn.execute(text("insert into t values (1)"))
                    done = time.monotonic()
                lateness.append(done - holder.result())
        async with engine.connect() as conn:
            assert (await conn.execute(text("select count(*) from t"))).scalar() == 3
    finally:
        await engine.dispose()
    assert min(lateness) < 0.005, lateness


async def test_a_writer_gives_up_after_the_engines_timeout(tmp_path: Path) -> None:
    import asyncio

    path = tmp_path / "db.sqlite"
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{path}", module=sqlite_driver.dbapi(), connect_args={"timeout": 0.3}
    )
    try:
        async with engine.begin() as conn:
            await conn.execute(text("create table t (v integer)"))
        taken = threading.Event()
        holder = threading.Thread(target=_hold_the_write_lock, args=(path, 1.5, taken))
        holder.start()
        await asyncio.to_thread(taken.wait)
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"):
            async with engine.begin() as conn:
                await conn.execute(text("insert into t values (1)"))
        assert 0.25 < time.monotonic() - started < 1.2
        holder.join()
    finally:
        await engine.dispose()


def test_inside_a_writing_transaction_a_busy_error_is_raised_at_once() -> None:
    class Connection:
        in_transaction = True

    attempts: list[int] = []

    def busy() -> None:
        attempts.append(1)
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        sqlite_driver.waiting_for_the_lock(Connection(), 5.0, busy)  # type: ignore[arg-type]
    assert attempts == [1]

    Connection.in_transaction = False
    answers = iter([sqlite3.OperationalError("database is locked")] * 3 + [None])

    def then_free() -> str:
        answer = next(answers)
        if answer is not None:
            raise answer
        return "done"

    assert sqlite_driver.waiting_for_the_lock(Connection(), 5.0, then_free) == "done"  # type: ignore[arg-type]
