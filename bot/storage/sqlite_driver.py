"""SQLAlchemy's aiosqlite adapter with one thread round trip per statement instead of four.

aiosqlite runs each SQLite call on its own worker thread. SQLAlchemy 1.4's adapter makes four
calls per statement (cursor, execute, fetchall, close), each a hand-off to that thread and back;
a profile of the gateway (py-spy --gil) put most of its CPU per turn there. This cursor does the
same four calls in one function on the worker thread. Results, errors and transactions are
SQLAlchemy's: only non-server-side cursors change; `make_engine` passes `dbapi()` as the
engine's DBAPI module for SQLite files.

`tests/storage/test_sqlite_driver.py` fails when SQLAlchemy's adapter changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.sqlite import aiosqlite as sa_aiosqlite
from sqlalchemy.util.concurrency import await_only

# sha256 of inspect.getsource(AsyncAdapt_aiosqlite_cursor.execute) / (...dbapi.connect) in
# SQLAlchemy 1.4.54; the guard test compares them.
UPSTREAM_SOURCE_SHA256 = {
    "AsyncAdapt_aiosqlite_cursor.execute": (
        "6db1e6a63fd0d81f7428909bd761017d24bb98722c0885a826f6d764ce3cf46f"
    ),
    "AsyncAdapt_aiosqlite_dbapi.connect": (
        "1ca50893899988afc6d9dde603e861069788f4e7cf5aec98f6d22402e07d2e23"
    ),
}


class OneTripCursor(sa_aiosqlite.AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def execute(self, operation: str, parameters: Any = None) -> None:
        connection = self._connection  # the aiosqlite.Connection

        def run() -> tuple[Any, Any, int, int]:
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
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> Any:
        if server_side:
            return sa_aiosqlite.AsyncAdapt_aiosqlite_ss_cursor(self)
        return OneTripCursor(self)


class OneTripDBAPI(sa_aiosqlite.AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        kw.pop("async_fallback", None)  # the gateway is always async
        # As in SQLAlchemy: every call goes through the one worker thread.
        kw["check_same_thread"] = False
        connection = self.aiosqlite.connect(*arg, **kw)
        connection.daemon = True
        return OneTripConnection(self, await_only(connection))


def dbapi() -> OneTripDBAPI:
    import sqlite3

    import aiosqlite

    return OneTripDBAPI(aiosqlite, sqlite3)
