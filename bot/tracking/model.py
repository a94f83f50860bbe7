"""The normalised shipment every provider maps onto.

Statuses follow 17TRACK's main/sub-status vocabulary (the broadest public one), in snake case.
See docs/status-mapping.md for how each provider's vocabulary maps here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from enum import Enum
from typing import Any


class Status(str, Enum):
    """Main status of a parcel."""

    NOT_FOUND = "not_found"
    INFO_RECEIVED = "info_received"
    IN_TRANSIT = "in_transit"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERY_FAILURE = "delivery_failure"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    EXPIRED = "expired"


class Reason(str, Enum):
    """Why a parcel looks the way it does: exactly one per diagnosis (bot.tracking.explain,
    docs/reasons.md). A str Enum, so it equals its code and keys the texts ("reason.<code>...")."""

    INVALID_NUMBER = "invalid_number"
    NOT_YET_UPDATED = "not_yet_updated"
    AWAITING_HANDOVER = "awaiting_handover"
    INTERNATIONAL_TRANSIT = "international_transit"
    CUSTOMS_CLEARANCE = "customs_clearance"
    CUSTOMS_ACTION_REQUIRED = "customs_action_required"
    POSTAL_SYNC_DELAY = "postal_sync_delay"
    DATA_ERROR = "data_error"
    STALLED = "stalled"
    DELIVERY_PROBLEM = "delivery_problem"
    ON_TRACK = "on_track"
    DELIVERED = "delivered"

    def __str__(self) -> str:  # "%s" and str() give the code, as f-strings already do
        return self.value


class SubStatus(str, Enum):
    """Sub-status; the union of 17TRACK's 30 sub-statuses without their main prefix."""

    OTHER = "other"
    INVALID_CODE = "invalid_code"
    PICKED_UP = "picked_up"
    DEPARTURE = "departure"
    ARRIVAL = "arrival"
    CUSTOMS_PROCESSING = "customs_processing"
    CUSTOMS_RELEASED = "customs_released"
    CUSTOMS_REQUIRING_INFORMATION = "customs_requiring_information"
    NO_BODY = "no_body"
    SECURITY = "security"
    REJECTED = "rejected"
    INVALID_ADDRESS = "invalid_address"
    RETURNING = "returning"
    RETURNED = "returned"
    DAMAGED = "damaged"
    DELAYED = "delayed"
    LOST = "lost"
    DESTROYED = "destroyed"
    CANCELLED = "cancelled"


# How far along the journey each main status is; used to pick "the freshest" status on merges.
STATUS_PROGRESS: dict[Status, int] = {
    Status.NOT_FOUND: 0,
    Status.INFO_RECEIVED: 1,
    Status.IN_TRANSIT: 2,
    Status.EXPIRED: 2,
    Status.EXCEPTION: 3,
    Status.AVAILABLE_FOR_PICKUP: 4,
    Status.OUT_FOR_DELIVERY: 4,
    Status.DELIVERY_FAILURE: 4,
    Status.DELIVERED: 5,
}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_time(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"time without a UTC offset: {value!r}")
    return parsed


@dataclass(frozen=True)
class Event:
    """One scan or status change. `time` is always timezone-aware (the place's own offset)."""

    time: datetime
    description: str
    location: str | None = None
    country: str | None = None
    status: Status = Status.IN_TRANSIT
    sub_status: SubStatus = SubStatus.OTHER
    provider: str | None = None

    def __post_init__(self) -> None:
        if self.time.tzinfo is None:
            raise ValueError("Event.time must be timezone-aware")

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time.isoformat(),
            "location": self.location,
            "country": self.country,
            "description": self.description,
            "status": self.status.value,
            "sub_status": self.sub_status.value,
            "provider": self.provider,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        time = _parse_time(data["time"])
        assert time is not None
        return cls(
            time=time,
            description=str(data.get("description") or ""),
            location=data.get("location"),
            country=data.get("country"),
            status=Status(data.get("status") or Status.IN_TRANSIT.value),
            sub_status=SubStatus(data.get("sub_status") or SubStatus.OTHER.value),
            provider=data.get("provider"),
        )


@dataclass(frozen=True)
class Source:
    """What one provider said (or why it said nothing) for this shipment."""

    provider: str
    ok: bool
    status: Status | None = None
    error: str | None = None
    fetched_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "ok": self.ok,
            "status": self.status.value if self.status else None,
            "error": self.error,
            "fetched_at": _iso(self.fetched_at),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        status = data.get("status")
        return cls(
            provider=str(data["provider"]),
            ok=bool(data.get("ok", True)),
            status=Status(status) if status else None,
            error=data.get("error"),
            fetched_at=_parse_time(data.get("fetched_at")),
        )


@dataclass(frozen=True)
class Shipment:
    """The merged, provider-neutral picture of one parcel. Events are kept newest first."""

    number: str
    status: Status
    sub_status: SubStatus = SubStatus.OTHER
    courier: str | None = None
    carrier: str | None = None
    origin_country: str | None = None
    destination_country: str | None = None
    events: tuple[Event, ...] = ()
    sources: tuple[Source, ...] = ()
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    shipped_at: datetime | None = None
    # Set by the service: some provider failed, or the answer comes from an expired cache entry.
    partial: bool = False
    stale_seconds: float | None = None

    @property
    def last_event(self) -> Event | None:
        """The most recent event by instant, whatever order the provider sent them in."""
        return max(self.events, key=lambda e: e.time, default=None)

    def sorted_events(self) -> list[Event]:
        """Events newest first."""
        return sorted(self.events, key=lambda e: e.time, reverse=True)

    def with_changes(self, **changes: Any) -> Shipment:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "courier": self.courier,
            "carrier": self.carrier,
            "origin_country": self.origin_country,
            "destination_country": self.destination_country,
            "status": self.status.value,
            "sub_status": self.sub_status.value,
            "shipped_at": _iso(self.shipped_at),
            "fetched_at": self.fetched_at.isoformat(),
            "partial": self.partial,
            "stale_seconds": self.stale_seconds,
            "events": [e.to_dict() for e in self.sorted_events()],
            "sources": [s.to_dict() for s in self.sources],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Shipment:
        fetched = _parse_time(data.get("fetched_at")) or datetime.now(timezone.utc)
        return cls(
            number=str(data["number"]),
            courier=data.get("courier"),
            carrier=data.get("carrier"),
            origin_country=data.get("origin_country"),
            destination_country=data.get("destination_country"),
            status=Status(data.get("status") or Status.NOT_FOUND.value),
            sub_status=SubStatus(data.get("sub_status") or SubStatus.OTHER.value),
            events=tuple(Event.from_dict(e) for e in data.get("events") or ()),
            sources=tuple(Source.from_dict(s) for s in data.get("sources") or ()),
            fetched_at=fetched,
            shipped_at=_parse_time(data.get("shipped_at")),
            partial=bool(data.get("partial", False)),
            stale_seconds=data.get("stale_seconds"),
        )
