"""The notifier tells buyers about changes once, and two workers never handle one parcel twice."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.carriers.service import TrackingService
from bot.conversations.notifier import Notifier, NotifierTiming
from bot.conversations.outbox import Outbox
from bot.conversations.replies import Reply
from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade
from bot.storage.models import Conversation, Message, Subscription
from bot.tracking.model import Event, Shipment, Status, SubStatus

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
CN = timezone(timedelta(hours=8))


class ScriptedProvider:
    """A provider whose parcel moves when the test says so."""

    name = "scripted"

    def __init__(self) -> None:
        self.status = Status.IN_TRANSIT
        self.calls = 0

    def supports(self, number: str, courier: str | None) -> bool:
        return True

    async def track(self, number: str, *, courier: str | None = None) -> Shipment:
        self.calls += 1
        events = [
            Event(
                time=NOW - timedelta(days=2),
                description="Departure from Guangzhou",
                location="Guangzhou",
                country="CN",
                status=Status.IN_TRANSIT,
                sub_status=SubStatus.DEPARTURE,
            )
        ]
        if self.status is Status.DELIVERED:
            events.append(
                Event(
                    time=(NOW - timedelta(hours=1)).astimezone(CN),
                    description="Delivered",
                    location="Berlin",
                    country="DE",
                    status=Status.DELIVERED,
                )
            )
        return Shipment(
            number=number,
            status=self.status,
            events=tuple(events),
            origin_country="CN",
            destination_country="DE",
            fetched_at=NOW,
        )


@pytest.fixture
async def sessions(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'n.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    async with factory() as session, session.begin():
        for cid in ("web:a", "telegram:1"):
            session.add(Conversation(id=cid, channel=cid.split(":")[0]))
            session.add(
                Subscription(
                    conversation_id=cid,
                    tracking_number="RR123456785CN",
                    active=True,
                    next_check_at=NOW - timedelta(minutes=1),
                )
            )
    yield factory
    await engine.dispose()


def _notifier(sessions, provider, outbox, clock, worker=None) -> Notifier:
    tracking = TrackingService([provider], now=clock)
    return Notifier(
        sessionmaker=sessions,
        tracking=tracking,
        outbox=outbox,
        timing=NotifierTiming(recheck=timedelta(hours=6)),
        now=clock,
        worker=worker,
    )


async def test_it_notifies_each_subscriber_once_when_the_parcel_changes(sessions) -> None:
    delivered: list[tuple[str, str]] = []

    async def web_sender(cid: str, replies: Sequence[Reply]) -> bool:
        delivered.extend((cid, r.text) for r in replies)
        return True

    outbox = Outbox(sessionmaker=sessions)
    outbox.register("web", web_sender)  # Telegram is "offline": its message is stored only
    provider = ScriptedProvider()
    clock = [NOW]
    notifier = _notifier(sessions, provider, outbox, lambda: clock[0])

    assert await notifier.run_once() == 2  # first check records the baseline, says nothing
    assert delivered == []
    assert await notifier.run_once() == 0  # not due again for 6 hours

    provider.status = Status.DELIVERED
    clock[0] = NOW + timedelta(hours=7)
    assert await notifier.run_once() == 2
    assert len(delivered) == 1 and delivered[0][0] == "web:a"
    assert delivered[0][1].startswith("Update on your parcel RR123456785CN:")
    assert "delivered" in delivered[0][1].lower()

    async with sessions() as session:
        subs = (await session.execute(select(Subscription))).scalars().all()
        stored = (
            (
                await session.execute(
                    select(Message.conversation_id).where(Message.direction == "out")
                )
            )
            .scalars()
            .all()
        )
    assert sorted(stored) == ["telegram:1", "web:a"]  # both kept in the transcript
    assert all(not s.active and s.last_status == "delivered" for s in subs)
    assert all(s.claimed_by is None for s in subs)

    clock[0] = NOW + timedelta(days=2)
    assert await notifier.run_once() == 0  # delivered parcels are not checked again


async def test_two_workers_never_claim_the_same_subscription(sessions) -> None:
    provider = ScriptedProvider()
    outbox = Outbox(sessionmaker=sessions)
    first = _notifier(sessions, provider, outbox, lambda: NOW, worker="w1")
    second = _notifier(sessions, provider, outbox, lambda: NOW, worker="w2")
    counts = await asyncio.gather(first.run_once(), second.run_once())
    assert sum(counts) == 2
    async with sessions() as session:
        subs = (await session.execute(select(Subscription))).scalars().all()
    assert all(s.last_status == "in_transit" for s in subs)


async def test_an_expired_claim_is_taken_over(sessions) -> None:
    async with sessions() as session, session.begin():
        for sub in (await session.execute(select(Subscription))).scalars():
            sub.claimed_by = "crashed"
            sub.claimed_until = NOW - timedelta(seconds=1)
    notifier = _notifier(sessions, ScriptedProvider(), Outbox(sessionmaker=sessions), lambda: NOW)
    assert await notifier.run_once() == 2


async def test_an_update_is_written_in_the_conversations_language(sessions) -> None:
    from bot.texts import text

    async with sessions() as session, session.begin():
        conversation = await session.get(Conversation, "web:a")
        assert conversation is not None
        conversation.language = "ru"
    delivered: list[str] = []

    async def web_sender(_cid: str, replies: Sequence[Reply]) -> bool:
        delivered.extend(r.text for r in replies)
        return True

    outbox = Outbox(sessionmaker=sessions)
    outbox.register("web", web_sender)
    provider = ScriptedProvider()
    clock = [NOW]
    notifier = _notifier(sessions, provider, outbox, lambda: clock[0])
    await notifier.run_once()
    provider.status = Status.DELIVERED
    clock[0] = NOW + timedelta(hours=7)
    await notifier.run_once()
    assert len(delivered) == 1
    first_line = delivered[0].splitlines()[0]
    assert first_line == text("notify.update", "ru", number="RR123456785CN")
    assert text("status.delivered", "ru") in delivered[0]
    assert "Update on your parcel" not in delivered[0]
