"""The one writer of subscriptions: subscribe, re-subscribe, whole orders, unsubscribe."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.conversations import subscriptions
from bot.storage.models import Conversation, Subscription

WHEN = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
async def sessions(sessions):  # the shared factory, with the conversation these tests use
    async with sessions() as session, session.begin():
        session.add(Conversation(id="web:a", channel="web"))
    return sessions


async def _rows(sessions) -> list[tuple[str, bool, str | None]]:
    async with sessions() as session:
        rows = await session.execute(
            select(
                Subscription.tracking_number, Subscription.active, Subscription.order_number
            ).order_by(Subscription.tracking_number)
        )
        return [tuple(r) for r in rows]


async def test_it_subscribes_once_and_reactivates(sessions) -> None:
    async with sessions() as session, session.begin():
        assert await subscriptions.subscribe("web:a", "RR123456785CN", session=session, now=WHEN)
        assert not await subscriptions.subscribe("web:a", "RR123456785CN", session=session)
    async with sessions() as session, session.begin():
        assert await subscriptions.unsubscribe("web:a", session=session) == 1
    async with sessions() as session, session.begin():
        assert await subscriptions.subscribe(
            "web:a", "RR123456785CN", session=session, order_number="1001"
        )
    assert await _rows(sessions) == [("RR123456785CN", True, "1001")]


async def test_it_stops_one_number_or_all(sessions) -> None:
    async with sessions() as session, session.begin():
        for number in ("RR123456785CN", "EA220000005CN"):
            await subscriptions.subscribe("web:a", number, session=session)
    async with sessions() as session, session.begin():
        assert await subscriptions.unsubscribe("web:a", session=session, number="XX") == 0
        assert (
            await subscriptions.unsubscribe("web:a", session=session, number="EA220000005CN") == 1
        )
    assert await _rows(sessions) == [("EA220000005CN", False, None), ("RR123456785CN", True, None)]
    async with sessions() as session, session.begin():
        assert await subscriptions.unsubscribe("web:a", session=session) == 1
    assert [active for _n, active, _o in await _rows(sessions)] == [False, False]
