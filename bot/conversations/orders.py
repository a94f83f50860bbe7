"""Shop orders: how they are stored (CSV import, the HTTP API, shop connectors) and how a buyer
proves an order is theirs before the bot reveals anything about it.

Every way of loading orders ends in `replace_orders`: one order number, its buyer's e-mail or
postcode, and the full list of its shipments (a later load replaces the earlier one). Buyers
get in with the e-mail or postcode, or as the shop's signed-in user (widget `setUser`); every
try is recorded, so guessing is limited per conversation and per client.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Integer, cast, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import (
    Conversation,
    Order,
    OrderAttempt,
    OrderShipment,
    Subscription,
    utcnow,
)
from bot.tracking.numbers.marketplaces import marketplace_of

_ORDER_NUMBER = re.compile(r"^[A-Z0-9](?:[A-Z0-9._/-]{0,62}[A-Z0-9])?$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_POSTCODE = re.compile(r"^[A-Z0-9]{3,10}$")
# Rows per statement when loading many orders at once (stays under SQLite's 999 parameters).
CHUNK = 500


def normalise_order_number(raw: str | None) -> str | None:
    """`#1001 ` -> `1001`; None when it cannot be an order number."""
    value = (raw or "").strip().lstrip("#").strip().upper()
    return value if _ORDER_NUMBER.match(value) else None


def normalise_email(raw: str | None) -> str | None:
    """Trimmed and lower-cased (shops and buyers disagree on case); None when not an address."""
    value = (raw or "").strip().strip("<>").strip().lower()
    return value if len(value) <= 191 and _EMAIL.match(value) else None


def normalise_postcode(raw: str | None) -> str | None:
    """Upper case without spaces or dashes ("sw1a 1aa" -> "SW1A1AA"); None when not one."""
    value = re.sub(r"[\s-]", "", (raw or "").upper())
    return value if _POSTCODE.match(value) else None


@dataclass(frozen=True)
class ShipmentIn:
    tracking_number: str
    carrier: str | None = None
    shipped_at: datetime | None = None


@dataclass(frozen=True)
class OrderIn:
    """One order as a loader hands it over (already normalised and checked)."""

    order_number: str
    email: str | None
    shipments: tuple[ShipmentIn, ...] = ()
    postcode: str | None = None
    customer_id: str | None = None
    shop: str | None = None
    source: str = "csv"


@dataclass(frozen=True)
class OrderView:
    """An order with its shipments, for the bot's answer and the console."""

    order_number: str
    email: str | None
    postcode: str | None
    customer_id: str | None
    source: str
    shipments: list[ShipmentIn] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "order_number": self.order_number,
            "email": self.email,
            "postcode": self.postcode,
            "source": self.source,
            "shipments": [
                {
                    "tracking_number": s.tracking_number,
                    "carrier": s.carrier,
                    "shipped_at": s.shipped_at.isoformat() if s.shipped_at else None,
                }
                for s in self.shipments
            ],
        }


# --- loading --------------------------------------------------------------------------------
async def replace_orders(orders: Sequence[OrderIn], *, session: AsyncSession) -> int:
    """Store `orders`, each replacing any earlier version of the same number (its shipments
    too). Conversations subscribed to an order get its new shipments. Returns the count."""
    now = utcnow()
    for start in range(0, len(orders), CHUNK):
        chunk = orders[start : start + CHUNK]
        numbers = [o.order_number for o in chunk]
        # Replace earlier versions: only when there are any (a first import deletes nothing,
        # and skipping the statements keeps 100,000-order imports linear on PostgreSQL).
        old_ids = list(
            await session.scalars(select(Order.id).where(Order.order_number.in_(numbers)))
        )
        if old_ids:
            await session.execute(
                delete(OrderShipment)
                .where(OrderShipment.order_id.in_(old_ids))
                .execution_options(synchronize_session=False)
            )
            await session.execute(
                delete(Order)
                .where(Order.id.in_(old_ids))
                .execution_options(synchronize_session=False)
            )
        # One multi-row INSERT per chunk: asyncpg's executemany costs a round trip per row
        # (100,000 orders took 560 s on PostgreSQL that way, 7.6 s on SQLite).
        await session.execute(
            insert(Order).values(
                [
                    {
                        "order_number": o.order_number,
                        "email": o.email,
                        "postcode": o.postcode,
                        "customer_id": o.customer_id,
                        "shop": o.shop,
                        "source": o.source,
                        "marketplace": _market_code(o.order_number),
                        "created_at": now,
                        "updated_at": now,
                    }
                    for o in chunk
                ]
            )
        )
        ids = dict(
            (
                await session.execute(
                    select(Order.order_number, Order.id).where(Order.order_number.in_(numbers))
                )
            ).all()
        )
        rows = [
            {
                "order_id": ids[o.order_number],
                "tracking_number": s.tracking_number,
                "carrier": s.carrier,
                "shipped_at": s.shipped_at,
            }
            for o in chunk
            for s in o.shipments
        ]
        if rows:
            await session.execute(insert(OrderShipment).values(rows))
        await _extend_order_subscriptions(chunk, session=session)
    return len(orders)


def _market_code(order_number: str) -> str | None:
    market = marketplace_of(order_number)
    return market.code if market else None


async def _extend_order_subscriptions(orders: Sequence[OrderIn], *, session: AsyncSession) -> None:
    """A conversation subscribed to a whole order also follows shipments added later."""
    numbers = [o.order_number for o in orders]
    subscribed = (
        await session.execute(
            select(Subscription.order_number, Subscription.conversation_id)
            .where(Subscription.order_number.in_(numbers), Subscription.active.is_(True))
            .distinct()
        )
    ).all()
    if not subscribed:
        return
    by_number = {o.order_number: o for o in orders}
    for order_number, conversation_id in subscribed:
        for shipment in by_number[order_number].shipments:
            await _subscribe_one(conversation_id, shipment.tracking_number, order_number, session)


async def delete_order(order_number: str, *, session: AsyncSession) -> bool:
    """Remove an order and its shipments; False when there was none."""
    order_id = await session.scalar(select(Order.id).where(Order.order_number == order_number))
    if order_id is None:
        return False
    await session.execute(
        delete(OrderShipment)
        .where(OrderShipment.order_id == order_id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        delete(Order).where(Order.id == order_id).execution_options(synchronize_session=False)
    )
    return True


async def find(order_number: str, *, session: AsyncSession) -> OrderView | None:
    """The order and its shipments (oldest shipment first), or None."""
    order = await session.scalar(select(Order).where(Order.order_number == order_number))
    if order is None:
        return None
    shipments = (
        await session.scalars(
            select(OrderShipment)
            .where(OrderShipment.order_id == order.id)
            .order_by(OrderShipment.shipped_at, OrderShipment.id)
        )
    ).all()
    return OrderView(
        order_number=order.order_number,
        email=order.email,
        postcode=order.postcode,
        customer_id=order.customer_id,
        source=order.source,
        shipments=[ShipmentIn(s.tracking_number, s.carrier, s.shipped_at) for s in shipments],
    )


async def count(*, session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Order)) or 0)


async def shop_sells_on(marketplace: str, *, session: AsyncSession) -> bool:
    """Whether the shop loaded any order numbered the way `marketplace` numbers them."""
    found = await session.scalar(select(Order.id).where(Order.marketplace == marketplace).limit(1))
    return found is not None


# --- verification ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Limits:
    """Failed tries allowed per conversation (ever) and per client (within `window`)."""

    per_conversation: int = 3
    per_client: int = 10
    window: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class Verdict:
    """`ok` with the order, or not (`locked` when this try used up the allowance)."""

    ok: bool
    locked: bool = False
    order: OrderView | None = None


# Compared against when the order is unknown, so a miss costs the same as a wrong answer.
_NOTHING = "\x00unknown-order"


def _same(given: str | None, stored: str | None) -> bool:
    return hmac.compare_digest((given or "").encode(), (stored or _NOTHING).encode())


async def failures(
    conversation_id: str, client: str, *, session: AsyncSession, now: datetime, limits: Limits
) -> tuple[int, int]:
    """Failed tries so far: (in this conversation, by this client within the window)."""
    base = select(func.count()).select_from(OrderAttempt).where(OrderAttempt.ok.is_(False))
    in_conversation = await session.scalar(
        base.where(OrderAttempt.conversation_id == conversation_id)
    )
    by_client = await session.scalar(
        base.where(OrderAttempt.client == client, OrderAttempt.at > now - limits.window)
    )
    return int(in_conversation or 0), int(by_client or 0)


async def is_locked(
    conversation_id: str, client: str, *, session: AsyncSession, now: datetime, limits: Limits
) -> bool:
    """True when this conversation or client has used up its tries."""
    mine, theirs = await failures(conversation_id, client, session=session, now=now, limits=limits)
    return mine >= limits.per_conversation or theirs >= limits.per_client


async def verify(
    order_number: str | None,
    answer: str,
    *,
    conversation_id: str,
    client: str,
    session: AsyncSession,
    now: datetime,
    limits: Limits,
) -> Verdict:
    """Check the buyer's e-mail (or postcode) against the order and record the try.

    An unknown or malformed order number and a wrong answer are one and the same outcome to
    the caller, so nothing tells a guesser which part was wrong."""
    if await is_locked(conversation_id, client, session=session, now=now, limits=limits):
        return Verdict(ok=False, locked=True)
    number = normalise_order_number(order_number)
    order = await find(number, session=session) if number else None
    email = normalise_email(answer)
    method = "email" if email else "postcode"
    if email:
        ok = _same(email, order.email if order else None)
    else:
        postcode = normalise_postcode(answer)
        ok = postcode is not None and _same(postcode, order.postcode if order else None)
    ok = ok and order is not None
    session.add(
        OrderAttempt(
            conversation_id=conversation_id,
            client=client,
            order_number=(number or (order_number or "")[:64] or "?")[:64],
            ok=ok,
            method=method,
            at=now,
        )
    )
    await session.flush()
    if ok:
        return Verdict(ok=True, order=order)
    locked = await is_locked(conversation_id, client, session=session, now=now, limits=limits)
    return Verdict(ok=False, locked=locked)


async def verified_before(
    order_number: str, conversation_id: str, *, session: AsyncSession
) -> bool:
    """Whether this conversation already proved the order is theirs."""
    found = await session.scalar(
        select(OrderAttempt.id)
        .where(
            OrderAttempt.conversation_id == conversation_id,
            OrderAttempt.order_number == order_number,
            OrderAttempt.ok.is_(True),
        )
        .limit(1)
    )
    return found is not None


async def owned_by_signed_in_buyer(
    order_number: str, conversation_id: str, *, client: str, session: AsyncSession, now: datetime
) -> OrderView | None:
    """The order, when the conversation belongs to the shop's signed-in user (widget setUser,
    HMAC-checked by the gateway) and that user is the order's customer (id or e-mail)."""
    identity = await session.scalar(
        select(Conversation.identity).where(Conversation.id == conversation_id)
    )
    if not identity or not identity.startswith("user:"):
        return None
    user = identity[len("user:") :]
    order = await find(order_number, session=session)
    if order is None:
        return None
    as_email = normalise_email(user)
    if not (
        (order.customer_id and _same(user, order.customer_id))
        or (as_email and order.email and _same(as_email, order.email))
    ):
        return None
    session.add(
        OrderAttempt(
            conversation_id=conversation_id,
            client=client,
            order_number=order.order_number,
            ok=True,
            method="identity",
            at=now,
        )
    )
    return order


async def asked_about(
    conversation_id: str, *, session: AsyncSession
) -> list[tuple[str, bool, OrderView | None]]:
    """Orders this conversation asked about: (number, verified?, order) in first-asked order.
    For the staff console, which may see every order."""
    rows = (
        await session.execute(
            select(
                OrderAttempt.order_number,
                func.max(cast(OrderAttempt.ok, Integer)),
                func.min(OrderAttempt.id),
            )
            .where(OrderAttempt.conversation_id == conversation_id)
            .group_by(OrderAttempt.order_number)
            .order_by(func.min(OrderAttempt.id))
        )
    ).all()
    return [(number, bool(ok), await find(number, session=session)) for number, ok, _first in rows]


async def orders_of_numbers(numbers: Iterable[str], *, session: AsyncSession) -> dict[str, str]:
    """Tracking number -> order number, for shipments that belong to a loaded order."""
    wanted = list(numbers)
    if not wanted:
        return {}
    rows = await session.execute(
        select(OrderShipment.tracking_number, Order.order_number)
        .join(Order, Order.id == OrderShipment.order_id)
        .where(OrderShipment.tracking_number.in_(wanted))
    )
    return dict(rows.all())


# --- subscriptions --------------------------------------------------------------------------
async def _subscribe_one(
    conversation_id: str, number: str, order_number: str, session: AsyncSession
) -> None:
    row = await session.scalar(
        select(Subscription).where(
            Subscription.conversation_id == conversation_id,
            Subscription.tracking_number == number,
        )
    )
    if row is None:
        session.add(
            Subscription(
                conversation_id=conversation_id,
                tracking_number=number,
                order_number=order_number,
                active=True,
                next_check_at=utcnow(),
            )
        )
        await session.flush()
    else:
        row.active = True
        row.order_number = order_number
        row.next_check_at = utcnow()


async def subscribe_order(
    conversation_id: str, order_number: str, *, session: AsyncSession
) -> list[str]:
    """Updates for every shipment of the order, now and those added later. Returns the
    numbers subscribed (empty when the order is unknown or has no shipment yet, in which case
    nothing is stored)."""
    order = await find(order_number, session=session)
    if order is None:
        return []
    for shipment in order.shipments:
        await _subscribe_one(conversation_id, shipment.tracking_number, order_number, session)
    return [s.tracking_number for s in order.shipments]
