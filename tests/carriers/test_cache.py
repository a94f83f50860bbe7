"""Cache lifetimes by status."""

from __future__ import annotations

from datetime import timedelta

from bot.carriers.cache import ttl_for
from bot.tracking.model import Shipment, Status


def test_delivered_lives_long_in_transit_and_not_found_short() -> None:
    delivered = ttl_for(Shipment(number="N", status=Status.DELIVERED))
    in_transit = ttl_for(Shipment(number="N", status=Status.IN_TRANSIT))
    not_found = ttl_for(Shipment(number="N", status=Status.NOT_FOUND))

    assert delivered >= timedelta(hours=24)
    assert in_transit <= timedelta(minutes=15)
    assert not_found <= timedelta(minutes=5)


def test_a_partial_answer_is_asked_again_soon() -> None:
    partial = Shipment(number="N", status=Status.DELIVERED, partial=True)

    assert ttl_for(partial) <= timedelta(minutes=5)


def test_every_status_has_a_lifetime() -> None:
    for status in Status:
        assert ttl_for(Shipment(number="N", status=status)) > timedelta(0)


async def test_the_database_cache_evicts_entries_long_past_their_expiry(tmp_path) -> None:
    from datetime import datetime, timedelta, timezone

    from bot.carriers.cache import STALE_KEPT, DbShipmentStore
    from bot.storage.db import make_engine, make_sessionmaker
    from bot.storage.migrate import upgrade
    from bot.tracking.model import Shipment, Status

    url = f"sqlite:///{tmp_path / 'cache.db'}"
    upgrade(url)
    engine = make_engine(url)
    store = DbShipmentStore(make_sessionmaker(engine))
    long_ago = datetime(2025, 1, 1, tzinfo=timezone.utc)
    now = long_ago + STALE_KEPT + timedelta(days=60)
    await store.put(Shipment(number="RR123456785CN", status=Status.DELIVERED), now=long_ago)
    await store.put(Shipment(number="RR400000001CN", status=Status.IN_TRANSIT), now=now)
    assert await store.evict(now=now) == 1
    assert await store.get("RR123456785CN") is None
    assert await store.get("RR400000001CN") is not None
    await engine.dispose()
