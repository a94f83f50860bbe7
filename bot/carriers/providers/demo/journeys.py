"""The demo world and the journey every non-showcase number travels.

Places, national posts and the scripted steps the demo carrier's histories are made of, and
`build_generic()`: a plausible history derived from a SHA-256 of the number and today's date, so
the same number gives the same journey and it moves forward day by day on a 40-day cycle.
"""

from __future__ import annotations

import hashlib
import re
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


LABEL_CREATED = "Shipping label created, parcel data received"


def scan_event(at: datetime, step: Step) -> Event:
    """The demo carrier's scan of `step` at instant `at`, in its place's local time."""
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


def demo_shipment(
    number: str,
    *,
    now: datetime,
    origin: str,
    destination: str,
    events: list[Event],
    shipped_at: datetime | None,
    courier: str | None,
) -> Shipment:
    """The demo carrier's answer for `number`: status from the latest of `events`, newest first."""
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


# The standard journey for any other number: (step, min hours, max hours after the previous).
_JOURNEY: tuple[tuple[str, str, Status, SubStatus, int, int], ...] = (
    ("inland", LABEL_CREATED, Status.INFO_RECEIVED, SubStatus.OTHER, 0, 0),
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
        events.append(scan_event(at, Step(0, where[leg], description, status, sub)))
    return demo_shipment(
        number,
        now=now,
        origin=origin,
        destination=destination,
        events=events,
        shipped_at=start,
        courier=courier,
    )
