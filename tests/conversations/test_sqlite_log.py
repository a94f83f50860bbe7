"""The event log's fast SQLite statements store exactly what SQLAlchemy's statements store.

One script of turns runs on two SQLite files: one through `make_engine` (the in-place driver,
so `events` and `transcript` take `sqlite_log`'s statements) and one through SQLAlchemy's stock
aiosqlite engine (their SQLAlchemy statements). Every answer and every column of every row
must match; timestamps, which differ by the microsecond, must have the same stored form."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.conversations import events, sqlite_log, transcript
from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade
from bot.storage.models import Agent, Conversation, Message

STORED_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")
TIMESTAMPS = {"created_at", "updated_at", "pending_since", "processed_at"}


async def _script(engine: AsyncEngine) -> list[Any]:
    """Turns as the router and the desk make them; what each call answered."""
    sessionmaker = make_sessionmaker(engine)
    seen: list[Any] = []
    async with sessionmaker() as session, session.begin():
        connection = await session.connection()
        seen.append(("fast", sqlite_log.on(connection) is not None))
        first = await transcript.record_inbound(
            "conv-a", "api", "wo ist mein Paket? 📦 RR123456785CN", session=session, client_id="c1"
        )
        seen.append(("inbound", first.id, first.seq, first.status, first.payload))
        context = await transcript.turn_context("conv-a", before=first.id, session=session)
        seen.append(("context", context))
    async with sessionmaker() as session, session.begin():
        seen.append(("answered", await transcript.mark_answered(first.id, session=session)))
        seen.append(("again", await transcript.mark_answered(first.id, session=session)))
        reply = await events.append(
            "conv-a",
            session=session,
            channel="api",
            sender="bot",
            text="In transit.",
            payload={"buttons": [{"title": "Talk to a person", "payload": "/request_human"}]},
            delivery="sent",
            statuses=events.BOT_STATUSES,
            in_reply_to=first.id,
        )
        plain = await events.append(
            "conv-a", session=session, channel="api", sender="system", text="x" * 3000
        )
        seen.append(("replies", reply.id, reply.seq, plain.id, plain.seq, plain.payload))
    async with sessionmaker() as session, session.begin():
        second = await transcript.record_inbound("conv-a", "api", "and now?", session=session)
        await transcript.set_message_status(second.id, "held", session=session, error="down")
        third = await transcript.record_inbound("conv-a", "api", "hello??", session=session)
        context = await transcript.turn_context("conv-a", before=third.id, session=session)
        seen.append(("held", second.seq, third.seq, context))
        unknown = await transcript.turn_context("conv-none", before=third.id, session=session)
        seen.append(("unknown", unknown))
    async with sessionmaker() as session, session.begin():
        with pytest.raises(events.NotOwner):
            await events.next_seq("conv-a", session=session, statuses=("open",))
        with pytest.raises(events.NotOwner):
            await events.next_seq("conv-none", session=session)
    async with sessionmaker() as session, session.begin():
        agent = Agent(name="Ana")
        session.add(agent)
        await session.flush()
        await session.execute(
            update(Conversation)
            .where(Conversation.id == "conv-a")
            .values(status="open", owner="human", assigned_agent_id=agent.id)
        )
        by_agent = await events.append(
            "conv-a",
            session=session,
            channel="api",
            sender="agent",
            text="Hi, Ana here.",
            agent_id=agent.id,
            statuses=("open",),
            holder=agent.id,
        )
        seen.append(("agent", by_agent.seq))
        with pytest.raises(events.NotOwner):
            await events.next_seq(
                "conv-a", session=session, statuses=("open",), holder=agent.id + 1
            )
        with pytest.raises(events.NotOwner):  # the bot may not answer while Ana holds it
            await events.append(
                "conv-a",
                session=session,
                channel="api",
                sender="bot",
                text="late",
                statuses=events.BOT_STATUSES,
            )
    async with sessionmaker() as session:  # SQLAlchemy reads the fast rows back as its own
        stored = await session.get(Message, reply.id)
        assert stored is not None
        seen.append(("read back", stored.payload, stored.created_at.tzinfo, stored.in_reply_to))
    return seen


def _rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        return {
            table: [dict(row) for row in connection.execute(f"SELECT * FROM {table} ORDER BY 1")]
            for table in ("conversations", "messages")
        }
    finally:
        connection.close()


async def test_the_fast_statements_store_what_sqlalchemy_stores(tmp_path: Path) -> None:
    fast_path, stock_path = tmp_path / "fast.db", tmp_path / "stock.db"
    for path in (fast_path, stock_path):
        upgrade(f"sqlite:///{path}")
    fast = make_engine(f"sqlite:///{fast_path}")
    stock = create_async_engine(f"sqlite+aiosqlite:///{stock_path}")
    try:
        fast_seen, stock_seen = await _script(fast), await _script(stock)
    finally:
        await fast.dispose()
        await stock.dispose()

    assert fast_seen[0] == ("fast", True) and stock_seen[0] == ("fast", False)
    assert fast_seen[1:] == stock_seen[1:]
    fast_rows, stock_rows = _rows(fast_path), _rows(stock_path)
    for table in ("conversations", "messages"):
        assert len(fast_rows[table]) == len(stock_rows[table]) > 0
        for ours, theirs in zip(fast_rows[table], stock_rows[table], strict=True):
            for column, value in theirs.items():
                if column in TIMESTAMPS and value is not None:
                    assert STORED_TIMESTAMP.match(value), (table, column, value)
                    assert STORED_TIMESTAMP.match(ours[column]), (table, column, ours[column])
                else:
                    assert ours[column] == value, (table, column)
