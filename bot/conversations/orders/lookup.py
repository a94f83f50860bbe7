"""Reading stored orders: one order with its shipments, the order a tracking number belongs to,
how many there are, and whether the shop sells on a marketplace."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversations.orders.records import OrderView, ShipmentIn
from bot.storage.models import Order, OrderShipment


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
