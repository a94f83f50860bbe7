"""Whether a buyer may see an order: the e-mail or postcode they give, or the shop's signed-in
user (widget `setUser`). Every try is recorded, so guessing is limited per conversation and per
client, and the console can list the orders a conversation asked about."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversations.orders.lookup import find
from bot.conversations.orders.records import (
    OrderView,
    normalise_email,
    normalise_order_number,
    normalise_postcode,
)
from bot.storage.models import Conversation, OrderAttempt


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
