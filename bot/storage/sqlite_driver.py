"""SQLAlchemy's aiosqlite adapter with one thread round trip per statement instead of four.

aiosqlite runs each SQLite call on its own worker thread. SQLAlchemy 1.4's adapter makes four
calls per statement (cursor, execute, fetchall, close), each a hand-off to that thread and back;
a profile of the gateway (py-spy --gil) put most of its CPU per turn there. This cursor does the
same four calls in one function on the worker thread. Results, errors and transactions are
SQLAlchemy's: only non-server-side cursors change; `make_engine` passes `dbapi()` as the
engine's DBAPI module for SQLite files.

Waiting for another process's write lock happens here too, in short polls, instead of in
SQLite's busy handler: that one sleeps 1, 2, 5, 10, 15, 20, 25 ms... between tries, so a
transaction went on waiting long after the lock was free (the gateway and the action server
both write this file: the action server's shipment-cache write waited 7.1 ms on average
under bench/turns.py load, 2.2 ms with polling; the gateway's own transactions also queue on
an asyncio lock, bot.storage.db.write_turn). A statement that starts a transaction and finds
the lock taken is tried again every 0.2 ms until the engine's `timeout` (seconds); inside a
transaction that already writes, SQLite never reports the lock busy, and a busy error there is
raised at once, as SQLite's handler would.

`tests/storage/test_sqlite_driver.py` fails when SQLAlchemy's adapter changes.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.dialects.sqlite import aiosqlite as sa_aiosqlite
from sqlalchemy.util.concurrency import await_only

T = TypeVar("T")

# sha256 of inspect.getsource(...) of the SQLAlchemy 1.4.54 methods these classes replace;
# the guard test compares them.
UPSTREAM_SOURCE_SHA256 = {
    "AsyncAdapt_aiosqlite_cursor.execute": (
        "6db1e6a63fd0d81f7428909bd761017d24bb98722c0885a826f6d764ce3cf46f"
    ),
    "AsyncAdapt_aiosqlite_dbapi.connect": (
        "1ca50893899988afc6d9dde603e861069788f4e7cf5aec98f6d22402e07d2e23"
    ),
    "AsyncAdapt_aiosqlite_connection.commit": (
        "31b08593c025b8574821b6fdbd4523301248562564da9444b66d9c75232e0bd7"
    ),
}


# How often a statement waiting for the write lock tries again (seconds).
LOCK_POLL = 0.0002
# The wait when the engine gives no `timeout` (sqlite3's own default).
DEFAULT_LOCK_WAIT = 5.0


def _locked(error: Exception) -> bool:
    return isinstance(error, sqlite3.OperationalError) and str(error).startswith(
        "database is locked"
    )


def waiting_for_the_lock(conn: sqlite3.Connection, wait: float, attempt: Callable[[], T]) -> T:
    """`attempt()`, tried again every LOCK_POLL seconds for up to `wait` seconds while the
    database is locked by another connection. Runs on the connection's worker thread."""
    if conn.in_transaction:  # this transaction writes already: busy cannot mean "wait"
        return attempt()
    deadline = time.monotonic() + wait
    while True:
        try:
            return attempt()
        except sqlite3.OperationalError as error:
            if not _locked(error) or time.monotonic() >= deadline:
                raise
        time.sleep(LOCK_POLL)


class OneTripCursor(sa_aiosqlite.AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def execute(self, operation: str, parameters: Any = None) -> None:
        connection = self._connection  # the aiosqlite.Connection
        wait = getattr(self._adapt_connection, "lock_wait", DEFAULT_LOCK_WAIT)

        def once() -> tuple[Any, Any, int, int]:
            cursor = connection._conn.cursor()
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

        def run() -> tuple[Any, Any, int, int]:
            return waiting_for_the_lock(connection._conn, wait, once)

        try:
            description, rows, lastrowid, rowcount = self.await_(connection._execute(run))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
            raise  # _handle_exception always raises
        self.description = description  # type: ignore[misc]  # slot of the SQLAlchemy base (untyped)
        self.lastrowid = lastrowid  # type: ignore[misc]  # slot of the SQLAlchemy base (untyped)
        self.rowcount = rowcount  # type: ignore[misc]  # slot of the SQLAlchemy base (untyped)
        if rows is not None:
            self._rows = rows  # type: ignore[misc]  # slot of the SQLAlchemy base (untyped)


class OneTripConnection(sa_aiosqlite.AsyncAdapt_aiosqlite_connection):
    __slots__ = ("lock_wait",)

    def cursor(self, server_side: bool = False) -> Any:
        if server_side:
            return sa_aiosqlite.AsyncAdapt_aiosqlite_ss_cursor(self)
        return OneTripCursor(self)

    def commit(self) -> None:
        # In WAL mode a commit never waits; in a rollback journal it waits for readers.
        conn = self._connection._conn

        def run() -> None:
            deadline = time.monotonic() + self.lock_wait
            while True:
                try:
                    return conn.commit()
                except sqlite3.OperationalError as error:
                    if not _locked(error) or time.monotonic() >= deadline:
                        raise
                time.sleep(LOCK_POLL)

        try:
            self.await_(self._connection._execute(run))
        except Exception as error:
            self._handle_exception(error)


class OneTripDBAPI(sa_aiosqlite.AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        kw.pop("async_fallback", None)  # the gateway is always async
        # As in SQLAlchemy: every call goes through the one worker thread.
        kw["check_same_thread"] = False
        # The driver waits for the lock (above); SQLite's own handler would sleep instead.
        wait = float(kw.pop("timeout", DEFAULT_LOCK_WAIT))
        kw["timeout"] = 0
        connection = self.aiosqlite.connect(*arg, **kw)
        connection.daemon = True
        adapted = OneTripConnection(self, await_only(connection))
        adapted.lock_wait = wait
        return adapted


def dbapi() -> OneTripDBAPI:
    import sqlite3

    import aiosqlite

    return OneTripDBAPI(aiosqlite, sqlite3)
