"""Proactive parcel updates for a conversation: the notifier re-checks active subscriptions.
Used by the staff console ("subscribe the buyer"); the Rasa action keeps its own copy."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Subscription, utcnow


async def subscribe(conversation_id: str, number: str, *, session: AsyncSession) -> bool:
    """Turn on updates for `number` (reactivating an earlier subscription). True when it was
    not active before."""
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
                active=True,
                next_check_at=utcnow(),
            )
        )
        await session.flush()
        return True
    was_active = bool(row.active)
    row.active = True
    row.next_check_at = utcnow()
    return not was_active


async def active_numbers(conversation_id: str, *, session: AsyncSession) -> list[str]:
    """Numbers this conversation gets updates for."""
    rows = await session.scalars(
        select(Subscription.tracking_number).where(
            Subscription.conversation_id == conversation_id, Subscription.active.is_(True)
        )
    )
    return list(rows)
