"""Orders in the database: replacing, checking the buyer, limits, the signed-in owner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.conversations import orders
from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade
from bot.storage.models import Conversation, Subscription

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
LIMITS = orders.Limits(per_conversation=3, per_client=4, window=timedelta(hours=1))


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Any]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    async with factory() as session, session.begin():
        session.add(Conversation(id="c1", channel="api"))
        session.add(Conversation(id="w1", channel="web", identity="user:cust-7"))
        await orders.replace_orders(
            [
                orders.OrderIn(
                    "1001",
                    "jane@example.com",
                    (orders.ShipmentIn("RR123456785CN"), orders.ShipmentIn("CP110000008CN")),
                    postcode="SW1A1AA",
                    customer_id="cust-7",
                )
            ],
            session=session,
        )
    yield factory
    await engine.dispose()


async def _verify(factory: Any, number: str, answer: str, conv: str = "c1", client: str = "x"):
    async with factory() as session, session.begin():
        return await orders.verify(
            number,
            answer,
            conversation_id=conv,
            client=client,
            session=session,
            now=NOW,
            limits=LIMITS,
        )


def test_it_normalises_what_shops_and_buyers_type() -> None:
    assert orders.normalise_order_number(" #1001 ") == "1001"
    assert orders.normalise_order_number("a-2024-7788") == "A-2024-7788"
    assert orders.normalise_order_number("10 01") is None
    assert orders.normalise_email(" Jane@Example.COM ") == "jane@example.com"
    assert orders.normalise_email("jane@") is None
    assert orders.normalise_postcode("sw1a 1aa") == "SW1A1AA"


async def test_the_email_or_the_postcode_opens_the_order(sessions) -> None:
    by_email = await _verify(sessions, "#1001", "JANE@example.com")
    assert by_email.ok and by_email.order is not None
    assert [s.tracking_number for s in by_email.order.shipments] == [
        "RR123456785CN",
        "CP110000008CN",
    ]
    assert (await _verify(sessions, "1001", "sw1a 1aa", conv="c2")).ok


async def test_wrong_unknown_and_malformed_look_the_same(sessions) -> None:
    verdicts = [
        await _verify(sessions, "1001", "bob@example.com", conv="a"),
        await _verify(sessions, "9999", "jane@example.com", conv="b"),
        await _verify(sessions, "10 01 !", "jane@example.com", conv="c"),
    ]
    assert {(v.ok, v.locked, v.order) for v in verdicts} == {(False, False, None)}


async def test_a_conversation_gets_three_tries(sessions) -> None:
    assert not (await _verify(sessions, "1001", "a@example.com")).locked
    assert not (await _verify(sessions, "1001", "b@example.com")).locked
    assert (await _verify(sessions, "1001", "c@example.com")).locked
    # Locked: even the right answer is not checked any more.
    assert not (await _verify(sessions, "1001", "jane@example.com")).ok


async def test_a_client_is_limited_across_conversations(sessions) -> None:
    for conv in ("k1", "k2", "k3", "k4"):
        await _verify(sessions, "1001", "nope@example.com", conv=conv, client="web:10.0.0.9")
    fresh_conversation = await _verify(
        sessions, "1001", "jane@example.com", conv="k5", client="web:10.0.0.9"
    )
    assert not fresh_conversation.ok and fresh_conversation.locked
    assert (await _verify(sessions, "1001", "jane@example.com", conv="k6", client="other")).ok


async def test_the_signed_in_customer_sees_their_order_and_nobody_else(sessions) -> None:
    async with sessions() as session, session.begin():
        mine = await orders.owned_by_signed_in_buyer(
            "1001", "w1", client="web:1", session=session, now=NOW
        )
        anonymous = await orders.owned_by_signed_in_buyer(
            "1001", "c1", client="web:1", session=session, now=NOW
        )
    assert mine is not None and anonymous is None
    async with sessions() as session:
        assert await orders.verified_before("1001", "w1", session=session)


async def test_a_whole_order_subscription_follows_shipments_added_later(sessions) -> None:
    async with sessions() as session, session.begin():
        assert await orders.subscribe_order("c1", "1001", session=session) == [
            "RR123456785CN",
            "CP110000008CN",
        ]
        await orders.replace_orders(
            [
                orders.OrderIn(
                    "1001",
                    "jane@example.com",
                    (orders.ShipmentIn("RR123456785CN"), orders.ShipmentIn("EA220000005CN")),
                )
            ],
            session=session,
        )
    async with sessions() as session:
        rows = (await session.execute(Subscription.__table__.select())).all()
    assert {(r.tracking_number, r.order_number) for r in rows} == {
        ("RR123456785CN", "1001"),
        ("CP110000008CN", "1001"),
        ("EA220000005CN", "1001"),
    }


async def test_the_console_sees_which_orders_were_asked_about(sessions) -> None:
    await _verify(sessions, "1001", "nope@example.com")
    await _verify(sessions, "1001", "jane@example.com")
    await _verify(sessions, "5555", "nope@example.com")
    async with sessions() as session:
        asked = await orders.asked_about("c1", session=session)
    assert [(n, v, o is not None) for n, v, o in asked] == [
        ("1001", True, True),
        ("5555", False, False),
    ]
