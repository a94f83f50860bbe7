"""SQLAlchemy's aiosqlite adapter, with statements run on the event loop's own thread.

aiosqlite runs each SQLite call on a worker thread: every statement, COMMIT and ROLLBACK is a
hand-off to that thread and a wake-up of the event loop when it is done. A gateway turn makes
about ten of them, and they were most of its remaining CPU and latency (py-spy --gil; figures in
docs/scale-out.md). The statements themselves take tens of microseconds on a local file (WAL,
synchronous=NORMAL), so this adapter runs them in place and never hands off.

What the worker thread gave for free, and how it is kept:
- Waiting for another connection's write lock must not block the event loop. The connection's
  own busy handler is off (busy_timeout=0, set in `bot.storage.db`) and a statement that finds
  the database locked is retried after an asyncio sleep (0.2 ms, growing to 5 ms) until the
  connection's `timeout` has passed, then fails as SQLite would ("database is locked").
  Retrying is safe here: pysqlite begins a transaction just before its first write, so the
  statement that meets the lock is the transaction's first and holds no snapshot yet; COMMIT
  may be retried by SQLite's own rules.
- SQLAlchemy's asyncio layer insists that every statement awaits something; each statement
  awaits a coroutine that is already done (no trip through the event loop).
- What is not kept: a statement now holds the event loop for as long as SQLite works on it.
  The gateway's statements are indexed lookups and single-row writes (tens of microseconds);
  the longest is the hourly eviction of expired shipments (one DELETE, milliseconds at a shop's
  volume). Bulk inserts (`executemany`) still go through aiosqlite's thread.

Results, errors and transactions are SQLAlchemy's: only the non-server-side cursor, COMMIT and
ROLLBACK change; `make_engine` passes `dbapi()` as the engine's DBAPI module for SQLite files.
`tests/storage/test_sqlite_driver.py` fails when SQLAlchemy's adapter changes.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar

from sqlalchemy.dialects.sqlite import aiosqlite as sa_aiosqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.util.concurrency import await_only

# sha256 of inspect.getsource(...) in SQLAlchemy 1.4.54 for each method replaced here; the guard
# test compares them.
UPSTREAM_SOURCE_SHA256 = {
    "AsyncAdapt_aiosqlite_cursor.execute": (
        "6db1e6a63fd0d81f7428909bd761017d24bb98722c0885a826f6d764ce3cf46f"
    ),
    "AsyncAdapt_aiosqlite_connection.commit": (
        "31b08593c025b8574821b6fdbd4523301248562564da9444b66d9c75232e0bd7"
    ),
    "AsyncAdapt_aiosqlite_connection.rollback": (
        "4449623ee389c917e533d5a575065bc1fe4c434e7d70a23750c0c2caee55b97b"
    ),
    "AsyncAdapt_aiosqlite_dbapi.connect": (
        "1ca50893899988afc6d9dde603e861069788f4e7cf5aec98f6d22402e07d2e23"
    ),
}

# How long a statement waits for another connection's write lock when the engine sets no
# `timeout` (the sqlite3 default).
DEFAULT_LOCK_WAIT = 5.0
FIRST_RETRY = 0.0002
LONGEST_RETRY = 0.005

T = TypeVar("T")


async def _done() -> None:
    """What each statement awaits: SQLAlchemy's asyncio layer requires one await per call."""


def _locked(error: sqlite3.OperationalError) -> bool:
    # Python 3.10's sqlite3 has no error codes: SQLITE_BUSY's message is "database is locked".
    return str(error) == "database is locked"


def _pauses(lock_wait: float) -> Iterator[float]:
    """How long to sleep before each retry of a statement that found the database locked,
    until `lock_wait` seconds have passed since the first attempt."""
    deadline = time.monotonic() + lock_wait
    pause = FIRST_RETRY
    while (left := deadline - time.monotonic()) > 0:
        yield min(pause, left)
        pause = min(pause * 1.5, LONGEST_RETRY)


def run_in_place(call: Callable[[], T], lock_wait: float) -> T:
    """Run `call` (SQLite work) now, from SQLAlchemy's greenlet; while the database is locked
    by another connection, retry after asyncio sleeps (the event loop serves others
    meanwhile) for up to `lock_wait` s."""
    pauses: Iterator[float] | None = None
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            if not _locked(error):
                raise
            pauses = pauses or _pauses(lock_wait)
            pause = next(pauses, None)
            if pause is None:
                raise
            await_only(asyncio.sleep(pause))


class InPlaceCursor(sa_aiosqlite.AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def execute(self, operation: str, parameters: Any = None) -> None:
        sqlite_connection = self._connection._conn  # the sqlite3.Connection under aiosqlite

        def run() -> tuple[Any, Any, int, int]:
            cursor = sqlite_connection.cursor()
            try:
                if parameters is None:
                    cursor.execute(operation)
                else:
                    cursor.execute(operation, parameters)
                if cursor.description:
                    return cursor.description, cursor.fetchall(), -1, -1
                return None, None, cursor.lastrowid, cursor.rowcount
            finally:
                cursor.close()

        try:
            description, rows, lastrowid, rowcount = run_in_place(
                run, self._adapt_connection.dbapi.lock_wait
            )
            self.await_(_done())
        except Exception as error:
            self._adapt_connection._handle_exception(error)
            raise  # _handle_exception always raises
        self.description = description  # type: ignore[misc]  # slot of the SQLAlchemy base (untyped)
        self.lastrowid = lastrowid  # type: ignore[misc]  # slot of the SQLAlchemy base (untyped)
        self.rowcount = rowcount  # type: ignore[misc]  # slot of the SQLAlchemy base (untyped)
        if rows is not None:
            self._rows = rows  # type: ignore[misc]  # slot of the SQLAlchemy base (untyped)


class InPlaceConnection(sa_aiosqlite.AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> Any:
        if server_side:
            return sa_aiosqlite.AsyncAdapt_aiosqlite_ss_cursor(self)
        return InPlaceCursor(self)

    def commit(self) -> None:
        self._end(lambda connection: connection.commit())

    def rollback(self) -> None:
        self._end(lambda connection: connection.rollback())

    async def run(self, sql: str, parameters: Sequence[Any] = ()) -> Outcome:
        """Run one SQL statement (SQLite's own SQL, `?` placeholders) on this connection, in
        its current transaction, from a coroutine: the hot statements of the event log use
        this instead of SQLAlchemy's execution (bot/conversations/sqlite_log.py)."""
        sqlite_connection = self._connection._conn
        pauses: Iterator[float] | None = None
        while True:
            try:
                cursor = sqlite_connection.execute(sql, parameters)
                try:
                    return Outcome(cursor.fetchall(), cursor.rowcount, cursor.lastrowid)
                finally:
                    cursor.close()
            except sqlite3.Error as error:
                pause = None
                if isinstance(error, sqlite3.OperationalError) and _locked(error):
                    pauses = pauses or _pauses(self.dbapi.lock_wait)
                    pause = next(pauses, None)
                if pause is None:
                    # As SQLAlchemy's execution would raise it: callers catch SQLAlchemyError.
                    raise DBAPIError.instance(sql, parameters, error, sqlite3.Error) from error
                await asyncio.sleep(pause)

    def _end(self, how: Callable[[sqlite3.Connection], None]) -> None:
        try:
            sqlite_connection = self._connection._conn
            run_in_place(lambda: how(sqlite_connection), self.dbapi.lock_wait)
        except Exception as error:
            self._handle_exception(error)


class InPlaceDBAPI(sa_aiosqlite.AsyncAdapt_aiosqlite_dbapi):
    def __init__(self, aiosqlite: Any, sqlite: Any) -> None:
        super().__init__(aiosqlite, sqlite)
        self.lock_wait = DEFAULT_LOCK_WAIT

    def connect(self, *arg: Any, **kw: Any) -> InPlaceConnection:
        kw.pop("async_fallback", None)  # the gateway is always async
        # The lock wait is ours (run_in_place); SQLite's busy handler would block the loop.
        self.lock_wait = float(kw.pop("timeout", DEFAULT_LOCK_WAIT))
        kw["timeout"] = 0
        # Statements run on the event loop's thread, not the thread that opened the file.
        kw["check_same_thread"] = False
        connection = self.aiosqlite.connect(*arg, **kw)
        connection.daemon = True
        return InPlaceConnection(self, await_only(connection))


class Outcome(NamedTuple):
    rows: list[Any]
    rowcount: int
    lastrowid: int | None


def in_place(connection: AsyncConnection) -> InPlaceConnection | None:
    """The in-place SQLite connection under `connection` (an engine from `make_engine` on a
    SQLite file), or None for any other database or driver."""
    sync = connection.sync_connection
    if sync is None or sync.dialect.name != "sqlite":
        return None
    adapted = sync.connection.dbapi_connection
    return adapted if isinstance(adapted, InPlaceConnection) else None


def dbapi() -> InPlaceDBAPI:
    import aiosqlite

    return InPlaceDBAPI(aiosqlite, sqlite3)
