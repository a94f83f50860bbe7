"""Why a parcel looks stuck, and what the buyer should do: a pure function of the shipment and now.

`diagnose()` picks exactly one reason code from `REASONS`, collects the facts it used as
`evidence`, and words the summary and next step through `bot.tracking.texts`, so the bot,
the notifier and the staff console all say the same thing. docs/reasons.md documents the
decision order and every threshold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.tracking import texts
from bot.tracking.model import STATUS_PROGRESS, Event, Shipment, Status, SubStatus
from bot.tracking.thresholds import Thresholds

if TYPE_CHECKING:
    from bot.tracking.numbers import Match

REASONS: tuple[str, ...] = (
    "invalid_number",
    "not_yet_updated",
    "awaiting_handover",
    "international_transit",
    "customs_clearance",
    "customs_action_required",
    "postal_sync_delay",
    "data_error",
    "stalled",
    "delivery_problem",
    "on_track",
    "delivered",
)

# Legs of the journey, in the order a parcel goes through them.
LEG_RANK: dict[str, int] = {"origin": 0, "international": 1, "customs": 2, "destination": 3}

# Carriers' own words; matched in lower case against event descriptions.
EXPORT_WORDS = (
    "outward office of exchange",
    "export",
    "airline",
    "flight",
    "departed from origin country",
    "left the origin country",
    "dispatched to destination country",
    "dispatch from origin",
    "international hub",
)
IMPORT_WORDS = (
    "inward office of exchange",
    "import",
    "arrived in destination country",
    "arrival in destination country",
    "arrived at destination country",
    "arrival at destination country",
    "handed over to the local",
    "handed over to local",
    "handed to the local",
    "local post",
    "last mile",
)
CUSTOMS_WORDS = ("customs", "clearance")
CUSTOMS_DONE_WORDS = ("released", "cleared", "completed", "complete", "finished")
CUSTOMS_ACTION_WORDS = (
    "payment",
    "pay ",
    "duty",
    "duties",
    "import tax",
    "vat",
    "document",
    "invoice",
    "information required",
    "awaiting information",
)

_CUSTOMS_SUBS = (SubStatus.CUSTOMS_PROCESSING, SubStatus.CUSTOMS_REQUIRING_INFORMATION)

# delivery_problem wording per sub-status.
_PROBLEM_VARIANTS: dict[SubStatus, str] = {
    SubStatus.INVALID_ADDRESS: "invalid_address",
    SubStatus.REJECTED: "rejected",
    SubStatus.RETURNING: "returning",
    SubStatus.RETURNED: "returned",
    SubStatus.DAMAGED: "damaged",
    SubStatus.DESTROYED: "damaged",
    SubStatus.CANCELLED: "cancelled",
}
# The buyer can sort these out alone; anything else in delivery_problem needs a person.
_SELF_SERVICE_PROBLEMS = ("failed_attempt", "pickup_overdue")


@dataclass(frozen=True)
class Diagnosis:
    """One reason, the facts behind it, and what to tell the buyer."""

    reason: str
    summary: str
    next_step: str
    check_again_after: date | None
    escalate: bool
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The diagnosis as JSON-ready data (dates in ISO 8601)."""
        return {
            "reason": self.reason,
            "summary": self.summary,
            "next_step": self.next_step,
            "check_again_after": (
                self.check_again_after.isoformat() if self.check_again_after else None
            ),
            "escalate": self.escalate,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class _Facts:
    """What diagnose() knows about a shipment at `now`, computed once."""

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


def _chronological(event: Event) -> tuple[Any, ...]:
    """Sort key: by instant; scans at the same instant by progress, then by content, so any
    input order of simultaneous scans gives the same latest scan."""
    progress = STATUS_PROGRESS.get(event.status, 0)
    return (
        event.time,
        progress,
        event.status.value,
        event.sub_status.value,
        event.description,
        event.location or "",
        event.country or "",
        event.provider or "",
        event.time.utcoffset() or timedelta(0),
    )


def _whole_days(earlier: datetime, now: datetime) -> int:
    """Whole days elapsed from `earlier` to `now`; events stamped in the future count as 0."""
    return max(0, int((now - earlier).total_seconds() // 86400))


def _has(text: str, words: Iterable[str]) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in words)


def _is_customs_release(event: Event) -> bool:
    if event.sub_status == SubStatus.CUSTOMS_RELEASED:
        return True
    return _has(event.description, CUSTOMS_WORDS) and _has(event.description, CUSTOMS_DONE_WORDS)


def _is_customs(event: Event) -> bool:
    if event.sub_status in _CUSTOMS_SUBS:
        return True
    return _has(event.description, CUSTOMS_WORDS) and not _is_customs_release(event)


def _is_export_customs(event: Event, origin: str | None) -> bool:
    """Customs scans in the origin country, or worded as export, are the sender's side."""
    if not (_is_customs(event) or _is_customs_release(event)):
        return False
    in_origin = origin is not None and (event.country or "").upper() == origin
    return in_origin or _has(event.description, ("export",))


def _needs_customs_action(event: Event, shipment: Shipment) -> bool:
    if SubStatus.CUSTOMS_REQUIRING_INFORMATION in (event.sub_status, shipment.sub_status):
        return True
    return _is_customs(event) and _has(event.description, CUSTOMS_ACTION_WORDS)


def _scanned(events: Iterable[Event]) -> list[Event]:
    """Events that are physical scans, not the shipper's electronic label data."""
    return [e for e in events if e.status != Status.INFO_RECEIVED]


def _countries(shipment: Shipment, events: tuple[Event, ...]) -> tuple[str | None, str | None]:
    """Origin and destination: the shipment's own, else inferred from the scans."""
    origin = (shipment.origin_country or "").upper() or None
    destination = (shipment.destination_country or "").upper() or None
    scans = [e for e in _scanned(events) if e.country]
    if origin is None and scans:
        origin = scans[0].country.upper()  # type: ignore[union-attr]
    if destination is None:
        # Customs and import scans happen in the country the parcel is going to.
        for event in scans:
            country = event.country.upper()  # type: ignore[union-attr]
            if _is_export_customs(event, origin):
                continue
            if country != origin and (_is_customs(event) or _has(event.description, IMPORT_WORDS)):
                destination = country
                break
    return origin, destination


def _leg(events: tuple[Event, ...], origin: str | None, destination: str | None) -> str:
    """The leg of the journey the latest scans put the parcel on."""
    if origin and destination and origin == destination:
        return "domestic"
    leg = "origin"
    for event in _scanned(events):
        country = (event.country or "").upper() or None
        if _is_export_customs(event, origin):
            continue  # export formalities: still in the origin country
        if _is_customs_release(event):
            candidate = "destination"
        elif _is_customs(event):
            # Customs can follow an arrival scan, so this may move the leg back from destination.
            leg = "customs"
            continue
        elif (country and country == destination) or _has(event.description, IMPORT_WORDS):
            candidate = "destination"
        elif country and origin and country != origin:
            candidate = "international"  # a transit country
        elif _has(event.description, EXPORT_WORDS):
            candidate = "international"
        else:
            candidate = leg
        after_customs = leg == "customs" and candidate == "destination"
        if after_customs or LEG_RANK[candidate] > LEG_RANK[leg]:
            leg = candidate
    return leg


def _facts(
    shipment: Shipment,
    now: datetime,
    thresholds: Thresholds,
    lang: str,
    number_check: Match | None,
) -> _Facts:
    events = tuple(sorted(shipment.events, key=_chronological))
    last = events[-1] if events else None
    origin, destination = _countries(shipment, events)
    shipped = shipment.shipped_at
    return _Facts(
        shipment=shipment,
        now=now,
        today=now.date(),
        thresholds=thresholds,
        lang=lang,
        events=events,
        last=last,
        age=_whole_days(last.time, now) if last else None,
        leg=_leg(events, origin, destination),
        origin=origin,
        destination=destination,
        days_since_shipped=_whole_days(shipped, now) if shipped else None,
        number_check=number_check,
    )


def _scan_label(event: Event) -> str:
    """The scan as the carrier worded it, with its place unless the wording names it already."""
    label = event.description.strip() or (event.location or "")
    if event.location and event.location.lower() not in label.lower():
        label = f"{label}, {event.location}" if label else event.location
    return label


def _evidence_sentence(facts: _Facts, key: str, event: Event | None) -> str:
    lang = facts.lang
    fields: dict[str, object] = {}
    if event is None and key == "evidence.last_scan":
        key = "evidence.no_details"
    if event is not None:
        fields = {
            "scan": texts.text("scan.quote", lang, label=_scan_label(event)),
            "date": texts.format_date(event.time.date(), lang, today=facts.today),
            "ago": texts.days_ago(_whole_days(event.time, facts.now), lang),
        }
    shipped = facts.shipment.shipped_at
    if shipped is not None:
        fields["shipped_date"] = texts.format_date(shipped.date(), lang, today=facts.today)
        fields["shipped_ago"] = texts.days_ago(facts.days_since_shipped or 0, lang)
    return texts.text(key, lang, **fields)


def _after(facts: _Facts, start: datetime, days: int) -> date:
    """The date (in `now`'s zone) `days` after `start`, but never earlier than tomorrow."""
    due = (start + timedelta(days=days)).astimezone(facts.now.tzinfo).date()
    return max(due, facts.today + timedelta(days=1))


def _soon(facts: _Facts) -> date:
    return facts.today + timedelta(days=facts.thresholds.recheck_days)


def _event_dict(event: Event) -> dict[str, Any]:
    data = event.to_dict()
    data["local_date"] = event.time.date().isoformat()
    return data


def _check_dict(check: Match | None) -> dict[str, Any] | None:
    if check is None:
        return None
    data: dict[str, Any] = {"number": getattr(check, "number", None), "valid": check.valid}
    for name in (
        "courier",
        "courier_name",
        "format",
        "problem",
        "ambiguous",
        "country",
        "operator",
        "service",
        "corrected_from",
    ):
        value = getattr(check, name, None)
        if value is not None:
            data[name] = value
    return data


def _build(
    facts: _Facts,
    reason: str,
    variant: str,
    *,
    evidence_key: str = "evidence.last_scan",
    evidence_event: Event | None = None,
    check_again: date | None = None,
    escalate: bool = False,
    threshold: str | None = None,
) -> Diagnosis:
    """Word a diagnosis from its reason/variant and attach the evidence used."""
    lang = facts.lang
    event = evidence_event or facts.last
    days = getattr(facts.thresholds, threshold) if threshold else None
    place = (event.country if event is not None else None) or facts.destination
    fields: dict[str, object] = {
        "evidence": _evidence_sentence(facts, evidence_key, event),
        "destination": texts.country_name(facts.destination, lang),
        "origin": texts.country_name(facts.origin, lang, unknown_key="country.origin_unknown"),
        "country": texts.country_name(place, lang),
        "days": days if days is not None else "",
        "number": facts.shipment.number,
    }
    if facts.shipment.shipped_at is not None:
        fields["shipped_date"] = texts.format_date(
            facts.shipment.shipped_at.date(), lang, today=facts.today
        )
        fields["shipped_ago"] = texts.days_ago(facts.days_since_shipped or 0, lang)
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
    key = f"reason.{reason}.{variant}"
    return Diagnosis(
        reason=reason,
        summary=texts.text(f"{key}.summary", lang, **fields),
        next_step=texts.text(f"{key}.next_step", lang, **fields),
        check_again_after=check_again,
        escalate=escalate,
        evidence=evidence,
    )


def _no_scans(facts: _Facts) -> Diagnosis:
    """Nothing but (at most) label data: too early to worry, or the data went missing."""
    t = facts.thresholds
    if facts.shipment.status == Status.INFO_RECEIVED:
        labels = list(facts.events)  # not accepted yet, whatever the events say
    else:
        labels = [e for e in facts.events if e.status == Status.INFO_RECEIVED]
    if labels:
        label = labels[0]
        if _whole_days(label.time, facts.now) > t.handover_days:
            return _build(
                facts,
                "awaiting_handover",
                "default",
                evidence_key="evidence.label_only",
                evidence_event=label,
                escalate=True,
                threshold="handover_days",
            )
        return _build(
            facts,
            "not_yet_updated",
            "label_only",
            evidence_key="evidence.label_only",
            evidence_event=label,
            check_again=_after(facts, label.time, t.handover_days),
            threshold="handover_days",
        )
    shipped = facts.shipment.shipped_at
    if shipped is None:
        return _build(
            facts,
            "not_yet_updated",
            "no_scans",
            evidence_key="evidence.no_scans",
            check_again=_soon(facts),
            threshold="not_found_days",
        )
    if (facts.days_since_shipped or 0) > t.not_found_days:
        return _build(
            facts,
            "data_error",
            "default",
            evidence_key="evidence.no_scans_shipped",
            escalate=True,
            threshold="not_found_days",
        )
    return _build(
        facts,
        "not_yet_updated",
        "no_scans_shipped",
        evidence_key="evidence.no_scans_shipped",
        check_again=_after(facts, shipped, t.not_found_days),
        threshold="not_found_days",
    )


def _problem(facts: _Facts, sub: SubStatus) -> Diagnosis:
    if facts.shipment.status == Status.DELIVERY_FAILURE and sub not in _PROBLEM_VARIANTS:
        variant = "failed_attempt"
    else:
        variant = _PROBLEM_VARIANTS.get(sub, "other")
    return _build(
        facts, "delivery_problem", variant, escalate=variant not in _SELF_SERVICE_PROBLEMS
    )


def _in_transit(facts: _Facts) -> Diagnosis:
    """A parcel with scans and no final status: explain the silence on its current leg."""
    t = facts.thresholds
    last = facts.last
    assert last is not None and facts.age is not None
    age = facts.age
    if age > t.stalled_days:
        return _build(facts, "stalled", "silent", escalate=True, threshold="stalled_days")
    if facts.leg == "customs":
        if _needs_customs_action(last, facts.shipment):
            return _build(
                facts,
                "customs_action_required",
                "default",
                escalate=age > t.customs_days,
                threshold="customs_days",
            )
        if age > t.customs_days:
            return _build(
                facts,
                "customs_clearance",
                "slow",
                check_again=_soon(facts),
                threshold="customs_days",
            )
        return _build(
            facts,
            "customs_clearance",
            "normal",
            check_again=_after(facts, last.time, t.customs_days),
            threshold="customs_days",
        )
    if facts.leg == "international":
        if age > t.international_days:
            return _build(
                facts,
                "international_transit",
                "slow",
                check_again=_soon(facts),
                threshold="international_days",
            )
        return _build(
            facts,
            "international_transit",
            "normal",
            check_again=_after(facts, last.time, t.international_days),
            threshold="international_days",
        )
    if facts.leg == "destination":
        if age > t.postal_sync_days:
            return _build(
                facts,
                "postal_sync_delay",
                "default",
                check_again=_soon(facts),
                threshold="postal_sync_days",
            )
        return _build(
            facts,
            "on_track",
            "arrived",
            check_again=min(_after(facts, last.time, t.postal_sync_days), _soon(facts)),
            threshold="postal_sync_days",
        )
    # Origin or domestic: nothing explains a long silence inside one country.
    if age > t.origin_days:
        return _build(facts, "stalled", "silent", escalate=True, threshold="origin_days")
    return _build(
        facts,
        "on_track",
        "moving",
        check_again=min(_after(facts, last.time, t.origin_days), _soon(facts)),
        threshold="origin_days",
    )


def diagnose(
    shipment: Shipment | None,
    now: datetime,
    *,
    number_check: Match | None = None,
    thresholds: Thresholds | None = None,
    lang: str = "en",
) -> Diagnosis:
    """Explain `shipment` as of `now` (timezone-aware) in `lang`.

    `shipment` may be None when there is only a number check (e.g. the number failed its check
    digit before any carrier was asked). `number_check` is the result of
    `bot.tracking.numbers.check_number` for the buyer's number, if the caller has one.
    Raises ValueError when `now` has no UTC offset.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    t = thresholds or Thresholds()
    if shipment is None:
        number = str(getattr(number_check, "number", "") or "")
        shipment = Shipment(number=number, status=Status.NOT_FOUND, fetched_at=now)
    facts = _facts(shipment, now, t, lang, number_check)
    status = shipment.status
    sub = shipment.sub_status
    last = facts.last

    carrier_knows_it = bool(_scanned(facts.events)) or status not in (
        Status.NOT_FOUND,
        Status.INFO_RECEIVED,
    )
    if number_check is not None and not number_check.valid and not carrier_knows_it:
        # Match.problem says why: a wrong check digit, or an S10 country that does not exist.
        problem = getattr(number_check, "problem", None)
        variant = "unknown_country" if problem == "unknown_country" else "default"
        return _build(facts, "invalid_number", variant)
    if status == Status.NOT_FOUND and sub == SubStatus.INVALID_CODE and not facts.events:
        return _build(facts, "invalid_number", "carrier_rejected")

    if status == Status.DELIVERED:
        return _build(facts, "delivered", "default")
    if status == Status.EXPIRED:
        return _build(facts, "stalled", "expired", escalate=True, threshold="stalled_days")
    if sub == SubStatus.LOST:
        return _build(facts, "stalled", "lost", escalate=True)
    if status == Status.DELIVERY_FAILURE:
        return _problem(facts, sub)
    if status == Status.EXCEPTION and sub not in (
        *_CUSTOMS_SUBS,
        SubStatus.SECURITY,
        SubStatus.DELAYED,
        SubStatus.CUSTOMS_RELEASED,
    ):
        return _problem(facts, sub)
    if sub in _PROBLEM_VARIANTS:
        # Some carriers keep the main status "in transit" while the parcel goes back.
        return _problem(facts, sub)
    if last is None or status == Status.INFO_RECEIVED or not _scanned(facts.events):
        return _no_scans(facts)
    assert facts.age is not None
    if status == Status.AVAILABLE_FOR_PICKUP:
        if facts.age > t.pickup_days:
            return _build(facts, "delivery_problem", "pickup_overdue", threshold="pickup_days")
        return _build(facts, "on_track", "pickup", threshold="pickup_days")
    if status == Status.OUT_FOR_DELIVERY:
        if facts.age > t.last_mile_days:
            return _build(
                facts,
                "delivery_problem",
                "out_for_delivery_stale",
                escalate=True,
                threshold="last_mile_days",
            )
        return _build(
            facts,
            "on_track",
            "out_for_delivery",
            check_again=_after(facts, last.time, 1),
            threshold="last_mile_days",
        )
    if status == Status.EXCEPTION and sub in (*_CUSTOMS_SUBS, SubStatus.SECURITY):
        # A customs hold reported as an exception: explain it as customs.
        facts = replace(facts, leg="customs")
    elif sub in _CUSTOMS_SUBS and facts.leg != "customs":
        facts = replace(facts, leg="customs")
    return _in_transit(facts)


def status_line(shipment: Shipment, lang: str = "en") -> str:
    """One line naming the parcel, its status and the latest scan, e.g.
    "Parcel RR123456785CN: in transit — 'Departure from outward office of exchange, Guangzhou'
    on 12 November."
    """
    status = texts.text(f"status.{shipment.status.value}", lang)
    last = max(shipment.events, key=_chronological, default=None)
    if last is None:
        return texts.text("status.line_no_scans", lang, status=status, number=shipment.number)
    today = shipment.fetched_at.date()
    return texts.text(
        "status.line",
        lang,
        number=shipment.number,
        status=status,
        scan=texts.text("scan.quote", lang, label=_scan_label(last)),
        date=texts.format_date(last.time.date(), lang, today=today),
    )


def render_reply(shipment: Shipment | None, diagnosis: Diagnosis, lang: str = "en") -> str:
    """The full reply for the buyer: status line, summary, next step, check-again date, and an
    offer of a person when the diagnosis escalates. Lines are separated by newlines."""
    lines: list[str] = []
    if shipment is not None and diagnosis.reason != "invalid_number":
        lines.append(status_line(shipment, lang))
    lines.append(diagnosis.summary)
    lines.append(diagnosis.next_step)
    if diagnosis.check_again_after is not None:
        today = None
        if shipment is not None:
            today = shipment.fetched_at.date()
        when = texts.format_date(diagnosis.check_again_after, lang, today=today)
        lines.append(texts.text("reply.check_again", lang, date=when))
    if diagnosis.escalate:
        lines.append(texts.text("reply.offer_human", lang))
    return "\n".join(lines)


def reason_title(reason: str, lang: str = "en") -> str:
    """The short name of a reason code ("In customs"), for lists and the staff console."""
    return texts.text(f"reason.{reason}.title", lang)
