"""The router stores every message before processing and never lets a failure reach the buyer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.conversations.rasa_client import RasaClient
from bot.conversations.replies import Inbound
from bot.conversations.router import APOLOGY, Router
from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade
from bot.storage.models import Conversation, Message, Transition
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

    return Starlette(routes=[Route("/webhooks/gateway/webhook", webhook, methods=["POST"])])


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


async def test_it_apologises_and_holds_the_message_when_rasa_is_down(database_url: str) -> None:
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
    assert inbound.status == "held"  # answered by the redelivery loop once Rasa is back
    assert "unreachable" in (inbound.error or "")
    await engine.dispose()


def fake_rasa_with_tracker(
    seen_in_db: list[str], database_url: str, replies: list[dict], tracker_events: list
) -> Starlette:
    """The REST channel stand-in plus Rasa's `append events` endpoint (pause, resume, ...)."""
    app = fake_rasa(seen_in_db, database_url, replies)

    async def append(request: Request) -> JSONResponse:
        tracker_events.append((request.path_params["sender"], await request.json()))
        return JSONResponse({})

    app.router.routes.append(
        Route("/conversations/{sender}/tracker/events", append, methods=["POST"])
    )
    return app


def router_with_desk(sessions, http: httpx.AsyncClient, url: str) -> Router:
    from bot.conversations.bus import MemoryBus
    from bot.conversations.desk import Desk
    from bot.conversations.outbox import Outbox

    bus = MemoryBus()
    rasa = RasaClient(http, url)
    outbox = Outbox(sessionmaker=sessions, bus=bus)
    desk = Desk(sessionmaker=sessions, bus=bus, rasa=rasa, outbox=outbox)
    return Router(sessionmaker=sessions, rasa=rasa, bus=bus, desk=desk)


async def test_a_handoff_marker_puts_the_conversation_in_the_queue_once(
    database_url: str,
) -> None:
    seen: list[str] = []
    tracker: list = []
    replies = [
        {
            "recipient_id": "x",
            "text": "I am passing you to a colleague.",
            "custom": {"handoff": {"reason": "request_human"}},
        }
    ]
    with serve(fake_rasa_with_tracker(seen, database_url, replies, tracker)) as url:
        engine = make_engine(database_url)
        sessions = make_sessionmaker(engine)
        async with httpx.AsyncClient() as http:
            router = router_with_desk(sessions, http, url)
            first = await router.handle(
                Inbound(channel="web", conversation_id="web:h", text="human")
            )
            second = await router.handle(
                Inbound(channel="web", conversation_id="web:h", text="human")
            )
        async with sessions() as session:
            moves = (await session.execute(select(Transition))).scalars().all()
            conversation = await session.get(Conversation, "web:h")
        assert [(m.from_status, m.to_status, m.reason) for m in moves] == [
            ("bot", "pending", "request_human")
        ]
        assert conversation is not None and conversation.status == "pending"
        # The buyer hears the bot's words and an honest note about the wait, with a way back.
        assert first[0].text == "I am passing you to a colleague."
        assert first[1].text.startswith("Nobody from our team is online right now.")
        assert [b.payload for b in first[1].buttons] == ["/back_to_bot"]
        # The second "human" reached Rasa's (paused) tracker but got no bot answer.
        assert all(r.text != "I am passing you to a colleague." for r in second)
        assert ("web:h", [{"event": "pause"}]) in tracker
        await engine.dispose()


async def test_a_conversation_owned_by_a_human_gets_no_bot_reply_but_rasa_hears_it(
    database_url: str,
) -> None:
    seen: list[str] = []
    tracker: list = []
    rasa = fake_rasa_with_tracker(seen, database_url, [{"text": "bot answer"}], tracker)
    with serve(rasa) as url:
        engine = make_engine(database_url)
        sessions = make_sessionmaker(engine)
        async with sessions() as session, session.begin():
            session.add(Conversation(id="web:agent", channel="web", owner="human", status="open"))
        async with httpx.AsyncClient() as http:
            router = router_with_desk(sessions, http, url)
            out = await router.handle(
                Inbound(channel="web", conversation_id="web:agent", text="are you there?")
            )
        assert out == []
        assert seen == ["are you there?|received"]  # stored first, then recorded by Rasa
        async with sessions() as session:
            stored = (await session.execute(select(Message.text, Message.status))).all()
        # Rasa answered (a fake that ignores pause), but the reply was not stored or sent.
        assert [tuple(r) for r in stored] == [("are you there?", "human")]
        await engine.dispose()


def test_a_marker_only_message_is_folded_into_the_text_before_it() -> None:
    from bot.conversations.replies import Reply, merge_markers

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


async def test_a_replay_and_live_messages_of_one_conversation_never_run_side_by_side(
    database_url: str,
) -> None:
    # A replay used to take the conversation's lock without being counted, so a live message
    # that finished meanwhile dropped the lock from the table and the next live message got a
    # fresh one and ran beside the replay.
    import asyncio

    from bot.conversations import transcript

    in_flight = 0
    most = 0

    async def webhook(request: Request) -> JSONResponse:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.2)
        in_flight -= 1
        return JSONResponse([{"text": f"answer to {(await request.json())['message']}"}])

    async def tracker(_request: Request) -> JSONResponse:
        return JSONResponse({"events": []})

    app = Starlette(
        routes=[
            Route("/webhooks/gateway/webhook", webhook, methods=["POST"]),
            Route("/conversations/{cid}/tracker", tracker),
        ]
    )
    with serve(app) as url:
        engine = make_engine(database_url)
        sessions = make_sessionmaker(engine)
        async with httpx.AsyncClient() as http:
            router = Router(sessionmaker=sessions, rasa=RasaClient(http, url))
            first = asyncio.create_task(
                router.handle(Inbound(channel="api", conversation_id="api:c9", text="a"))
            )
            await asyncio.sleep(0.05)  # `a` is with Rasa
            # A message stranded by a crashed replica, which the redelivery loop replays.
            async with sessions() as session, session.begin():
                stranded = await transcript.record_inbound(
                    "api:c9", "api", "stranded", session=session
                )
            replay = asyncio.create_task(router.replay(stranded.id))
            await first  # `a` is done; the replay now holds the turn
            await asyncio.sleep(0.05)
            second = asyncio.create_task(
                router.handle(Inbound(channel="api", conversation_id="api:c9", text="b"))
            )
            await asyncio.gather(replay, second)
        assert most == 1
        await engine.dispose()


async def test_a_bot_turn_reads_and_writes_the_database_in_two_transactions(
    database_url: str,
) -> None:
    """Storing the message also reads what the turn needs (earlier messages, held ones, the
    conversation's status and language); the answer is stored in a second transaction. No
    read-only session in between: each one is a round trip (and a ROLLBACK) on every turn.
    Watched as SQLite runs them (its trace callback), so statements that bypass SQLAlchemy's
    execution (bot/conversations/sqlite_log.py) count too."""
    from sqlalchemy import event

    replies = [{"recipient_id": "x", "text": "Parcel RR123456785CN: in transit"}]
    seen: list[str] = []
    watching = False

    def trace(sql: str) -> None:
        if watching:
            seen.append(sql.split()[0].upper())

    with serve(fake_rasa([], database_url, replies)) as url:
        engine = make_engine(database_url)
        event.listen(
            engine.sync_engine,
            "connect",
            lambda dbapi_connection, _record: dbapi_connection._connection._conn.set_trace_callback(
                trace
            ),
        )
        sessions = make_sessionmaker(engine)
        async with httpx.AsyncClient() as http:
            router = Router(sessionmaker=sessions, rasa=RasaClient(http, url))
            first = Inbound(channel="api", conversation_id="api:c9", text="hello there")
            await router.handle(first)
            watching = True
            second = Inbound(channel="api", conversation_id="api:c9", text="where is my parcel")
            out = await router.handle(second)
            watching = False
        await engine.dispose()
    assert [r.text for r in out] == ["Parcel RR123456785CN: in transit"]
    assert seen == [
        # the message: its seq (UPDATE ... RETURNING), the row, then the conversation's status
        # and language with the earlier and held messages
        *("BEGIN", "UPDATE", "INSERT", "SELECT", "COMMIT"),
        # the answer: the message answered, the reply's seq, the reply
        *("BEGIN", "UPDATE", "UPDATE", "INSERT", "COMMIT"),
    ]


@asynccontextmanager
async def router_before(
    webhook: Callable[[Request], Awaitable[JSONResponse]], database_url: str
) -> AsyncIterator[tuple[Router, sessionmaker]]:
    """A Router in front of `webhook` (a stand-in for Rasa's channel), and its sessions."""
    app = Starlette(routes=[Route("/webhooks/gateway/webhook", webhook, methods=["POST"])])
    with serve(app) as url:
        engine = make_engine(database_url)
        sessions = make_sessionmaker(engine)
        try:
            async with httpx.AsyncClient() as http:
                yield Router(sessionmaker=sessions, rasa=RasaClient(http, url)), sessions
        finally:
            await engine.dispose()


async def test_only_an_offered_button_payload_reaches_rasa_as_an_intent(
    database_url: str,
) -> None:
    """Offered payloads are read only for text that starts with "/", and then still guard it."""
    sent: list[str] = []

    async def webhook(request: Request) -> JSONResponse:
        body = await request.json()
        sent.append(body["message"])
        buttons = [{"title": "Yes", "payload": "/affirm"}]
        return JSONResponse([{"recipient_id": "x", "text": "Sure?", "buttons": buttons}])

    async with router_before(webhook, database_url) as (router, _):
        for text in ("/affirm", "hello there", "/affirm", " /deny", '/affirm{"x": 1}'):
            await router.handle(Inbound(channel="api", conversation_id="api:b1", text=text))
    # Before any button: typed text. After: the offered one passes, others are text.
    assert sent == ["affirm", "hello there", "/affirm", "deny", 'affirm{"x": 1}']


async def test_a_language_the_buyer_picked_sticks_through_the_first_messages(
    database_url: str,
) -> None:
    """`/language ru` first, then messages in English: still answered (and stored) in Russian
    while the first messages would otherwise still choose the language; a bare `/language`
    (the menu) chooses nothing, so the next message still does."""
    langs: list[tuple[str, str]] = []

    async def webhook(request: Request) -> JSONResponse:
        body = await request.json()
        langs.append((body["sender"], body["metadata"]["language"]))
        return JSONResponse([{"recipient_id": body["sender"], "text": "ok"}])

    async with router_before(webhook, database_url) as (router, sessions):
        for conversation, text in (
            ("api:picked", "/language ru"),
            ("api:picked", "hello, where is my parcel please"),
            ("api:picked", "any news about it"),
            ("api:menu", "/language"),
            ("api:menu", "hallo, wo ist mein paket bitte"),
        ):
            await router.handle(Inbound(channel="api", conversation_id=conversation, text=text))
        async with sessions() as session:
            picked = await session.get(Conversation, "api:picked")
            menu = await session.get(Conversation, "api:menu")
    assert picked is not None and menu is not None
    assert (picked.language, picked.language_chosen) == ("ru", True)
    assert (menu.language, menu.language_chosen) == ("de", False)
    # The language notices answer the two commands; the other messages reach Rasa.
    assert langs == [("api:picked", "ru"), ("api:picked", "ru"), ("api:menu", "de")]
