"""What a diagnosis knows about a shipment at a moment, and the evidence it cites.

`gather_facts()` computes the facts once (events in order, the latest scan and its age, the
countries and the leg); `evidence_record()` turns them into the JSON-ready `evidence` of a
diagnosis and `evidence_sentence()` into the sentence quoting the scan a reply relies on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.tracking.legs import chronological, countries, current_leg
from bot.tracking.model import Event, Shipment
from bot.tracking.thresholds import Thresholds

if TYPE_CHECKING:
    from bot.tracking.numbers import Match

# Fields of a number check copied into the evidence when the check has them.
_CHECK_FIELDS = (
    "courier",
    "courier_name",
    "format",
    "problem",
    "ambiguous",
    "country",
    "operator",
    "service",
    "corrected_from",
)


@dataclass(frozen=True)
class Facts:
    """What the diagnosis knows about a shipment at `now`, computed once."""

    shipment: Shipment
    now: datetime
    today: date
    thresholds: Thresholds
    lang: str
    events: tuple[Event, ...]  # oldest first
    last: Event | None
    age: int | None  # whole days since the last event
    leg: str
    origin: str | None
    destination: str | None
    days_since_shipped: int | None
    number_check: Match | None = None


def whole_days(earlier: datetime, now: datetime) -> int:
    """Whole days elapsed from `earlier` to `now`; events stamped in the future count as 0."""
    return max(0, int((now - earlier).total_seconds() // 86400))


def gather_facts(
    shipment: Shipment,
    now: datetime,
    thresholds: Thresholds,
    lang: str,
    number_check: Match | None,
) -> Facts:
    """The facts about `shipment` as of `now` (timezone-aware)."""
    events = tuple(sorted(shipment.events, key=chronological))
    last = events[-1] if events else None
    origin, destination = countries(shipment, events)
    shipped = shipment.shipped_at
    return Facts(
        shipment=shipment,
        now=now,
        today=now.date(),
        thresholds=thresholds,
        lang=lang,
        events=events,
        last=last,
        age=whole_days(last.time, now) if last else None,
        leg=current_leg(events, origin, destination),
        origin=origin,
        destination=destination,
        days_since_shipped=whole_days(shipped, now) if shipped else None,
        number_check=number_check,
    )


def scan_label(event: Event) -> str:
    """The scan as the carrier worded it, with its place unless the wording names it already."""
    label = event.description.strip() or (event.location or "")
    if event.location and event.location.lower() not in label.lower():
        label = f"{label}, {event.location}" if label else event.location
    return label


def evidence_sentence(facts: Facts, key: str, event: Event | None) -> str:
    """The sentence (template `key`) quoting `event`, its date and age, and the ship date."""
    lang = facts.lang
    fields: dict[str, object] = {}
    if event is None and key == "evidence.last_scan":
        key = "evidence.no_details"
    if event is not None:
        fields = {
            "scan": texts.text("scan.quote", lang, label=scan_label(event)),
            "date": texts.format_date(event.time.date(), lang, today=facts.today),
            "ago": texts.days_ago(whole_days(event.time, facts.now), lang),
        }
    shipped = facts.shipment.shipped_at
    if shipped is not None:
        fields["shipped_date"] = texts.format_date(shipped.date(), lang, today=facts.today)
        fields["shipped_ago"] = texts.days_ago(facts.days_since_shipped or 0, lang)
    return texts.text(key, lang, **fields)


def _event_dict(event: Event) -> dict[str, Any]:
    data = event.to_dict()
    data["local_date"] = event.time.date().isoformat()
    return data


def _check_dict(check: Match) -> dict[str, Any]:
    data: dict[str, Any] = {"number": getattr(check, "number", None), "valid": check.valid}
    for name in _CHECK_FIELDS:
        value = getattr(check, name, None)
        if value is not None:
            data[name] = value
    return data


def evidence_record(
    facts: Facts, variant: str, threshold: str | None, days: int | None
) -> dict[str, Any]:
    """The facts a diagnosis used, as JSON-ready data (times in ISO 8601)."""
    shipment = facts.shipment
    evidence: dict[str, Any] = {
        "number": shipment.number,
        "status": shipment.status.value,
        "sub_status": shipment.sub_status.value,
        "variant": variant,
        "leg": facts.leg,
        "events": len(facts.events),
        "last_event": _event_dict(facts.last) if facts.last else None,
        "last_event_age_days": facts.age,
        "shipped_at": shipment.shipped_at.isoformat() if shipment.shipped_at else None,
        "days_since_shipped": facts.days_since_shipped,
        "origin_country": facts.origin,
        "destination_country": facts.destination,
        "threshold": {"name": threshold, "days": days} if threshold else None,
        "now": facts.now.isoformat(),
        "partial": shipment.partial,
        "sources": [s.to_dict() for s in shipment.sources],
    }
    if facts.number_check is not None:
        evidence["number_check"] = _check_dict(facts.number_check)
    return evidence
