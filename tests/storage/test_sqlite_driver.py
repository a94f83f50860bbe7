"""The one-round-trip aiosqlite cursor behaves like SQLAlchemy's own, and SQLAlchemy's adapter
is still the code it was written against."""

from __future__ import annotations

import hashlib
import inspect
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
