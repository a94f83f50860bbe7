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
