"""Patches 3 and 4 of `bot.rasa_patches` (see its docstring): Rasa's SQL tracker store with
pooled SQLite connections in WAL mode, and its save/retrieve as Core statements built once.
`bot.rasa_patches.apply()` installs them with the others."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import Any

# --- 3. SQLite tracker store ---------------------------------------------------------------


def pooled_sqlite_kwargs(original: Callable[[Any], dict[str, Any]]) -> Callable[..., Any]:
    @functools.wraps(original)
    def create_engine_kwargs(url: Any) -> dict[str, Any]:
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import QueuePool

        kwargs = dict(original(url))
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            kwargs["poolclass"] = QueuePool
            # Rasa uses the tracker store from its event loop thread; the pool hands each
            # connection to one user at a time.
            kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "check_same_thread": False}
        return kwargs

    create_engine_kwargs.parceldesk_patched = True  # type: ignore[attr-defined]  # marker the tests check
    return create_engine_kwargs


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


# --- 4. SQL tracker store queries ----------------------------------------------------------


class EventStatements:
    """`SQLTrackerStore._event_query` as Core statements, built once per events table: the
    events of one sender (all, or those of its latest session) and their count."""

    def __init__(self, table: Any) -> None:
        import sqlalchemy as sa
        from rasa.shared.core.events import SessionStarted

        sender = sa.bindparam("sender_id")
        mine = table.c.sender_id == sender
        session_start = (
            sa.select(sa.func.max(table.c.timestamp))
            .where(mine, table.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        # Events after the latest SessionStarted, or all when there is none (as Rasa's query).
        latest = sa.or_(table.c.timestamp >= session_start, session_start.is_(None))
        self.count_latest = sa.select(sa.func.count()).select_from(table).where(mine, latest)
        self.data_latest = sa.select(table.c.data).where(mine, latest).order_by(table.c.id)
        self.data_all = sa.select(table.c.data).where(mine).order_by(table.c.id)
        self.insert = table.insert()


@functools.cache
def event_statements(table: Any) -> EventStatements:
    return EventStatements(table)


def event_row(sender_id: str, event: Any) -> dict[str, Any]:
    """The events-table row Rasa's `save` writes for one event."""
    from rasa.core import tracker_store
    from rasa.shared.nlu.constants import INTENT_NAME_KEY

    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": tracker_store.json.dumps(data),
    }


def fast_save(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    async def save(self: Any, tracker: Any) -> None:
        import itertools

        await self.stream_events(tracker)
        if not tracker.events:  # Rasa would count the stored events, then add none
            return
        statements = event_statements(self.SQLEvent.__table__)
        with self.session_scope() as session:
            connection = session.connection()
            stored = connection.execute(
                statements.count_latest, {"sender_id": tracker.sender_id}
            ).scalar()
            new = itertools.islice(tracker.events, stored, len(tracker.events))
            rows = [event_row(tracker.sender_id, event) for event in new]
            if rows:
                connection.execute(statements.insert, rows)
            session.commit()

    save.parceldesk_patched = True  # type: ignore[attr-defined]  # marker the tests check
    return save


def fast_retrieve(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    async def _retrieve(self: Any, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        from rasa.core import tracker_store
        from rasa.shared.core.trackers import DialogueStateTracker

        statements = event_statements(self.SQLEvent.__table__)
        query = statements.data_all if fetch_events_from_all_sessions else statements.data_latest
        with self.session_scope() as session:
            rows = session.connection().execute(query, {"sender_id": sender_id}).scalars().all()
            events = [tracker_store.json.loads(data) for data in rows]
            if self.domain and len(events) > 0:
                return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
            return None

    _retrieve.parceldesk_patched = True  # type: ignore[attr-defined]  # marker the tests check
    return _retrieve
