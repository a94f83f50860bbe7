"""The event log's per-turn statements in SQLite's own SQL, run on the in-place connection.

Every bot turn stores the buyer's message (a sequence number, the conversation on first contact,
the message, what the turn needs to know) and the answer (the message marked answered, a
sequence number, the reply): about eight statements. Through SQLAlchemy's execution they cost
about 1.0 ms of the gateway's CPU per turn, three quarters of it SQLAlchemy's own machinery;
run directly they cost 0.4 ms (bench/gateway_turns.py and docs/scale-out.md have the figures).

These are the same statements as the SQLAlchemy ones in `events` and `transcript` (which
PostgreSQL and any other database keep using), with the values converted by the column types'
own SQLAlchemy processors, so what is stored is byte for byte what SQLAlchemy would store.
`tests/conversations/test_sqlite_log.py` runs one script of turns both ways and compares every
column of every row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import TypeEngine

from bot.storage.models import Conversation, Message, utcnow
from bot.storage.sqlite_driver import InPlaceConnection, in_place

_TAKE_SEQ = (
    "UPDATE conversations SET last_seq = last_seq + 1, updated_at = ? WHERE id = ?{status}{holder}"
    " RETURNING last_seq"
)
_INSERT_CONVERSATION = (
    "INSERT INTO conversations (id, channel, owner, status, last_seq, language, language_chosen,"
    " blocked, created_at, updated_at) VALUES (?, ?, 'bot', 'bot', 1, 'en', ?, ?, ?, ?)"
)
_MESSAGE_COLUMNS = (
    "conversation_id",
    "direction",
    "sender",
    "channel",
    "text",
    "payload",
    "status",
    "external_id",
    "created_at",
    "seq",
    "kind",
    "agent_id",
    "client_id",
    "delivery",
    "in_reply_to",
)
_INSERT_MESSAGE = (
    f"INSERT INTO messages ({', '.join(_MESSAGE_COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in _MESSAGE_COLUMNS)})"
)


_TURN_CONTEXT = (
    "SELECT status, language,"
    " (SELECT count(id) FROM messages"
    "  WHERE conversation_id = ? AND direction = 'in' AND id < ?),"
    " language_chosen,"
    " EXISTS (SELECT id FROM messages WHERE conversation_id = ? AND direction = 'in'"
    "  AND status IN ({held}) AND id < ?)"
    " FROM conversations WHERE id = ?"
)
_MARK_ANSWERED = (
    "UPDATE messages SET status = 'processed', error = NULL WHERE id = ? AND status != 'processed'"
)

Processor = Callable[[Any], Any]


def _processor(column_type: TypeEngine[Any], dialect: Dialect) -> Processor | None:
    processor: Processor | None = column_type.dialect_impl(dialect).bind_processor(dialect)
    return processor


class _Binds:
    """The column types' SQLAlchemy bind processors for one dialect (None: stored as is)."""

    def __init__(self, dialect: Dialect) -> None:
        # As SQLAlchemy does: the dialect's own implementation of each type converts.
        self.timestamp = _processor(Conversation.updated_at.type, dialect)
        self.boolean = _processor(Conversation.blocked.type, dialect)
        self.json = _processor(Message.payload.type, dialect)

    @staticmethod
    def apply(processor: Processor | None, value: Any) -> Any:
        return value if processor is None else processor(value)


# One engine, one dialect: the processors are built once per engine.
_binds: dict[Dialect, _Binds] = {}


def on(connection: AsyncConnection) -> SqliteLog | None:
    """The fast statements for `connection` when it is an in-place SQLite connection (an
    engine from `bot.storage.db.make_engine` on a SQLite file); None otherwise."""
    raw = in_place(connection)
    if raw is None:
        return None
    dialect = connection.dialect
    binds = _binds.get(dialect)
    if binds is None:
        binds = _binds[dialect] = _Binds(dialect)
    return SqliteLog(raw, binds)


class SqliteLog:
    def __init__(self, connection: InPlaceConnection, binds: _Binds) -> None:
        self._connection = connection
        self._binds = binds

    async def take_seq(
        self,
        conversation_id: str,
        now: datetime,
        *,
        statuses: Sequence[str] | None = None,
        holder: int | None = None,
    ) -> int | None:
        """`events._take_seq`: bump last_seq under the conditions; the new value or None."""
        binds = self._binds
        params: list[Any] = [binds.apply(binds.timestamp, now), conversation_id]
        status_sql = holder_sql = ""
        if statuses is not None:
            status_sql = f" AND status IN ({', '.join('?' for _ in statuses)})"
            params.extend(statuses)
        if holder is not None:
            holder_sql = " AND assigned_agent_id = ?"
            params.append(holder)
        sql = _TAKE_SEQ.format(status=status_sql, holder=holder_sql)
        outcome = await self._connection.run(sql, params)
        return int(outcome.rows[0][0]) if outcome.rows else None

    async def insert_conversation(self, conversation_id: str, channel: str) -> None:
        """A new conversation owned by the bot, with sequence number 1 taken."""
        binds = self._binds
        false = binds.apply(binds.boolean, False)
        created, updated = (binds.apply(binds.timestamp, utcnow()) for _ in range(2))
        await self._connection.run(
            _INSERT_CONVERSATION, (conversation_id, channel, false, false, created, updated)
        )

    async def insert_message(self, values: dict[str, Any]) -> int:
        """Store one message row (`events.append`'s values); its id."""
        binds = self._binds
        row = dict(values)
        row["payload"] = binds.apply(binds.json, row["payload"])
        row["created_at"] = binds.apply(binds.timestamp, row["created_at"])
        outcome = await self._connection.run(
            _INSERT_MESSAGE, [row[column] for column in _MESSAGE_COLUMNS]
        )
        assert outcome.lastrowid is not None  # an INSERT into a rowid table always has one
        return outcome.lastrowid

    async def turn_context(
        self, conversation_id: str, before: int, held: Sequence[str]
    ) -> tuple[Any, ...] | None:
        """`transcript.turn_context`'s row: status, language, count_inbound, language_chosen,
        held_before (None for a conversation not stored yet)."""
        sql = _TURN_CONTEXT.format(held=", ".join("?" for _ in held))
        params = (conversation_id, before, conversation_id, *held, before, conversation_id)
        outcome = await self._connection.run(sql, params)
        return tuple(outcome.rows[0]) if outcome.rows else None

    async def mark_answered(self, message_id: int) -> bool:
        """`transcript.mark_answered`: False when the message was answered already."""
        return (await self._connection.run(_MARK_ANSWERED, (message_id,))).rowcount == 1
