"""The router stores every message before processing and never lets a failure reach the buyer."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.conversations.rasa_client import RasaClient
from bot.conversations.replies import Inbound
from bot.conversations.router import APOLOGY, Router
from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade
from bot.storage.models import Conversation, Handoff, Message
from tests.support.ports import free_port
from tests.support.servers import serve


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade(url)
    return url


def fake_rasa(seen_in_db: list[str], database_url: str, replies: list[dict]) -> Starlette:
    """A stand-in for Rasa's REST channel that records whether the message was already stored."""
    import sqlite3

    async def webhook(request: Request) -> JSONResponse:
        body = await request.json()
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            rows = conn.execute(
                "select text, status from messages where conversation_id = ? and direction='in'",
                (body["sender"],),
            ).fetchall()
        seen_in_db.extend(f"{text}|{status}" for text, status in rows)
        return JSONResponse(replies)

    return Starlette(routes=[Route("/webhooks/rest/webhook", webhook, methods=["POST"])])


async def test_it_stores_the_message_before_rasa_sees_it_and_stores_the_reply(
    database_url: str,
) -> None:
    seen: list[str] = []
    replies = [
        {
            "recipient_id": "x",
            "text": "Hello!",
            "buttons": [{"title": "Track a parcel", "payload": "/track_parcel"}],
        }
    ]
    with serve(fake_rasa(seen, database_url, replies)) as url:
        engine = make_engine(database_url)
        sessions = make_sessionmaker(engine)
        async with httpx.AsyncClient() as http:
            router = Router(sessionmaker=sessions, rasa=RasaClient(http, url))
            out = await router.handle(Inbound(channel="api", conversation_id="api:c1", text="hi"))
        assert [r.text for r in out] == ["Hello!"]
        assert out[0].buttons[0].payload == "/track_parcel"
        assert seen == ["hi|received"]
        async with sessions() as session:
            rows = (await session.execute(select(Message).order_by(Message.id))).scalars().all()
        assert [(m.direction, m.text, m.status) for m in rows] == [
            ("in", "hi", "processed"),
            ("out", "Hello!", "sent"),
        ]
        assert rows[1].payload["buttons"][0]["title"] == "Track a parcel"
        await engine.dispose()


async def test_it_apologises_and_keeps_the_message_when_rasa_is_down(database_url: str) -> None:
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    async with httpx.AsyncClient() as http:
        dead = RasaClient(http, f"http://127.0.0.1:{free_port()}")
        router = Router(sessionmaker=sessions, rasa=dead)
        out = await router.handle(
            Inbound(channel="api", conversation_id="api:c2", text="where is RR123456785CN")
        )
    assert [r.text for r in out] == [APOLOGY]
    async with sessions() as session:
        inbound = (
            await session.execute(select(Message).where(Message.direction == "in"))
        ).scalar_one()
    assert inbound.text == "where is RR123456785CN"
    assert inbound.status == "failed"
    assert "unreachable" in (inbound.error or "")
    await engine.dispose()


async def test_a_handoff_marker_opens_one_handoff_request(database_url: str) -> None:
    seen: list[str] = []
    replies = [
        {
            "recipient_id": "x",
            "text": "I am passing you to a colleague.",
            "custom": {"handoff": {"reason": "request_human"}},
        }
    ]
    with serve(fake_rasa(seen, database_url, replies)) as url:
        engine = make_engine(database_url)
        sessions = make_sessionmaker(engine)
        async with httpx.AsyncClient() as http:
            router = Router(sessionmaker=sessions, rasa=RasaClient(http, url))
            for _ in range(2):
                await router.handle(Inbound(channel="web", conversation_id="web:h", text="human"))
        async with sessions() as session:
            handoffs = (await session.execute(select(Handoff))).scalars().all()
            conversation = await session.get(Conversation, "web:h")
        assert [(h.conversation_id, h.reason) for h in handoffs] == [("web:h", "request_human")]
        assert conversation is not None and conversation.channel == "web"
        await engine.dispose()


async def test_a_conversation_owned_by_a_human_does_not_reach_the_bot(database_url: str) -> None:
    seen: list[str] = []
    with serve(fake_rasa(seen, database_url, [{"text": "bot answer"}])) as url:
        engine = make_engine(database_url)
        sessions = make_sessionmaker(engine)
        async with sessions() as session, session.begin():
            session.add(Conversation(id="web:agent", channel="web", owner="human"))
        async with httpx.AsyncClient() as http:
            router = Router(sessionmaker=sessions, rasa=RasaClient(http, url))
            out = await router.handle(
                Inbound(channel="web", conversation_id="web:agent", text="are you there?")
            )
        assert out == []
        assert seen == []
        async with sessions() as session:
            stored = (await session.execute(select(Message.text))).scalars().all()
        assert stored == ["are you there?"]
        await engine.dispose()


def test_a_marker_only_message_is_folded_into_the_text_before_it() -> None:
    from bot.conversations.replies import Reply
    from bot.conversations.router import merge_markers

    merged = merge_markers(
        [
            Reply("I am passing you to a colleague."),
            Reply("", custom={"handoff": {"reason": "buyer_request"}}),
            Reply("Anything else?"),
        ]
    )
    assert [r.text for r in merged] == ["I am passing you to a colleague.", "Anything else?"]
    assert merged[0].custom == {"handoff": {"reason": "buyer_request"}}
    lone = merge_markers([Reply("", custom={"handoff": {}})])
    assert len(lone) == 1  # nothing to fold into: kept, so the marker is not lost
