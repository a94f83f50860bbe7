"""The conversation event log: every stored item gets the next per-conversation sequence number.

Clients (widget tabs, the console, API pollers) read `after(seq)` to catch up and then follow
live wake-ups from the bus; the database is the truth, so a reconnect never loses or repeats.

Sequence numbers are allocated with one conditional `UPDATE conversations SET last_seq =
last_seq + 1 WHERE ...`: the row lock (PostgreSQL) or the write lock (SQLite) serialises
writers, and the optional status condition makes "store this bot reply only while the bot
still owns the conversation" one atomic step.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import sessionmaker

from bot.conversations import sqlite_log
from bot.storage.models import Agent, Conversation, Message, utcnow

# Statuses in which the bot answers the buyer.
BOT_STATUSES = ("bot", "resolved")
# Kinds a buyer may read; notes and status records are for staff.
BUYER_KINDS = ("message",)


class NotOwner(Exception):
    """The conversation is not in a status that allows this event (e.g. a bot reply after an
    agent claimed the conversation); nothing was stored."""


async def ensure_conversation(
    conversation_id: str,
    channel: str,
    *,
    session: AsyncSession,
    external_id: str | None = None,
) -> Conversation:
    """Return the conversation, creating it on first contact."""
    conversation: Conversation | None = await session.get(Conversation, conversation_id)
    if conversation is None:
        conversation = Conversation(
            id=conversation_id,
            channel=channel,
            external_id=external_id,
            owner="bot",
            status="bot",
            last_seq=0,
        )
        session.add(conversation)
        await session.flush()
    return conversation


# The event log's statements, built once: SQLAlchemy then only binds the values. Building them
# on every call, and storing each event through the ORM unit of work, was about half of the
# gateway's database CPU per turn (py-spy). They run on the session's connection, in the
# session's transaction, after flushing what the session holds (as its autoflush would).
def _take_seq_statement(by_status: bool, by_holder: bool) -> Any:
    statement = (
        update(Conversation)
        .where(Conversation.id == bindparam("conversation_id"))
        .values(
            last_seq=Conversation.last_seq + 1,
            updated_at=bindparam("now", type_=Conversation.updated_at.type),
        )
    )
    if by_status:
        statement = statement.where(Conversation.status.in_(bindparam("statuses", expanding=True)))
    if by_holder:
        statement = statement.where(Conversation.assigned_agent_id == bindparam("holder"))
    return statement


def _take_seq_sqlite(by_status: bool, by_holder: bool) -> Any:
    """The same UPDATE with SQLite's RETURNING (3.35+), which SQLAlchemy 1.4 cannot compile
    for SQLite: the number comes back without a second statement."""
    sql = (
        "UPDATE conversations SET last_seq = last_seq + 1, updated_at = :now"
        " WHERE id = :conversation_id"
    )
    params = [bindparam("now", type_=Conversation.updated_at.type)]
    if by_status:
        sql += " AND status IN :statuses"
        params.append(bindparam("statuses", expanding=True))
    if by_holder:
        sql += " AND assigned_agent_id = :holder"
    return text(sql + " RETURNING last_seq").bindparams(*params)


_COMBINATIONS = [(s, h) for s in (False, True) for h in (False, True)]
_TAKE_SEQ = {key: _take_seq_statement(*key) for key in _COMBINATIONS}
_TAKE_SEQ_RETURNING = {
    "postgresql": {
        key: _take_seq_statement(*key).returning(Conversation.last_seq) for key in _COMBINATIONS
    },
    "sqlite": {key: _take_seq_sqlite(*key) for key in _COMBINATIONS},
}
_READ_SEQ = select(Conversation.last_seq).where(Conversation.id == bindparam("conversation_id"))
_SQLITE_RETURNING = sqlite3.sqlite_version_info >= (3, 35)


async def _take_seq(
    connection: AsyncConnection, params: dict[str, Any], by_status: bool, by_holder: bool
) -> int | None:
    """Bump the conversation's last_seq (under the statement's conditions); the new value, or
    None when no conversation matched. One statement where the database has RETURNING."""
    name = connection.dialect.name
    fast = sqlite_log.on(connection) if _SQLITE_RETURNING else None
    if fast is not None:
        return await fast.take_seq(
            params["conversation_id"],
            params["now"],
            statuses=params.get("statuses") if by_status else None,
            holder=params.get("holder") if by_holder else None,
        )
    if name == "postgresql" or (name == "sqlite" and _SQLITE_RETURNING):
        statement = _TAKE_SEQ_RETURNING[name][by_status, by_holder]
        seq = (await connection.execute(statement, params)).scalar()
        return None if seq is None else int(seq)
    if (await connection.execute(_TAKE_SEQ[by_status, by_holder], params)).rowcount != 1:
        return None
    return int(await connection.scalar(_READ_SEQ, {"conversation_id": params["conversation_id"]}))


_INSERT_CONVERSATION = insert(Conversation)
_INSERT_MESSAGE = insert(Message)


# What the event log's statements run in: a session's transaction, or a connection's (the
# router's per-turn transactions, which need no ORM objects and so no session).
Db: TypeAlias = "AsyncSession | AsyncConnection"


@contextlib.asynccontextmanager
async def transaction(sessions: sessionmaker, *, orm: bool = False) -> AsyncIterator[Db]:
    """One transaction for a turn's statements. A plain connection unless `orm` (a channel's
    claim works with ORM objects): an ORM session costs twice a connection's CPU to open and
    commit (73 against 37 us back to back, several times that when the turn's first work
    after waiting for Rasa), and the turn's statements need none of it."""
    if orm:
        async with sessions() as session, session.begin():
            yield session
    else:
        async with sessions.kw["bind"].begin() as connection:
            yield connection


async def connection_of(session: Db) -> AsyncConnection:
    """The connection (its transaction) of `session`; a session's pending objects are flushed
    first, as the session's own autoflush would before a statement."""
    if isinstance(session, AsyncConnection):
        return session
    if session.new or session.dirty or session.deleted:
        await session.flush()
    return await session.connection()


async def next_inbound_seq(conversation_id: str, channel: str, *, session: Db) -> int:
    """Take the conversation's next sequence number for a buyer message; on first contact the
    conversation is created (and the number is 1). The same as `ensure_conversation` +
    `next_seq` in one or two statements instead of four (existing: UPDATE ... RETURNING; new:
    an UPDATE that finds no row, INSERT)."""
    connection = await connection_of(session)
    params = {"conversation_id": conversation_id, "now": utcnow()}
    seq = await _take_seq(connection, params, False, False)
    if seq is not None:
        return seq
    fast = sqlite_log.on(connection)
    if fast is not None:
        await fast.insert_conversation(conversation_id, channel)
        return 1
    await connection.execute(
        _INSERT_CONVERSATION,
        {"id": conversation_id, "channel": channel, "owner": "bot", "status": "bot", "last_seq": 1},
    )
    return 1


async def next_seq(
    conversation_id: str,
    *,
    session: Db,
    statuses: Iterable[str] | None = None,
    holder: int | None = None,
) -> int:
    """Allocate the conversation's next sequence number. With `statuses`, only while the
    conversation is in one of them (and, with `holder`, assigned to that agent); otherwise
    `NotOwner` and nothing changes."""
    params: dict[str, Any] = {"conversation_id": conversation_id, "now": utcnow()}
    if statuses is not None:
        params["statuses"] = list(statuses)
    if holder is not None:
        params["holder"] = holder
    connection = await connection_of(session)
    seq = await _take_seq(connection, params, statuses is not None, holder is not None)
    if seq is None:
        raise NotOwner(conversation_id)
    return seq


async def append(
    conversation_id: str,
    *,
    session: Db,
    channel: str,
    sender: str,
    text: str,
    kind: str = "message",
    direction: str = "out",
    payload: dict[str, Any] | None = None,
    status: str = "sent",
    agent_id: int | None = None,
    client_id: str | None = None,
    external_id: str | None = None,
    delivery: str | None = None,
    statuses: Iterable[str] | None = None,
    holder: int | None = None,
    at: datetime | None = None,
    in_reply_to: int | None = None,
    seq: int | None = None,
) -> Message:
    """Store one event with the next sequence number (see `next_seq` for `statuses`), or with
    `seq` when the caller has taken it already (`next_inbound_seq`). Returns the stored row
    as a `Message` (not attached to the session: `session.get` reads it back)."""
    if seq is None:
        seq = await next_seq(conversation_id, session=session, statuses=statuses, holder=holder)
    values = {
        "conversation_id": conversation_id,
        "direction": direction,
        "sender": sender,
        "channel": channel,
        "text": text,
        "payload": payload,
        "status": status,
        "kind": kind,
        "seq": seq,
        "agent_id": agent_id,
        "client_id": client_id,
        "external_id": external_id,
        "delivery": delivery,
        "in_reply_to": in_reply_to,
        "created_at": at or utcnow(),
    }
    connection = await connection_of(session)
    fast = sqlite_log.on(connection)
    if fast is not None:
        message_id = await fast.insert_message(values)
    else:
        message_id = (await connection.execute(_INSERT_MESSAGE, values)).inserted_primary_key[0]
    return Message(id=message_id, error=None, delivery_error=None, **values)


async def seq_of_client_id(conversation_id: str, client_id: str, *, session: Db) -> int | None:
    """The sequence number of the buyer message stored earlier under this client message id,
    if any."""
    connection = await connection_of(session)
    seq = await connection.scalar(_SEQ_OF_CLIENT_ID, {"c": conversation_id, "client": client_id})
    return None if seq is None else int(seq)


_SEQ_OF_CLIENT_ID = select(Message.seq).where(
    Message.conversation_id == bindparam("c"), Message.client_id == bindparam("client")
)


async def after(
    conversation_id: str,
    seq: int,
    *,
    session: AsyncSession,
    kinds: Iterable[str] | None = None,
    limit: int = 500,
) -> list[tuple[Message, str | None]]:
    """Events with a sequence number above `seq`, oldest first, each with its agent's name."""
    statement = (
        select(Message, Agent.name)
        .outerjoin(Agent, Agent.id == Message.agent_id)
        .where(
            Message.conversation_id == conversation_id,
            Message.seq.is_not(None),
            Message.seq > seq,
        )
        .order_by(Message.seq)
        .limit(limit)
    )
    if kinds is not None:
        statement = statement.where(Message.kind.in_(tuple(kinds)))
    result = await session.execute(statement)
    return [(row[0], row[1]) for row in result.all()]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_dict(
    message: Message, agent_name: str | None = None, *, staff: bool = False
) -> dict[str, Any]:
    """The event as clients see it. `staff` adds what only the console may read."""
    payload = message.payload if isinstance(message.payload, dict) else {}
    data: dict[str, Any] = {
        "seq": message.seq,
        "kind": message.kind,
        "sender": message.sender,
        "text": message.text,
        "buttons": list(payload.get("buttons") or []),
        "created_at": _iso(message.created_at),
    }
    if message.sender == "agent" and agent_name:
        data["agent"] = agent_name
    if message.client_id:
        data["client_id"] = message.client_id
    if message.direction == "out":
        data["delivery"] = message.delivery
    if staff:
        data["status"] = message.status
        if message.delivery_error:
            data["delivery_error"] = message.delivery_error
        if payload.get("custom"):
            data["custom"] = payload["custom"]
    return data


async def set_delivery(
    message_ids: Iterable[int], delivery: str, *, session: AsyncSession, error: str | None = None
) -> None:
    """Record how far outbound messages got. `delivered` is never downgraded to `sent`."""
    ids = list(message_ids)
    if not ids:
        return
    statement = (
        update(Message)
        .where(Message.id.in_(ids))
        .values(delivery=delivery, delivery_error=error)
        .execution_options(synchronize_session=False)
    )
    if delivery == "sent":
        statement = statement.where(
            (Message.delivery.is_(None)) | (Message.delivery != "delivered")
        )
    await session.execute(statement)
