"""Proactive parcel updates for a conversation: the notifier re-checks active subscriptions.
The one place that writes them: the Rasa actions (the buyer asks), the staff console
("subscribe the buyer") and whole-order subscriptions (bot.conversations.orders)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Subscription, utcnow


async def subscribe(
    conversation_id: str,
    number: str,
    *,
    session: AsyncSession,
    order_number: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Turn on updates for `number` (reactivating an earlier subscription), first check at
    `now`; `order_number` records that it came with a whole order. True when it was not
    active before."""
    now = now or utcnow()
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
                next_check_at=now,
            )
        )
        await session.flush()
        return True
    was_active = bool(row.active)
    row.active = True
    if order_number is not None:
        row.order_number = order_number
    row.next_check_at = now
    return not was_active


async def unsubscribe(
    conversation_id: str, *, session: AsyncSession, number: str | None = None
) -> int:
    """Stop updates for the conversation: every parcel, or only `number`. How many stopped."""
    query = update(Subscription).where(
        Subscription.conversation_id == conversation_id, Subscription.active.is_(True)
    )
    if number is not None:
        query = query.where(Subscription.tracking_number == number)
    result = await session.execute(
        query.values(active=False).execution_options(synchronize_session=False)
    )
    return int(result.rowcount)


async def active_numbers(conversation_id: str, *, session: AsyncSession) -> list[str]:
    """Numbers this conversation gets updates for."""
    rows = await session.scalars(
        select(Subscription.tracking_number).where(
            Subscription.conversation_id == conversation_id, Subscription.active.is_(True)
        )
    )
    return list(rows)
