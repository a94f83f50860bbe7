"""The shipments cache: in memory, or the `shipments` table shared by all processes.

How long an answer stays fresh depends on its status: a delivered parcel will not change,
one in transit or not found yet may change any hour.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import ShipmentCache as ShipmentRow
from bot.tracking.model import Shipment, Status

CACHE_TTL: dict[Status, timedelta] = {
    Status.DELIVERED: timedelta(hours=24),
    Status.EXPIRED: timedelta(hours=24),
    Status.EXCEPTION: timedelta(hours=1),
    Status.AVAILABLE_FOR_PICKUP: timedelta(hours=1),
    Status.DELIVERY_FAILURE: timedelta(minutes=30),
    Status.INFO_RECEIVED: timedelta(minutes=30),
    Status.IN_TRANSIT: timedelta(minutes=15),
    Status.OUT_FOR_DELIVERY: timedelta(minutes=10),
    Status.NOT_FOUND: timedelta(minutes=5),
}
# A partial answer (some provider failed) is asked again soon, whatever its status.
PARTIAL_TTL = timedelta(minutes=5)


# How long an expired entry is kept as the "stale answer" of last resort before eviction.
STALE_KEPT = timedelta(days=30)


def ttl_for(shipment: Shipment) -> timedelta:
    """How long `shipment` may be served from the cache without asking the providers."""
    ttl = CACHE_TTL[shipment.status]
    return min(ttl, PARTIAL_TTL) if shipment.partial else ttl


def _aware(value: datetime) -> datetime:
    # SQLite hands timezone-aware columns back naive; they were written in UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class CacheEntry:
    shipment: Shipment
    fetched_at: datetime
    expires_at: datetime

    def is_fresh(self, now: datetime) -> bool:
        return now < self.expires_at

    def age(self, now: datetime) -> float:
        """Seconds since the providers were asked."""
        return max(0.0, (now - self.fetched_at).total_seconds())


class ShipmentStore(Protocol):
    async def get(self, number: str) -> CacheEntry | None: ...

    async def put(self, shipment: Shipment, *, now: datetime) -> CacheEntry: ...


def _entry(shipment: Shipment, now: datetime) -> CacheEntry:
    stored = shipment.with_changes(stale_seconds=None)
    return CacheEntry(shipment=stored, fetched_at=now, expires_at=now + ttl_for(stored))


class MemoryShipmentStore:
    """Per-process cache, used when no database is configured. Keeps the newest `max_entries`."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: OrderedDict[str, CacheEntry] = OrderedDict()
        self._max = max_entries

    async def get(self, number: str) -> CacheEntry | None:
        return self._entries.get(number)

    async def put(self, shipment: Shipment, *, now: datetime) -> CacheEntry:
        entry = _entry(shipment, now)
        self._entries[shipment.number] = entry
        self._entries.move_to_end(shipment.number)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return entry


class DbShipmentStore:
    """The `shipments` table; one row per number, written with an upsert."""

    def __init__(self, sessionmaker: Any) -> None:
        self._sessionmaker = sessionmaker

    async def get(self, number: str) -> CacheEntry | None:
        # Plain columns, not an ORM object: this is the hot path of every cache hit.
        query = select(ShipmentRow.data, ShipmentRow.fetched_at, ShipmentRow.expires_at).where(
            ShipmentRow.number == number
        )
        async with self._sessionmaker() as session:
            row = (await session.execute(query)).first()
        if row is None:
            return None
        return CacheEntry(
            shipment=Shipment.from_dict(row.data),
            fetched_at=_aware(row.fetched_at),
            expires_at=_aware(row.expires_at),
        )

    async def put(self, shipment: Shipment, *, now: datetime) -> CacheEntry:
        entry = _entry(shipment, now)
        values = {
            "number": shipment.number,
            "status": shipment.status.value,
            "data": entry.shipment.to_dict(),
            "fetched_at": entry.fetched_at,
            "expires_at": entry.expires_at,
        }
        async with self._sessionmaker() as session, session.begin():
            await _upsert(session, values)
        return entry

    async def evict(self, *, now: datetime, keep_stale: timedelta = STALE_KEPT) -> int:
        """Delete rows that expired more than `keep_stale` ago (a stale answer is still worth
        giving when every provider fails, but not forever); returns how many went."""
        async with self._sessionmaker() as session, session.begin():
            result = await session.execute(
                delete(ShipmentRow)
                .where(ShipmentRow.expires_at < now - keep_stale)
                .execution_options(synchronize_session=False)
            )
        return int(result.rowcount or 0)


async def _upsert(session: AsyncSession, values: dict[str, Any]) -> None:
    dialect = session.bind.dialect.name if session.bind is not None else ""
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        statement = insert(ShipmentRow).values(**values)
        changes = {k: statement.excluded[k] for k in values if k != "number"}
        await session.execute(
            statement.on_conflict_do_update(index_elements=["number"], set_=changes)
        )
        return
    row = await session.get(ShipmentRow, values["number"])
    if row is None:
        session.add(ShipmentRow(**values))
    else:
        for key, value in values.items():
            setattr(row, key, value)
