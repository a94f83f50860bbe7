"""The event log's writes: the rows they store, the sequence numbers they take, the status and
holder conditions, and the session's own pending objects written first."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bot.conversations import events, transcript
from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade
from bot.storage.models import Agent, Conversation, Message

AT = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "gateway.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
async def sessions(db_path: Path) -> AsyncIterator[sessionmaker]:
    engine = make_engine(f"sqlite+aiosqlite:///{db_path}")
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture(params=["sqlite", "sqlite-without-returning", "postgresql"])
async def any_sessions(
    request: pytest.FixtureRequest, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[sessionmaker]:
    """SQLite (with RETURNING, and as an SQLite older than 3.35 would run), PostgreSQL."""
    if request.param == "postgresql":
        from tests.support.postgres import fresh_database

        with fresh_database() as url:
            upgrade(url)
            engine = make_engine(url)
            yield make_sessionmaker(engine)
            await engine.dispose()
        return
    if request.param == "sqlite-without-returning":
        monkeypatch.setattr(events, "_SQLITE_RETURNING", False)
    engine = make_engine(f"sqlite+aiosqlite:///{db_path}")
    yield make_sessionmaker(engine)
    await engine.dispose()


def raw_rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


async def test_an_event_is_stored_and_returned_as_the_row_it_is(
    sessions: sessionmaker, db_path: Path
) -> None:
    buttons = {"buttons": [{"title": "Ja, bitte", "payload": "/affirm"}]}
    async with sessions() as session, session.begin():
        inbound = await transcript.record_inbound("api:e1", "api", "hi", session=session)
        reply = await events.append(
            "api:e1",
            session=session,
            channel="api",
            sender="bot",
            text="Möchten Sie Updates?",
            payload=buttons,
            delivery="sent",
            statuses=events.BOT_STATUSES,
            in_reply_to=inbound.id,
            at=AT,
        )
        note = await events.append(
            "api:e1", session=session, channel="console", sender="agent", text="n", kind="note"
        )
    assert raw_rows(
        db_path,
        "select id, direction, sender, text, payload, status, seq, kind, delivery, in_reply_to,"
        " error, delivery_error from messages order by id",
    ) == [
        (1, "in", "buyer", "hi", "null", "received", 1, "message", None, None, None, None),
        (
            2,
            "out",
            "bot",
            "Möchten Sie Updates?",
            '{"buttons": [{"title": "Ja, bitte", "payload": "/affirm"}]}',
            "sent",
            2,
            "message",
            "sent",
            1,
            None,
            None,
        ),
        (3, "out", "agent", "n", "null", "sent", 3, "note", None, None, None, None),
    ]
    assert raw_rows(db_path, "select id, channel, owner, status, last_seq from conversations") == [
        ("api:e1", "api", "bot", "bot", 3)
    ]
    columns = [c.key for c in Message.__table__.columns]
    async with sessions() as session:
        for returned in (inbound, reply, note):
            stored = await session.get(Message, returned.id)
            assert {c: getattr(returned, c) for c in columns if c != "created_at"} == {
                c: getattr(stored, c) for c in columns if c != "created_at"
            }
    assert reply.created_at == AT


async def test_an_event_is_refused_outside_the_statuses_or_for_another_holder(
    any_sessions: sessionmaker,
) -> None:
    sessions = any_sessions
    async with sessions() as session, session.begin():
        session.add(Agent(name="Ana"))
        await transcript.record_inbound("api:e2", "api", "hi", session=session)
        conversation = await session.get(Conversation, "api:e2")
        conversation.status, conversation.assigned_agent_id = "open", 1

    async def append(**conditions: object) -> int:
        async with sessions() as session, session.begin():
            message = await events.append(
                "api:e2", session=session, channel="api", sender="agent", text="x", **conditions
            )
            return int(message.seq)

    for refused in (
        {"statuses": events.BOT_STATUSES},
        {"statuses": ()},
        {"statuses": ("open",), "holder": 2},
    ):
        with pytest.raises(events.NotOwner):
            await append(**refused)
    assert await append(statuses=("open",), holder=1) == 2
    assert await append(statuses=("pending", "open")) == 3
    assert await append() == 4
    async with sessions() as session:
        assert (await session.get(Conversation, "api:e2")).last_seq == 4


async def test_what_the_session_holds_is_written_before_the_event(
    any_sessions: sessionmaker,
) -> None:
    """A conversation added (not flushed) in the same session exists for the event, and a
    status changed in the session counts for the status condition."""
    async with any_sessions() as session, session.begin():
        session.add(Conversation(id="web:e3", channel="web", owner="bot", status="bot"))
        first = await events.append(
            "web:e3", session=session, channel="web", sender="bot", text="hello"
        )
        conversation = await session.get(Conversation, "web:e3")
        conversation.status = "pending"
        with pytest.raises(events.NotOwner):
            await events.append(
                "web:e3",
                session=session,
                channel="web",
                sender="bot",
                text="late",
                statuses=events.BOT_STATUSES,
            )
    assert first.seq == 1
