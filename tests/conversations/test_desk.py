"""Ownership with real databases and a Rasa stand-in: one winner per claim, no bot reply after a
person took over (even one already being computed), and a bot that remembers the meantime."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.conversations import agents, events, ownership
from bot.conversations.bus import MemoryBus
from bot.conversations.desk import Desk
from bot.conversations.outbox import Outbox
from bot.conversations.rasa_client import RasaClient
from bot.conversations.replies import Inbound
from bot.conversations.router import Router
from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade
from bot.storage.models import Message, Transition
from tests.support.postgres import fresh_database
from tests.support.servers import serve


class FakeRasa:
    """Rasa's REST channel and tracker-events endpoint. `hold` keeps a webhook call waiting
    (a reply "in flight") until the test releases it."""

    def __init__(self) -> None:
        self.tracker: list[tuple[str, list]] = []
        self.hold = threading.Event()
        self.hold.set()
        self.arrived = threading.Event()

    def app(self) -> Starlette:
        async def webhook(request: Request) -> JSONResponse:
            body = await request.json()
            self.arrived.set()
            while not self.hold.is_set():
                await asyncio.sleep(0.01)
            return JSONResponse(
                [{"recipient_id": body["sender"], "text": "bot: " + body["message"]}]
            )

        async def append(request: Request) -> JSONResponse:
            self.tracker.append((request.path_params["sender"], await request.json()))
            return JSONResponse({})

        return Starlette(
            routes=[
                Route("/webhooks/gateway/webhook", webhook, methods=["POST"]),
                Route("/conversations/{sender}/tracker/events", append, methods=["POST"]),
            ]
        )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.scaleout)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'gateway.db'}"
        upgrade(url)
        yield url
    else:
        with fresh_database() as url:
            upgrade(url)
            yield url


@pytest.fixture
def rasa() -> Iterator[tuple[FakeRasa, str]]:
    fake = FakeRasa()
    with serve(fake.app()) as url:
        yield fake, url


@asynccontextmanager
async def wired(database_url: str, rasa_url: str) -> AsyncIterator[tuple[Router, Desk, object]]:
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    async with httpx.AsyncClient() as http:
        bus = MemoryBus()
        client = RasaClient(http, rasa_url)
        outbox = Outbox(sessionmaker=sessions, bus=bus)
        desk = Desk(sessionmaker=sessions, bus=bus, rasa=client, outbox=outbox)
        yield Router(sessionmaker=sessions, rasa=client, bus=bus, desk=desk), desk, sessions
    await engine.dispose()


async def _agent(sessions, name: str) -> object:
    async with sessions() as session, session.begin():
        return await agents.add(name, "correct horse battery", session=session)


async def test_it_lets_exactly_one_of_two_simultaneous_claims_win(
    database_url: str, rasa: tuple[FakeRasa, str]
) -> None:
    _fake, url = rasa
    async with wired(database_url, url) as (router, desk, sessions):
        await router.handle(Inbound(channel="api", conversation_id="api:race", text="hello"))
        ana, ben = await _agent(sessions, "Ana"), await _agent(sessions, "Ben")
        results = await asyncio.gather(
            desk.claim("api:race", ana), desk.claim("api:race", ben), return_exceptions=True
        )
        wins = [r for r in results if isinstance(r, ownership.Moved)]
        losses = [r for r in results if isinstance(r, ownership.TransitionRefused)]
        assert len(wins) == 1 and len(losses) == 1
        winner = "Ana" if results[0] is wins[0] else "Ben"
        assert losses[0].status == "open" and losses[0].agent == winner
        async with sessions() as session:
            moves = (await session.execute(select(Transition.to_status, Transition.actor))).all()
        assert [tuple(m) for m in moves] == [("open", f"agent:{winner}")]


async def test_it_drops_a_bot_reply_that_was_in_flight_when_an_agent_claimed(
    database_url: str, rasa: tuple[FakeRasa, str]
) -> None:
    fake, url = rasa
    async with wired(database_url, url) as (router, desk, sessions):
        ana = await _agent(sessions, "Ana")
        fake.hold.clear()
        turn = asyncio.create_task(
            router.handle(Inbound(channel="api", conversation_id="api:late", text="where is it"))
        )
        await asyncio.to_thread(fake.arrived.wait, 10)  # Rasa is computing the reply now
        await desk.claim("api:late", ana)
        fake.hold.set()
        replies = await turn
        assert replies == []
        async with sessions() as session:
            rows = (
                await session.execute(
                    select(Message.sender, Message.kind, Message.text).order_by(Message.seq)
                )
            ).all()
        senders = [(r.sender, r.kind) for r in rows]
        assert ("bot", "message") not in senders  # the late bot reply never reached the log
        assert [r.text for r in rows if r.sender == "system" and r.kind == "message"] == [
            "Ana from our team has joined the chat."
        ]
        assert ("api:late", [{"event": "pause"}]) in fake.tracker


async def test_the_bot_is_silent_while_an_agent_owns_it_and_remembers_the_parcel_after(
    database_url: str, rasa: tuple[FakeRasa, str]
) -> None:
    fake, url = rasa
    async with wired(database_url, url) as (router, desk, sessions):
        ana = await _agent(sessions, "Ana")
        await router.handle(Inbound(channel="api", conversation_id="api:c", text="hi"))
        await desk.claim("api:c", ana)
        quiet = await router.handle(
            Inbound(channel="api", conversation_id="api:c", text="it is RR400000001CN")
        )
        assert quiet == []
        await desk.reply("api:c", ana, "Thanks, I see it is with customs.")
        await desk.hand_back("api:c", ana)
        back = await router.handle(Inbound(channel="api", conversation_id="api:c", text="ok"))
        assert [r.text for r in back] == ["bot: ok"]
        resumed = [items for sender, items in fake.tracker if sender == "api:c"][-1]
        assert resumed == [
            {"event": "resume"},
            {"event": "slot", "name": "last_tracked", "value": "RR400000001CN"},
        ]
        # The agent's words are in the bot's tracker too.
        assert any(
            items
            == [
                {
                    "event": "bot",
                    "text": "Thanks, I see it is with customs.",
                    "metadata": {"agent": "Ana"},
                }
            ]
            for _sender, items in fake.tracker
        )


async def test_only_the_holding_agent_may_reply_hand_back_or_resolve(
    database_url: str, rasa: tuple[FakeRasa, str]
) -> None:
    _fake, url = rasa
    async with wired(database_url, url) as (router, desk, sessions):
        ana, ben = await _agent(sessions, "Ana"), await _agent(sessions, "Ben")
        await router.handle(Inbound(channel="api", conversation_id="api:o", text="hi"))
        await desk.claim("api:o", ana)
        with pytest.raises(events.NotOwner):
            await desk.reply("api:o", ben, "me too")
        with pytest.raises(ownership.TransitionRefused):
            await desk.hand_back("api:o", ben)
        with pytest.raises(ownership.TransitionRefused):
            await desk.resolve("api:o", ben)
        await desk.resolve("api:o", ana)
        with pytest.raises(events.NotOwner):
            await desk.reply("api:o", ana, "after resolving")
        await desk.reopen("api:o", ben)
        async with sessions() as session:
            status, holder = await ownership.current("api:o", session=session)
        assert (status, holder) == ("open", "Ben")


async def test_the_event_log_numbers_every_event_once_in_order(
    database_url: str, rasa: tuple[FakeRasa, str]
) -> None:
    _fake, url = rasa
    async with wired(database_url, url) as (router, desk, sessions):
        await asyncio.gather(
            *(
                router.handle(Inbound(channel="api", conversation_id="api:log", text=f"m{i}"))
                for i in range(5)
            )
        )
        ana = await _agent(sessions, "Ana")
        await desk.claim("api:log", ana)
        await desk.note("api:log", ana, "private")
        async with sessions() as session:
            everything = await events.after("api:log", 0, session=session)
            buyer_view = await events.after("api:log", 0, session=session, kinds=events.BUYER_KINDS)
            tail = await events.after("api:log", 10, session=session)
        seqs = [m.seq for m, _ in everything]
        assert seqs == list(range(1, len(seqs) + 1))
        assert [m.text for m, _ in everything[:10:2]] == [f"m{i}" for i in range(5)]
        assert "private" not in [m.text for m, _ in buyer_view]
        assert all(m.kind == "message" for m, _ in buyer_view)
        assert [m.seq for m, _ in tail] == seqs[10:]


async def test_a_buyer_waiting_too_long_is_reminded_once_per_period_with_a_way_back(
    database_url: str, rasa: tuple[FakeRasa, str]
) -> None:
    from datetime import timedelta

    from bot.storage.models import utcnow

    _fake, url = rasa
    async with wired(database_url, url) as (router, desk, sessions):
        await router.handle(Inbound(channel="api", conversation_id="api:w", text="hi"))
        await desk.request_handoff("api:w", actor="buyer", reason="request_human")
        assert await desk.remind_overdue() == []  # not overdue yet
        later = utcnow() + timedelta(seconds=desk.handoff_timeout + 5)
        assert await desk.overdue(later) == ["api:w"]
        assert await desk.remind_overdue(later) == ["api:w"]
        assert await desk.remind_overdue(later + timedelta(seconds=1)) == []
        async with sessions() as session:
            last = (await events.after("api:w", 0, session=session))[-1][0]
        assert last.text.startswith("Sorry for the wait")
        assert last.payload["buttons"] == [
            {"title": "Back to the assistant", "payload": "/back_to_bot"}
        ]
        back = await router.handle(
            Inbound(channel="api", conversation_id="api:w", text="/back_to_bot")
        )
        assert back[0].text.startswith("You're back with the assistant")
        async with sessions() as session:
            status, _ = await ownership.current("api:w", session=session)
        assert status == "bot"


async def test_the_queue_notice_is_honest_about_office_hours_and_who_is_online(
    database_url: str, rasa: tuple[FakeRasa, str]
) -> None:
    from datetime import datetime, timezone

    from bot.conversations.office_hours import OfficeHours

    _fake, url = rasa
    async with wired(database_url, url) as (_router, desk, sessions):
        assert (await desk.queue_notice()).startswith("Nobody from our team is online")
        ana = await _agent(sessions, "Ana")
        async with sessions() as session, session.begin():
            await agents.seen(ana.id, session=session)
        assert (await desk.queue_notice()).startswith("A person from our team will reply")
        desk._hours = OfficeHours.parse("Mon-Fri 09:00-18:00 Europe/Berlin")
        saturday = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)
        assert await desk.queue_notice(now=saturday) == (
            "Our team is not online right now. A person will reply here from Monday 09:00 "
            "(Central European Standard Time), and the answer will arrive in this chat. You can "
            "keep writing in the meantime."
        )
        # The opening time is in the conversation's language too, not only the sentence.
        assert await desk.queue_notice("de", now=saturday) == (
            "Unser Team ist gerade nicht online. Ab Montag, 09:00 Uhr (Mitteleuropäische "
            "Normalzeit) antwortet Ihnen hier eine Person, und die Antwort kommt in diesen Chat. "
            "Sie können in der Zwischenzeit weiterschreiben."
        )
