"""Why a parcel looks stuck, and what the buyer should do: a pure function of the shipment and now.

`diagnose()` picks exactly one reason code from `REASONS`, collects the facts it used as
`evidence`, and words the summary and next step through `bot.texts`, so the bot,
the notifier and the staff console all say the same thing. docs/reasons.md documents the
decision order and every threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.tracking.evidence import (
    Facts,
    evidence_record,
    evidence_sentence,
    gather_facts,
    scan_label,
    whole_days,
)
from bot.tracking.legs import (
    CUSTOMS_SUBS,
    chronological,
    is_customs,
    is_customs_release,
    is_preclearance,
    needs_customs_action,
    scanned,
)
from bot.tracking.model import Event, Reason, Shipment, Status, SubStatus
from bot.tracking.thresholds import Thresholds

if TYPE_CHECKING:
    from bot.tracking.numbers import Match

# The reason codes in decision-table order (Reason is the Enum; this keeps the old name).
REASONS: tuple[str, ...] = tuple(r.value for r in Reason)

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

    reason: Reason
    summary: str
    next_step: str
    check_again_after: date | None
    escalate: bool
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The diagnosis as JSON-ready data (dates in ISO 8601)."""
        return {
            "reason": self.reason.value,
            "summary": self.summary,
            "next_step": self.next_step,
            "check_again_after": (
                self.check_again_after.isoformat() if self.check_again_after else None
            ),
            "escalate": self.escalate,
            "evidence": self.evidence,
        }


def _after(facts: Facts, start: datetime, days: int) -> date:
    """The date (in `now`'s zone) `days` after `start`, but never earlier than tomorrow."""
    due = (start + timedelta(days=days)).astimezone(facts.now.tzinfo).date()
    return max(due, facts.today + timedelta(days=1))


def _soon(facts: Facts) -> date:
    return facts.today + timedelta(days=facts.thresholds.recheck_days)


def _build(
    facts: Facts,
    reason: Reason,
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
        "evidence": evidence_sentence(facts, evidence_key, event),
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
    key = f"reason.{reason.value}.{variant}"
    return Diagnosis(
        reason=reason,
        summary=texts.text(f"{key}.summary", lang, **fields),
        next_step=texts.text(f"{key}.next_step", lang, **fields),
        check_again_after=check_again,
        escalate=escalate,
        evidence=evidence_record(facts, variant, threshold, days),
    )


def _no_scans(facts: Facts) -> Diagnosis:
    """Nothing but (at most) label data: too early to worry, or the data went missing."""
    t = facts.thresholds
    if facts.shipment.status == Status.INFO_RECEIVED:
        labels = list(facts.events)  # not accepted yet, whatever the events say
    else:
        labels = [e for e in facts.events if e.status == Status.INFO_RECEIVED]
    if labels:
        label = labels[0]
        if whole_days(label.time, facts.now) > t.handover_days:
            return _build(
                facts,
                Reason.AWAITING_HANDOVER,
                "default",
                evidence_key="evidence.label_only",
                evidence_event=label,
                escalate=True,
                threshold="handover_days",
            )
        return _build(
            facts,
            Reason.NOT_YET_UPDATED,
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
            Reason.NOT_YET_UPDATED,
            "no_scans",
            evidence_key="evidence.no_scans",
            check_again=_soon(facts),
            threshold="not_found_days",
        )
    if (facts.days_since_shipped or 0) > t.not_found_days:
        return _build(
            facts,
            Reason.DATA_ERROR,
            "default",
            evidence_key="evidence.no_scans_shipped",
            escalate=True,
            threshold="not_found_days",
        )
    return _build(
        facts,
        Reason.NOT_YET_UPDATED,
        "no_scans_shipped",
        evidence_key="evidence.no_scans_shipped",
        check_again=_after(facts, shipped, t.not_found_days),
        threshold="not_found_days",
    )


def _problem(facts: Facts, sub: SubStatus) -> Diagnosis:
    if facts.shipment.status == Status.DELIVERY_FAILURE and sub not in _PROBLEM_VARIANTS:
        variant = "failed_attempt"
    else:
        variant = _PROBLEM_VARIANTS.get(sub, "other")
    return _build(
        facts, Reason.DELIVERY_PROBLEM, variant, escalate=variant not in _SELF_SERVICE_PROBLEMS
    )


def _waiting(facts: Facts, reason: Reason, threshold: str) -> Diagnosis:
    """A leg where silence is normal for `threshold` days: wait until then; once past it,
    say it is slow and ask again soon."""
    days = getattr(facts.thresholds, threshold)
    assert facts.last is not None and facts.age is not None
    if facts.age > days:
        return _build(facts, reason, "slow", check_again=_soon(facts), threshold=threshold)
    check_again = _after(facts, facts.last.time, days)
    return _build(facts, reason, "normal", check_again=check_again, threshold=threshold)


def _in_transit(facts: Facts) -> Diagnosis:
    """A parcel with scans and no final status: explain the silence on its current leg."""
    t = facts.thresholds
    last = facts.last
    assert last is not None and facts.age is not None
    age = facts.age
    if age > t.stalled_days:
        return _build(facts, Reason.STALLED, "silent", escalate=True, threshold="stalled_days")
    if facts.leg == "customs":
        if needs_customs_action(last, facts.shipment):
            return _build(
                facts,
                Reason.CUSTOMS_ACTION_REQUIRED,
                "default",
                escalate=age > t.customs_days,
                threshold="customs_days",
            )
        return _waiting(facts, Reason.CUSTOMS_CLEARANCE, "customs_days")
    if facts.leg == "international":
        return _waiting(facts, Reason.INTERNATIONAL_TRANSIT, "international_days")
    if facts.leg == "destination":
        if age > t.postal_sync_days:
            return _build(
                facts,
                Reason.POSTAL_SYNC_DELAY,
                "default",
                check_again=_soon(facts),
                threshold="postal_sync_days",
            )
        return _build(
            facts,
            Reason.ON_TRACK,
            "arrived",
            check_again=min(_after(facts, last.time, t.postal_sync_days), _soon(facts)),
            threshold="postal_sync_days",
        )
    # Origin or domestic: nothing explains a long silence inside one country.
    if age > t.origin_days:
        return _build(facts, Reason.STALLED, "silent", escalate=True, threshold="origin_days")
    return _build(
        facts,
        Reason.ON_TRACK,
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
    facts = gather_facts(shipment, now, t, lang, number_check)
    status = shipment.status
    sub = shipment.sub_status
    last = facts.last

    carrier_knows_it = bool(scanned(facts.events)) or status not in (
        Status.NOT_FOUND,
        Status.INFO_RECEIVED,
    )
    if number_check is not None and not number_check.valid and not carrier_knows_it:
        # Match.problem says why: a wrong check digit, or an S10 country that does not exist.
        problem = getattr(number_check, "problem", None)
        variant = "unknown_country" if problem == "unknown_country" else "default"
        return _build(facts, Reason.INVALID_NUMBER, variant)
    if status == Status.NOT_FOUND and sub == SubStatus.INVALID_CODE and not facts.events:
        return _build(facts, Reason.INVALID_NUMBER, "carrier_rejected")

    if status == Status.DELIVERED:
        return _build(facts, Reason.DELIVERED, "default")
    if status == Status.EXPIRED:
        return _build(facts, Reason.STALLED, "expired", escalate=True, threshold="stalled_days")
    if sub == SubStatus.LOST:
        return _build(facts, Reason.STALLED, "lost", escalate=True)
    if status == Status.DELIVERY_FAILURE:
        return _problem(facts, sub)
    if status == Status.EXCEPTION and sub not in (
        *CUSTOMS_SUBS,
        SubStatus.SECURITY,
        SubStatus.DELAYED,
        SubStatus.CUSTOMS_RELEASED,
    ):
        return _problem(facts, sub)
    if sub in _PROBLEM_VARIANTS:
        # Some carriers keep the main status "in transit" while the parcel goes back.
        return _problem(facts, sub)
    if last is None or status == Status.INFO_RECEIVED or not scanned(facts.events):
        return _no_scans(facts)
    assert facts.age is not None
    if status == Status.AVAILABLE_FOR_PICKUP:
        if facts.age > t.pickup_days:
            return _build(facts, Reason.DELIVERY_PROBLEM, "pickup_overdue", threshold="pickup_days")
        return _build(facts, Reason.ON_TRACK, "pickup", threshold="pickup_days")
    if status == Status.OUT_FOR_DELIVERY:
        if facts.age > t.last_mile_days:
            return _build(
                facts,
                Reason.DELIVERY_PROBLEM,
                "out_for_delivery_stale",
                escalate=True,
                threshold="last_mile_days",
            )
        return _build(
            facts,
            Reason.ON_TRACK,
            "out_for_delivery",
            check_again=_after(facts, last.time, 1),
            threshold="last_mile_days",
        )
    if status == Status.EXCEPTION and sub in (*CUSTOMS_SUBS, SubStatus.SECURITY):
        # A customs hold reported as an exception: explain it as customs.
        facts = replace(facts, leg="customs")
    elif (
        sub in CUSTOMS_SUBS
        and facts.leg != "customs"
        # Unless the scans already placed that customs scan: data sent ahead of a parcel that
        # has not arrived yet (pre-clearance), or the sender's export clearance while the
        # parcel is still in the origin country. Then the leg the scans show stands.
        and not (facts.leg in ("origin", "international") and is_preclearance(last))
        and not (facts.leg == "origin" and (is_customs(last) or is_customs_release(last)))
    ):
        facts = replace(facts, leg="customs")
    return _in_transit(facts)


def status_line(shipment: Shipment, lang: str = "en") -> str:
    """One line naming the parcel, its status and the latest scan, e.g.
    "Parcel RR123456785CN: in transit — 'Departure from outward office of exchange, Guangzhou'
    on 12 November."
    """
    status = texts.text(f"status.{shipment.status.value}", lang)
    last = max(shipment.events, key=chronological, default=None)
    if last is None:
        return texts.text("status.line_no_scans", lang, status=status, number=shipment.number)
    today = shipment.fetched_at.date()
    return texts.text(
        "status.line",
        lang,
        number=shipment.number,
        status=status,
        scan=texts.text("scan.quote", lang, label=scan_label(last)),
        date=texts.format_date(last.time.date(), lang, today=today),
    )


def render_reply(shipment: Shipment | None, diagnosis: Diagnosis, lang: str = "en") -> str:
    """The full reply for the buyer: status line, summary, next step, check-again date, and an
    offer of a person when the diagnosis escalates. Lines are separated by newlines."""
    lines: list[str] = []
    if shipment is not None and diagnosis.reason != Reason.INVALID_NUMBER:
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


def reason_title(reason: Reason | str, lang: str = "en") -> str:
    """The short name of a reason code ("In customs"), for lists and the staff console."""
    return texts.text(f"reason.{Reason(reason).value}.title", lang)
