"""Messages the bot could not answer are kept, the buyer is told once, and each gets exactly one
answer, in order, once the bot is back; stranded and late-answered messages included."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.conversations import ownership
from bot.conversations.bus import MemoryBus
from bot.conversations.desk import Desk
from bot.conversations.late_answers import MESSAGE_ID_KEY
from bot.conversations.outbox import Outbox
from bot.conversations.rasa_client import RasaClient
from bot.conversations.redelivery import Redelivery
from bot.conversations.replies import Inbound
from bot.conversations.router import Router
from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade
from bot.storage.models import Message, utcnow
from tests.support.servers import serve


class FlakyRasa:
    """Rasa's REST channel, tracker and status. `mode`: "up", "down" (HTTP 503), "empty"
    (answers [] like Rasa does when its action server is dead)."""

    def __init__(self) -> None:
        self.mode = "up"
        self.received: list[str] = []
        self.tracker: dict[str, list[dict]] = {}

    def app(self) -> Starlette:
        async def webhook(request: Request) -> JSONResponse:
            body = await request.json()
            if self.mode == "down":
                return JSONResponse({"error": "down"}, status_code=503)
            self.received.append(body["message"])
            events = self.tracker.setdefault(body["sender"], [])
            events.append({"event": "user", "text": body["message"], "metadata": body["metadata"]})
            if self.mode == "empty":
                return JSONResponse([])
            answer = f"answer to {body['message']}"
            events.append({"event": "bot", "text": answer, "data": {}})
            return JSONResponse([{"recipient_id": body["sender"], "text": answer}])

        async def tracker(request: Request) -> JSONResponse:
            if self.mode == "down":
                return JSONResponse({}, status_code=503)
            return JSONResponse({"events": self.tracker.get(request.path_params["sender"], [])})

        async def status(_request: Request) -> JSONResponse:
            if self.mode == "down":
                return JSONResponse({}, status_code=503)
            return JSONResponse({"model_file": "m.tar.gz"})

        async def append(_request: Request) -> JSONResponse:
            return JSONResponse({})

        return Starlette(
            routes=[
                Route("/webhooks/gateway/webhook", webhook, methods=["POST"]),
                Route("/conversations/{sender}/tracker", tracker, methods=["GET"]),
                Route("/conversations/{sender}/tracker/events", append, methods=["POST"]),
                Route("/status", status, methods=["GET"]),
            ]
        )


@pytest.fixture
def rasa() -> Iterator[tuple[FlakyRasa, str]]:
    fake = FlakyRasa()
    with serve(fake.app()) as url:
        yield fake, url


@asynccontextmanager
async def wired(tmp_path: Path, url: str) -> AsyncIterator[tuple[Router, Redelivery, object]]:
    db = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade(db)
    engine = make_engine(db)
    sessions = make_sessionmaker(engine)
    async with httpx.AsyncClient() as http:
        bus = MemoryBus()
        client = RasaClient(http, url)
        outbox = Outbox(sessionmaker=sessions, bus=bus)
        desk = Desk(sessionmaker=sessions, bus=bus, rasa=client, outbox=outbox)
        router = Router(sessionmaker=sessions, rasa=client, bus=bus, desk=desk)
        redelivery = Redelivery(sessionmaker=sessions, router=router, rasa=client, outbox=outbox)
        yield router, redelivery, sessions
    await engine.dispose()


async def _log(sessions, conversation_id: str) -> list[tuple[str, str, str]]:
    async with sessions() as session:
        rows = await session.execute(
            select(Message.sender, Message.text, Message.status)
            .where(Message.conversation_id == conversation_id)
            .order_by(Message.seq)
        )
        return [tuple(r) for r in rows]


@pytest.mark.parametrize("outage", ["down", "empty"])
async def test_it_holds_messages_while_the_bot_is_down_and_answers_each_once_in_order(
    tmp_path: Path, rasa: tuple[FlakyRasa, str], outage: str
) -> None:
    fake, url = rasa
    async with wired(tmp_path, url) as (router, redelivery, sessions):
        fake.mode = outage
        first = await router.handle(Inbound(channel="api", conversation_id="api:h", text="one"))
        second = await router.handle(Inbound(channel="api", conversation_id="api:h", text="two"))
        assert [r.text for r in first] == [
            "Sorry, I cannot answer right now because of a technical problem on our side. "
            "Your message is saved, and I will answer it here as soon as I am back, usually "
            "within a few minutes."
        ]
        assert second == []  # told once per outage
        assert await redelivery.run_once() == 0  # still down (or still answering nothing)
        fake.mode = "up"
        assert await redelivery.run_once() == 2
        assert await redelivery.run_once() == 0  # nothing answered twice
        log = await _log(sessions, "api:h")
        buyer = [(text, status) for sender, text, status in log if sender == "buyer"]
        assert buyer == [("one", "processed"), ("two", "processed")]
        answers = [text for sender, text, _ in log if sender == "bot"]
        assert answers == ["answer to one", "answer to two"]


async def test_a_late_answer_rasa_already_gave_is_used_not_asked_again(
    tmp_path: Path, rasa: tuple[FlakyRasa, str]
) -> None:
    fake, url = rasa
    async with wired(tmp_path, url) as (_router, redelivery, sessions):
        # The gateway stored the message, then crashed (or timed out) while Rasa answered it.
        async with sessions() as session, session.begin():
            from bot.conversations import transcript

            message = await transcript.record_inbound("api:late", "api", "hello", session=session)
            message_id = message.id
        fake.tracker["api:late"] = [
            {"event": "user", "text": "hello", "metadata": {MESSAGE_ID_KEY: message_id}},
            {"event": "bot", "text": "Hi there!", "data": {"buttons": []}},
        ]
        assert await redelivery.run_once() == 0  # too fresh to be called stranded
        later = utcnow() + timedelta(seconds=120)
        assert await redelivery.run_once(later) == 1
        assert fake.received == []  # Rasa was not asked a second time
        log = await _log(sessions, "api:late")
        assert log == [("buyer", "hello", "processed"), ("bot", "Hi there!", "sent")]


async def test_a_message_held_too_long_goes_to_a_person(
    tmp_path: Path, rasa: tuple[FlakyRasa, str]
) -> None:
    fake, url = rasa
    async with wired(tmp_path, url) as (router, redelivery, sessions):
        fake.mode = "down"
        await router.handle(Inbound(channel="api", conversation_id="api:g", text="help"))
        async with sessions() as session, session.begin():
            await session.execute(
                update(Message).values(created_at=utcnow() - timedelta(minutes=30))
            )
        assert await redelivery.run_once() == 1
        async with sessions() as session:
            status, _ = await ownership.current("api:g", session=session)
        assert status == "pending"
        log = await _log(sessions, "api:g")
        assert ("buyer", "help", "failed") in log
        assert log[-1][1].startswith("Sorry, I still cannot answer automatically")


async def test_giving_up_is_said_in_the_conversations_language(
    tmp_path: Path, rasa: tuple[FlakyRasa, str]
) -> None:
    from bot.storage.models import Conversation
    from bot.texts import text

    fake, url = rasa
    async with wired(tmp_path, url) as (router, redelivery, sessions):
        fake.mode = "down"
        await router.handle(Inbound(channel="api", conversation_id="api:p", text="cadê"))
        async with sessions() as session, session.begin():
            await session.execute(
                update(Message).values(created_at=utcnow() - timedelta(minutes=30))
            )
            conversation = await session.get(Conversation, "api:p")
            assert conversation is not None
            conversation.language = "pt"
        assert await redelivery.run_once() == 1
        log = await _log(sessions, "api:p")
        assert log[-1][1] == text("gateway.gave_up", "pt")
        assert text("gateway.gave_up", "pt") != text("gateway.gave_up", "en")


async def test_a_message_is_never_answered_twice_even_if_replayed_after_its_answer(
    tmp_path: Path, rasa: tuple[FlakyRasa, str]
) -> None:
    _fake, url = rasa
    async with wired(tmp_path, url) as (router, _redelivery, sessions):
        await router.handle(Inbound(channel="api", conversation_id="api:once", text="hello"))
        async with sessions() as session:
            message_id = await session.scalar(select(Message.id).where(Message.sender == "buyer"))
        assert await router.replay(message_id) == []  # a late second attempt
        log = await _log(sessions, "api:once")
        assert log == [("buyer", "hello", "processed"), ("bot", "answer to hello", "sent")]
        async with sessions() as session:
            links = (
                (await session.execute(select(Message.in_reply_to).where(Message.sender == "bot")))
                .scalars()
                .all()
            )
        assert links == [message_id]


async def test_a_failure_is_logged_with_context_but_never_with_the_buyers_words(
    tmp_path: Path, rasa: tuple[FlakyRasa, str], caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = rasa
    async with wired(tmp_path, url) as (router, _redelivery, _sessions):
        fake.mode = "down"
        with caplog.at_level("INFO"):
            await router.handle(
                Inbound(channel="api", conversation_id="api:private", text="my address is 5 Elm St")
            )
    assert "api:private" in caplog.text  # which conversation: yes
    assert "Elm St" not in caplog.text  # what the buyer wrote: never
