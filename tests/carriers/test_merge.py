"""Merging answers: duplicates, freshness, provenance."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.carriers.merge import freshest, merge, merge_events
from bot.tracking.model import Event, Shipment, Source, Status, SubStatus

NOW = datetime(2024, 5, 10, tzinfo=timezone.utc)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_same_scan_in_two_time_zones_counts_once() -> None:
    a = Event(
        time=at("2024-05-02T08:40:00+08:00"), description="Departed facility", provider="17track"
    )
    b = Event(
        time=at("2024-05-02T00:40:30+00:00"),
        description="DEPARTED FACILITY.",
        location="Hong Kong",
        provider="aftership",
    )

    (merged,) = merge_events([[a], [b]])

    assert merged.provider == "17track,aftership"
    assert merged.location == "Hong Kong"


def test_different_scans_in_the_same_minute_are_kept_apart() -> None:
    a = Event(time=at("2024-05-02T08:40:00+08:00"), description="Arrived at hub")
    b = Event(time=at("2024-05-02T08:40:00+08:00"), description="Departed hub")

    assert len(merge_events([[a, b]])) == 2


def test_the_freshest_status_wins_and_not_found_never_overrides() -> None:
    older = Shipment(
        number="N",
        status=Status.DELIVERED,
        events=(
            Event(time=at("2024-05-03T10:00:00+00:00"), description="x", status=Status.DELIVERED),
        ),
    )
    newer = Shipment(
        number="N",
        status=Status.EXCEPTION,
        sub_status=SubStatus.RETURNING,
        events=(
            Event(time=at("2024-05-04T10:00:00+00:00"), description="y", status=Status.EXCEPTION),
        ),
    )
    unknown = Shipment(number="N", status=Status.NOT_FOUND)

    assert freshest([unknown, older, newer]) is newer
    assert freshest([unknown]) is None


def test_a_merge_keeps_sources_and_fills_fields_by_priority() -> None:
    first = Shipment(number="N", status=Status.IN_TRANSIT, origin_country="CN")
    second = Shipment(
        number="N", status=Status.IN_TRANSIT, origin_country="HK", destination_country="DE"
    )
    sources = [Source(provider="a", ok=True), Source(provider="b", ok=False, error="HTTP 500")]

    merged = merge("N", [first, second], sources=sources, now=NOW, partial=True)

    assert (merged.origin_country, merged.destination_country) == ("CN", "DE")
    assert merged.sources == tuple(sources) and merged.partial
