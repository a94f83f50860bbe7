"""The documented demo numbers (docs/demo-numbers.md), each playing one situation a buyer meets.

Their histories are built backwards from `now`, so "last scan 3 days ago" stays true on any date.
"Shipped at" plays the seller's order data: the date the seller says it shipped the parcel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.carriers.providers.demo.journeys import LABEL_CREATED, Step, demo_shipment, scan_event
from bot.tracking.model import Shipment, Status, SubStatus


@dataclass(frozen=True)
class Showcase:
    """A documented demo number and the situation it plays."""

    number: str
    reason: str  # what `diagnose` says about it with default thresholds
    situation: str
    origin: str
    destination: str
    steps: tuple[Step, ...] = ()
    shipped_days_ago: float | None = None  # the seller's ship date; None = from the first step


_INFO = Status.INFO_RECEIVED

SHOWCASES: tuple[Showcase, ...] = (
    Showcase(
        "LX100000003CN",
        "not_yet_updated",
        "Shipped yesterday; the carrier has no scans yet",
        "CN",
        "DE",
        shipped_days_ago=1.2,
    ),
    Showcase(
        "LX200000006CN",
        "not_yet_updated",
        "Label created 2 days ago; not picked up yet",
        "CN",
        "US",
        (Step(50, "Shenzhen", LABEL_CREATED, _INFO),),
    ),
    Showcase(
        "LX300000009CN",
        "awaiting_handover",
        "Label created 12 days ago; the seller never handed it over",
        "CN",
        "FR",
        (Step(12 * 24 + 6, "Shenzhen", LABEL_CREATED, _INFO),),
    ),
    Showcase(
        "RR123456785CN",
        "international_transit",
        "Left China 3 days ago; in the air to Germany",
        "CN",
        "DE",
        (
            Step(7 * 24 + 3, "Shenzhen", LABEL_CREATED, _INFO),
            Step(
                6 * 24 + 8,
                "Shenzhen",
                "Accepted by the post office",
                sub_status=SubStatus.PICKED_UP,
            ),
            Step(5 * 24 + 1, "Guangzhou", "Arrived at the international mail processing centre"),
            Step(4 * 24 + 2, "Guangzhou", "Export customs clearance completed"),
            Step(
                3 * 24 + 5,
                "Guangzhou",
                "Departure from outward office of exchange",
                sub_status=SubStatus.DEPARTURE,
            ),
        ),
    ),
    Showcase(
        "RR400000001CN",
        "customs_clearance",
        "In customs in Germany for 2 days",
        "CN",
        "DE",
        (
            Step(11 * 24, "Shenzhen", LABEL_CREATED, _INFO),
            Step(
                10 * 24, "Shenzhen", "Accepted by the post office", sub_status=SubStatus.PICKED_UP
            ),
            Step(
                8 * 24,
                "Guangzhou",
                "Departure from outward office of exchange",
                sub_status=SubStatus.DEPARTURE,
            ),
            Step(
                3 * 24 + 4,
                "Frankfurt",
                "Arrival at inward office of exchange",
                sub_status=SubStatus.ARRIVAL,
            ),
            Step(
                2 * 24 + 6,
                "Frankfurt",
                "Presented to customs for clearance",
                sub_status=SubStatus.CUSTOMS_PROCESSING,
            ),
        ),
    ),
    Showcase(
        "RR500000004CN",
        "customs_action_required",
        "Held by UK customs until import VAT is paid",
        "CN",
        "GB",
        (
            Step(12 * 24, "Shenzhen", LABEL_CREATED, _INFO),
            Step(
                11 * 24, "Shenzhen", "Accepted by the post office", sub_status=SubStatus.PICKED_UP
            ),
            Step(
                9 * 24,
                "Guangzhou",
                "Departure from outward office of exchange",
                sub_status=SubStatus.DEPARTURE,
            ),
            Step(
                4 * 24 + 3,
                "London",
                "Arrival at inward office of exchange",
                sub_status=SubStatus.ARRIVAL,
            ),
            Step(
                2 * 24 + 2,
                "London",
                "Held by customs: import VAT and a handling fee must be paid",
                Status.EXCEPTION,
                SubStatus.CUSTOMS_REQUIRING_INFORMATION,
            ),
        ),
    ),
    Showcase(
        "RR600000007CN",
        "postal_sync_delay",
        "Handed to USPS in New York a week ago; no scan since",
        "CN",
        "US",
        (
            Step(19 * 24, "Shenzhen", LABEL_CREATED, _INFO),
            Step(
                18 * 24, "Shenzhen", "Accepted by the post office", sub_status=SubStatus.PICKED_UP
            ),
            Step(
                15 * 24,
                "Guangzhou",
                "Departure from outward office of exchange",
                sub_status=SubStatus.DEPARTURE,
            ),
            Step(
                8 * 24 + 5,
                "New York",
                "Arrival at inward office of exchange",
                sub_status=SubStatus.ARRIVAL,
            ),
            Step(
                7 * 24 + 9,
                "New York",
                "Customs clearance completed",
                sub_status=SubStatus.CUSTOMS_RELEASED,
            ),
            Step(7 * 24 + 2, "New York", "Handed over to the local postal service (USPS)"),
        ),
    ),
    Showcase(
        "LX700000000CN",
        "data_error",
        "Seller shipped it 3 weeks ago; no carrier knows the number",
        "CN",
        "ES",
        shipped_days_ago=21,
    ),
    Showcase(
        "RR800000002CN",
        "stalled",
        "Left China 45 days ago; nothing since",
        "CN",
        "FR",
        (
            Step(49 * 24, "Shanghai", LABEL_CREATED, _INFO),
            Step(
                48 * 24, "Shanghai", "Accepted by the post office", sub_status=SubStatus.PICKED_UP
            ),
            Step(
                45 * 24 + 3,
                "Shanghai",
                "Departure from outward office of exchange",
                sub_status=SubStatus.DEPARTURE,
            ),
        ),
    ),
    Showcase(
        "RR900000005CN",
        "delivery_problem",
        "Delivery failed yesterday in Berlin: address incomplete",
        "CN",
        "DE",
        (
            Step(16 * 24, "Shenzhen", LABEL_CREATED, _INFO),
            Step(
                15 * 24, "Shenzhen", "Accepted by the post office", sub_status=SubStatus.PICKED_UP
            ),
            Step(
                12 * 24,
                "Guangzhou",
                "Departure from outward office of exchange",
                sub_status=SubStatus.DEPARTURE,
            ),
            Step(
                5 * 24,
                "Frankfurt",
                "Arrival at inward office of exchange",
                sub_status=SubStatus.ARRIVAL,
            ),
            Step(
                4 * 24,
                "Frankfurt",
                "Customs clearance completed",
                sub_status=SubStatus.CUSTOMS_RELEASED,
            ),
            Step(2 * 24, "Berlin", "Arrived at the delivery office"),
            Step(
                1 * 24 + 3,
                "Berlin",
                "Delivery attempt failed: address incomplete (no flat number)",
                Status.DELIVERY_FAILURE,
                SubStatus.INVALID_ADDRESS,
            ),
        ),
    ),
    Showcase(
        "CP110000008CN",
        "on_track",
        "Out for delivery in Berlin today",
        "CN",
        "DE",
        (
            Step(14 * 24, "Shenzhen", LABEL_CREATED, _INFO),
            Step(
                13 * 24, "Shenzhen", "Accepted by the post office", sub_status=SubStatus.PICKED_UP
            ),
            Step(
                10 * 24,
                "Guangzhou",
                "Departure from outward office of exchange",
                sub_status=SubStatus.DEPARTURE,
            ),
            Step(
                4 * 24,
                "Leipzig",
                "Arrival at inward office of exchange",
                sub_status=SubStatus.ARRIVAL,
            ),
            Step(
                3 * 24,
                "Leipzig",
                "Customs clearance completed",
                sub_status=SubStatus.CUSTOMS_RELEASED,
            ),
            Step(20, "Berlin", "Arrived at the delivery office"),
            Step(3, "Berlin", "Out for delivery", Status.OUT_FOR_DELIVERY),
        ),
    ),
    Showcase(
        "CP330000002HK",
        "on_track",
        "Ready for pickup at a post office in Amsterdam",
        "HK",
        "NL",
        (
            Step(12 * 24, "Hong Kong", LABEL_CREATED, _INFO),
            Step(
                11 * 24, "Hong Kong", "Accepted by the post office", sub_status=SubStatus.PICKED_UP
            ),
            Step(
                9 * 24,
                "Hong Kong",
                "Departure from outward office of exchange",
                sub_status=SubStatus.DEPARTURE,
            ),
            Step(
                4 * 24,
                "Amsterdam",
                "Arrival at inward office of exchange",
                sub_status=SubStatus.ARRIVAL,
            ),
            Step(
                3 * 24,
                "Amsterdam",
                "Customs clearance completed",
                sub_status=SubStatus.CUSTOMS_RELEASED,
            ),
            Step(
                1 * 24 + 2,
                "Amsterdam",
                "Ready for pickup at the post office",
                Status.AVAILABLE_FOR_PICKUP,
            ),
        ),
    ),
    Showcase(
        "EA220000005CN",
        "delivered",
        "Delivered in New York yesterday",
        "CN",
        "US",
        (
            Step(9 * 24, "Shenzhen", LABEL_CREATED, _INFO),
            Step(8 * 24, "Shenzhen", "Accepted by the post office", sub_status=SubStatus.PICKED_UP),
            Step(
                7 * 24,
                "Guangzhou",
                "Departure from outward office of exchange",
                sub_status=SubStatus.DEPARTURE,
            ),
            Step(
                4 * 24,
                "New York",
                "Arrival at inward office of exchange",
                sub_status=SubStatus.ARRIVAL,
            ),
            Step(
                3 * 24 + 5,
                "New York",
                "Customs clearance completed",
                sub_status=SubStatus.CUSTOMS_RELEASED,
            ),
            Step(2 * 24, "New York", "Arrived at the delivery office"),
            Step(1 * 24 + 1, "New York", "Delivered, left in the mailbox", Status.DELIVERED),
        ),
    ),
)

SHOWCASE_BY_NUMBER: dict[str, Showcase] = {s.number: s for s in SHOWCASES}

# A valid-looking number with a wrong S10 check digit, for buyers to try (not a showcase).
INVALID_EXAMPLE = "RR123456784CN"


def build_showcase(showcase: Showcase, now: datetime, courier: str | None = None) -> Shipment:
    """The shipment a showcase number shows at `now`."""
    events = [scan_event(now - timedelta(hours=s.hours_ago), s) for s in showcase.steps]
    if showcase.shipped_days_ago is not None:
        shipped_at: datetime | None = now - timedelta(days=showcase.shipped_days_ago)
    else:
        shipped_at = min((e.time for e in events), default=None)
    return demo_shipment(
        showcase.number,
        now=now,
        origin=showcase.origin,
        destination=showcase.destination,
        events=events,
        shipped_at=shipped_at,
        courier=courier,
    )
