"""Updates for a whole order: a conversation subscribed to an order follows every shipment of
it, including shipments a later load adds (single parcels: `bot.conversations.subscriptions`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversations.orders.lookup import find
from bot.conversations.orders.records import OrderIn
from bot.conversations.subscriptions import subscribe
from bot.storage.models import Subscription


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
        await subscribe(
            conversation_id, shipment.tracking_number, session=session, order_number=order_number
        )
    return [s.tracking_number for s in order.shipments]


async def extend_order_subscriptions(orders: Sequence[OrderIn], *, session: AsyncSession) -> None:
    """A conversation subscribed to a whole order also follows shipments added later (called by
    `replace_orders` for each chunk it stores)."""
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
            await subscribe(
                conversation_id,
                shipment.tracking_number,
                session=session,
                order_number=order_number,
            )
