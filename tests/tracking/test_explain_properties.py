"""Properties that hold for any shipment: one known reason, worded texts, sane dates."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.tracking.explain import REASONS, diagnose, render_reply
from bot.tracking.model import Event, Shipment, Status, SubStatus

NOW = datetime(2024, 11, 20, 10, 0, tzinfo=timezone.utc)
COUNTRIES = st.sampled_from(["CN", "DE", "US", "AE", None])
DESCRIPTIONS = st.sampled_from(
    [
        "Accepted by the post office",
        "Departure from outward office of exchange",
        "Arrival at inward office of exchange",
        "Presented to customs",
        "Customs clearance completed",
        "Import duties to be paid",
        "Handed over to the local postal service",
        "Out for delivery",
        "",
    ]
)
OFFSETS = st.integers(min_value=-12 * 4, max_value=14 * 4).map(
    lambda q: timezone(timedelta(minutes=15 * q))
)

events = st.builds(
    lambda minutes_ago, tz, desc, place, country, status, sub: Event(
        time=(NOW - timedelta(minutes=minutes_ago)).astimezone(tz),
        description=desc,
        location=place,
        country=country,
        status=status,
        sub_status=sub,
    ),
    st.integers(min_value=-600, max_value=90 * 24 * 60),
    OFFSETS,
    DESCRIPTIONS,
    st.sampled_from(["Guangzhou", "Frankfurt", "New York", None]),
    COUNTRIES,
    st.sampled_from(Status),
    st.sampled_from(SubStatus),
)

shipments = st.builds(
    lambda evs, status, sub, origin, dest, shipped: Shipment(
        number="RR123456785CN",
        status=status,
        sub_status=sub,
        origin_country=origin,
        destination_country=dest,
        events=tuple(evs),
        shipped_at=None if shipped is None else NOW - timedelta(hours=shipped),
        fetched_at=NOW,
    ),
    st.lists(events, max_size=8),
    st.sampled_from(Status),
    st.sampled_from(SubStatus),
    COUNTRIES,
    COUNTRIES,
    st.one_of(st.none(), st.integers(min_value=0, max_value=24 * 90)),
)


@settings(max_examples=400, deadline=None)
@given(shipments, OFFSETS)
def test_any_shipment_gets_exactly_one_known_reason_and_a_full_reply(shipment, now_tz):
    now = NOW.astimezone(now_tz)
    d = diagnose(shipment, now)
    assert d.reason in REASONS
    assert d.summary.strip() and d.next_step.strip()
    assert "{" not in d.summary + d.next_step  # every template field was filled
    if d.check_again_after is not None:
        assert d.check_again_after > now.date()
    assert d.reason not in ("stalled", "data_error", "awaiting_handover") or d.escalate
    json.dumps(d.to_dict())
    reply = render_reply(shipment, d)
    # An invalid number has no status worth showing; every other reply starts with it.
    assert reply.startswith(f"Parcel {shipment.number}: ") == (d.reason != "invalid_number")
    assert d.summary in reply and d.next_step in reply


@settings(max_examples=200, deadline=None)
@given(shipments)
def test_the_order_of_events_does_not_change_the_diagnosis(shipment):
    reordered = shipment.with_changes(events=tuple(reversed(shipment.events)))
    assert diagnose(shipment, NOW).to_dict() == diagnose(reordered, NOW).to_dict()
