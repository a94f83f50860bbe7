"""The demo carrier: the embedded default provider, with no network.

Showcase numbers (docs/demo-numbers.md) each play one situation a buyer meets; their histories
are built backwards from `now()`, so "last scan 3 days ago" stays true on any date. Any other
number gets a plausible history derived from a SHA-256 of the number and today's date: the
same number gives the same journey, and it moves forward day by day on a 40-day cycle.

"Shipped at" plays the seller's order data: the date the seller says it shipped the parcel.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.tracking.model import Event, Shipment, Source, Status, SubStatus

PROVIDER = "demo"
_S10 = re.compile(r"^[A-Z]{2}\d{9}([A-Z]{2})$")


@dataclass(frozen=True)
class Place:
    """A city where scans happen, with its IANA zone (and the offset to use without tzdata)."""

    name: str
    country: str
    zone: str
    fallback_offset_hours: float

    def tz(self) -> tzinfo:
        try:
            return ZoneInfo(self.zone)
        except ZoneInfoNotFoundError:
            return timezone(timedelta(hours=self.fallback_offset_hours))


PLACES: dict[str, Place] = {
    p.name: p
    for p in (
        Place("Shenzhen", "CN", "Asia/Shanghai", 8),
        Place("Guangzhou", "CN", "Asia/Shanghai", 8),
        Place("Shanghai", "CN", "Asia/Shanghai", 8),
        Place("Hong Kong", "HK", "Asia/Hong_Kong", 8),
        Place("Singapore", "SG", "Asia/Singapore", 8),
        Place("London", "GB", "Europe/London", 0),
        Place("Frankfurt", "DE", "Europe/Berlin", 1),
        Place("Leipzig", "DE", "Europe/Berlin", 1),
        Place("Berlin", "DE", "Europe/Berlin", 1),
        Place("Munich", "DE", "Europe/Berlin", 1),
        Place("Paris", "FR", "Europe/Paris", 1),
        Place("Amsterdam", "NL", "Europe/Amsterdam", 1),
        Place("Madrid", "ES", "Europe/Madrid", 1),
        Place("New York", "US", "America/New_York", -5),
        Place("Chicago", "US", "America/Chicago", -6),
        Place("Coventry", "GB", "Europe/London", 0),
    )
}

# Per country: (national post, export/import hub, inland sorting city, delivery city).
COUNTRIES: dict[str, tuple[str, str, str, str]] = {
    "CN": ("China Post", "Guangzhou", "Shenzhen", "Shanghai"),
    "HK": ("Hongkong Post", "Hong Kong", "Hong Kong", "Hong Kong"),
    "SG": ("Singapore Post", "Singapore", "Singapore", "Singapore"),
    "GB": ("Royal Mail", "London", "Coventry", "London"),
    "DE": ("Deutsche Post", "Frankfurt", "Leipzig", "Berlin"),
    "FR": ("La Poste", "Paris", "Paris", "Paris"),
    "NL": ("PostNL", "Amsterdam", "Amsterdam", "Amsterdam"),
    "ES": ("Correos", "Madrid", "Madrid", "Madrid"),
    "US": ("USPS", "New York", "Chicago", "New York"),
}
_DESTINATIONS = ("DE", "US", "GB", "FR", "NL", "ES")


@dataclass(frozen=True)
class Step:
    """One scan of a scripted history, `hours_ago` before now."""

    hours_ago: float
    place: str
    description: str
    status: Status = Status.IN_TRANSIT
    sub_status: SubStatus = SubStatus.OTHER


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
_LABEL = "Shipping label created, parcel data received"

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
        (Step(50, "Shenzhen", _LABEL, _INFO),),
    ),
    Showcase(
        "LX300000009CN",
        "awaiting_handover",
        "Label created 12 days ago; the seller never handed it over",
        "CN",
        "FR",
        (Step(12 * 24 + 6, "Shenzhen", _LABEL, _INFO),),
    ),
    Showcase(
        "RR123456785CN",
        "international_transit",
        "Left China 3 days ago; in the air to Germany",
        "CN",
        "DE",
        (
            Step(7 * 24 + 3, "Shenzhen", _LABEL, _INFO),
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
            Step(11 * 24, "Shenzhen", _LABEL, _INFO),
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
            Step(12 * 24, "Shenzhen", _LABEL, _INFO),
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
            Step(19 * 24, "Shenzhen", _LABEL, _INFO),
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
            Step(49 * 24, "Shanghai", _LABEL, _INFO),
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
            Step(16 * 24, "Shenzhen", _LABEL, _INFO),
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
            Step(14 * 24, "Shenzhen", _LABEL, _INFO),
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
            Step(12 * 24, "Hong Kong", _LABEL, _INFO),
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
            Step(9 * 24, "Shenzhen", _LABEL, _INFO),
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


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _event(at: datetime, step: Step) -> Event:
    place = PLACES[step.place]
    return Event(
        time=at.astimezone(place.tz()),
        description=step.description,
        location=place.name,
        country=place.country,
        status=step.status,
        sub_status=step.sub_status,
        provider=PROVIDER,
    )


def _shipment(
    number: str,
    *,
    now: datetime,
    origin: str,
    destination: str,
    events: list[Event],
    shipped_at: datetime | None,
    courier: str | None,
) -> Shipment:
    latest = max(events, key=lambda e: e.time, default=None)
    status = latest.status if latest else Status.NOT_FOUND
    sub_status = latest.sub_status if latest else SubStatus.OTHER
    post = COUNTRIES.get(origin, ("Post",))[0]
    return Shipment(
        number=number,
        status=status,
        sub_status=sub_status,
        courier=courier,
        carrier=f"{post} (demo)",
        origin_country=origin,
        destination_country=destination,
        events=tuple(sorted(events, key=lambda e: e.time, reverse=True)),
        sources=(Source(provider=PROVIDER, ok=True, status=status, fetched_at=now),),
        fetched_at=now,
        shipped_at=shipped_at,
    )


def build_showcase(showcase: Showcase, now: datetime, courier: str | None = None) -> Shipment:
    """The shipment a showcase number shows at `now`."""
    events = [_event(now - timedelta(hours=s.hours_ago), s) for s in showcase.steps]
    if showcase.shipped_days_ago is not None:
        shipped_at: datetime | None = now - timedelta(days=showcase.shipped_days_ago)
    else:
        shipped_at = min((e.time for e in events), default=None)
    return _shipment(
        showcase.number,
        now=now,
        origin=showcase.origin,
        destination=showcase.destination,
        events=events,
        shipped_at=shipped_at,
        courier=courier,
    )


# The standard journey for any other number: (step, min hours, max hours after the previous).
_JOURNEY: tuple[tuple[str, str, Status, SubStatus, int, int], ...] = (
    ("inland", _LABEL, Status.INFO_RECEIVED, SubStatus.OTHER, 0, 0),
    ("inland", "Accepted by the post office", Status.IN_TRANSIT, SubStatus.PICKED_UP, 10, 40),
    ("hub", "Arrived at the international mail processing centre", Status.IN_TRANSIT,
     SubStatus.ARRIVAL, 12, 36),
    ("hub", "Departure from outward office of exchange", Status.IN_TRANSIT,
     SubStatus.DEPARTURE, 24, 96),
    ("dest_hub", "Arrival at inward office of exchange", Status.IN_TRANSIT,
     SubStatus.ARRIVAL, 72, 240),
    ("dest_hub", "Customs clearance completed", Status.IN_TRANSIT,
     SubStatus.CUSTOMS_RELEASED, 12, 60),
    ("dest_city", "Arrived at the delivery office", Status.IN_TRANSIT, SubStatus.ARRIVAL, 20, 72),
    ("dest_city", "Out for delivery", Status.OUT_FOR_DELIVERY, SubStatus.OTHER, 10, 20),
    ("dest_city", "Delivered", Status.DELIVERED, SubStatus.OTHER, 2, 8),
)  # fmt: skip
_CYCLE_DAYS = 40


def build_generic(number: str, now: datetime, courier: str | None = None) -> Shipment:
    """A deterministic, plausible history for a number that is not a showcase.

    The journey's shape comes from SHA-256 of the number; its start moves with the calendar
    (a 40-day cycle) so the parcel progresses from one day to the next.
    """
    digest = hashlib.sha256(number.encode("utf-8")).digest()
    match = _S10.match(number)
    origin = match.group(1) if match and match.group(1) in COUNTRIES else "CN"
    choices = [c for c in _DESTINATIONS if c != origin]
    destination = choices[digest[0] % len(choices)]
    phase = int.from_bytes(digest[1:3], "big") % _CYCLE_DAYS
    days_in = (now.astimezone(timezone.utc).date().toordinal() + phase) % _CYCLE_DAYS
    start_day = now.astimezone(timezone.utc).date() - timedelta(days=days_in)
    start = datetime.combine(start_day, time(hour=1 + digest[3] % 8), tzinfo=timezone.utc)
    _, hub, inland, _ = COUNTRIES[origin]
    _, dest_hub, _, dest_city = COUNTRIES[destination]
    where = {"inland": inland, "hub": hub, "dest_hub": dest_hub, "dest_city": dest_city}
    events: list[Event] = []
    at = start
    for index, (leg, description, status, sub, low, high) in enumerate(_JOURNEY):
        at += timedelta(hours=low + digest[4 + index] % (high - low + 1))
        if at > now:
            break
        events.append(_event(at, Step(0, where[leg], description, status, sub)))
    return _shipment(
        number,
        now=now,
        origin=origin,
        destination=destination,
        events=events,
        shipped_at=start,
        courier=courier,
    )


class DemoProvider:
    """The built-in provider: answers every number from scripted or generated histories."""

    name = PROVIDER

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._now = now or _utc_now

    def supports(self, number: str, courier: str | None) -> bool:
        """The demo answers for any number and any courier."""
        return True

    async def track(self, number: str, *, courier: str | None = None) -> Shipment:
        """The showcase history for a documented number, else a generated one."""
        now = self._now()
        if now.tzinfo is None:
            raise ValueError("DemoProvider's clock must return timezone-aware datetimes")
        key = re.sub(r"[\s-]", "", number).upper()
        showcase = SHOWCASE_BY_NUMBER.get(key)
        if showcase is not None:
            return build_showcase(showcase, now, courier)
        return build_generic(key, now, courier)
