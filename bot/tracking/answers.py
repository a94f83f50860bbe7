"""Answers to the question the buyer asked about a parcel already in the conversation.

Pure domain code: each function takes the shipment, its diagnosis (`bot.tracking.explain`) and
what it needs, and returns the lines to send. They answer the follow-up (customs, when, any
news, delivered but missing) instead of repeating the whole status block.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot import texts
from bot.tracking.customs import customs_facts
from bot.tracking.evidence import scan_label
from bot.tracking.explain import Diagnosis, render_reply
from bot.tracking.jargon import jargon_key
from bot.tracking.legs import chronological
from bot.tracking.model import Event, Shipment, Status
from bot.tracking.thresholds import Thresholds

CUSTOMS_REASONS = ("customs_clearance", "customs_action_required")
# The legs still ahead of a parcel on each leg, as the thresholds that bound them.
_AHEAD: dict[str, tuple[str, ...]] = {
    "origin": ("origin_days", "international_days", "customs_days", "postal_sync_days"),
    "domestic": ("origin_days", "last_mile_days"),
    "international": ("international_days", "customs_days", "postal_sync_days"),
    "customs": ("customs_days", "postal_sync_days"),
    "destination": ("postal_sync_days", "last_mile_days"),
}


def last_event(shipment: Shipment | None) -> Event | None:
    if shipment is None or not shipment.events:
        return None
    return max(shipment.events, key=chronological)


def fingerprint(shipment: Shipment | None) -> str:
    """What the buyer was told about a parcel, to tell later whether anything changed."""
    if shipment is None:
        return ""
    last = last_event(shipment)
    scan = f"{last.time.isoformat()}|{last.description}" if last else ""
    return f"{shipment.status.value}|{scan}"


def _status(shipment: Shipment | None, lang: str) -> str:
    status = shipment.status if shipment is not None else Status.NOT_FOUND
    return texts.text(f"status.{status.value}", lang)


def _scan_and_date(shipment: Shipment, lang: str) -> tuple[str, str]:
    last = last_event(shipment)
    if last is None:
        return texts.text("status.line_no_scans", lang, status="", number="").strip(" —:."), ""
    scan = texts.text("scan.quote", lang, label=scan_label(last))
    return scan, texts.format_date(last.time.date(), lang, today=shipment.fetched_at.date())


def customs_answer(
    shipment: Shipment | None, diagnosis: Diagnosis, *, paid: bool, today: date, lang: str = "en"
) -> list[str]:
    """Customs facts for the parcel's destination, with one line on where the parcel is."""
    evidence = diagnosis.evidence
    number = evidence.get("number") or (shipment.number if shipment else "")
    destination = evidence.get("destination_country")
    country = texts.country_name(destination, lang)
    lines: list[str] = []
    if paid:
        check = today + timedelta(days=3)
        lines.append(texts.text("customs.paid", lang, date=texts.format_date(check, lang)))
        return lines
    if shipment is not None and shipment.status == Status.DELIVERED:
        # Delivered: customs is behind the parcel, whatever the facts below say it costs.
        lines.append(texts.text("customs.delivered", lang, number=number))
    elif diagnosis.reason == "customs_action_required":
        lines.append(texts.text("customs.action_required", lang, number=number))
    elif diagnosis.reason in CUSTOMS_REASONS and shipment is not None:
        scan, when = _scan_and_date(shipment, lang)
        lines.append(
            texts.text("customs.now_in_customs", lang, number=number, scan=scan, date=when)
        )
    else:
        lines.append(
            texts.text(
                "customs.not_in_customs",
                lang,
                number=number,
                status=_status(shipment, lang),
                country=country,
            )
        )
    lines.append(texts.text("customs.intro", lang, country=country))
    lines.extend(customs_facts(destination, lang))
    return lines


def estimate_answer(
    shipment: Shipment | None,
    diagnosis: Diagnosis,
    *,
    now: datetime,
    thresholds: Thresholds,
    lang: str = "en",
) -> list[str] | None:
    """A date range for delivery from the leg the parcel is on and the documented thresholds;
    None when there is no parcel history to estimate from (the full explanation says why)."""
    last = last_event(shipment)
    if shipment is None or last is None:
        return None
    evidence = diagnosis.evidence
    number = shipment.number
    today = now.date()
    status = _status(shipment, lang)
    when = texts.format_date(last.time.date(), lang, today=today)
    if shipment.status == Status.DELIVERED:
        return [texts.text("estimate.delivered", lang, number=number, date=when)]
    if shipment.status in (Status.OUT_FOR_DELIVERY, Status.AVAILABLE_FOR_PICKUP):
        return [texts.text("estimate.today", lang, number=number, status=status)]
    leg = evidence.get("leg") or "origin"
    ahead = _AHEAD.get(leg)
    if ahead is None or diagnosis.reason in ("stalled", "delivery_problem", "data_error"):
        return None
    first_leg_days = getattr(thresholds, ahead[0])
    if (evidence.get("last_event_age_days") or 0) > first_leg_days:
        check = diagnosis.check_again_after or today + timedelta(days=thresholds.recheck_days)
        return [
            texts.text(
                "estimate.late",
                lang,
                number=number,
                status=status,
                date=when,
                check=texts.format_date(check, lang, today=today),
            )
        ]
    start = today + timedelta(days=len(ahead))
    end = max(
        start + timedelta(days=2),
        last.time.date() + timedelta(days=sum(getattr(thresholds, name) for name in ahead)),
    )
    leg_words = texts.text(
        f"leg.{'origin' if leg == 'domestic' else leg}",
        lang,
        origin=texts.country_name(
            evidence.get("origin_country"), lang, unknown_key="country.origin_unknown"
        ),
        destination=texts.country_name(evidence.get("destination_country"), lang),
    )
    return [
        texts.text(
            "estimate.range",
            lang,
            number=number,
            start=texts.format_date(start, lang, today=today),
            end=texts.format_date(end, lang, today=today),
            leg=leg_words,
        )
    ]


def news_answer(
    shipment: Shipment | None, diagnosis: Diagnosis, *, previous: str | None, lang: str = "en"
) -> list[str] | None:
    """ "Nothing new since I last looked" when the parcel is as it was at the last answer;
    None when something changed (or there was no earlier answer): then the full reply goes."""
    if shipment is None or not previous or fingerprint(shipment) != previous:
        return None
    check = diagnosis.check_again_after
    check_text = texts.format_date(check, lang) if check else texts.text("news.soon", lang)
    if last_event(shipment) is None:
        # No scan to quote: say so in a sentence of its own.
        return [texts.text("news.none_no_scans", lang, number=shipment.number, check=check_text)]
    scan, when = _scan_and_date(shipment, lang)
    return [
        texts.text(
            "news.none", lang, number=shipment.number, scan=scan, date=when, check=check_text
        )
    ]


def not_received_answer(
    shipment: Shipment | None, diagnosis: Diagnosis, lang: str = "en"
) -> list[str]:
    """For a parcel the buyer says they do not have: delivered-but-missing steps, or where it
    really is when it is not marked delivered."""
    number = diagnosis.evidence.get("number") or (shipment.number if shipment else "")
    if shipment is not None and shipment.status == Status.DELIVERED:
        if last_event(shipment) is None:
            # Marked delivered with no scan to quote: say so in a sentence of its own.
            return [texts.text("parcel.delivered_missing_no_scans", lang, number=number)]
        scan, when = _scan_and_date(shipment, lang)
        return [texts.text("parcel.delivered_missing", lang, number=number, date=when, scan=scan)]
    return [
        texts.text(
            "parcel.not_delivered_yet",
            lang,
            number=number,
            status=_status(shipment, lang),
            summary=diagnosis.summary,
        )
    ]


def plain_reply(
    shipment: Shipment | None,
    diagnosis: Diagnosis,
    *,
    carrier: str | None = None,
    url: str | None = None,
    link_carrier: str | None = None,
    lang: str = "en",
) -> str:
    """The short reply: one status line naming the carrier and quoting the last scan once
    (with postal jargon put in plain words), the reason, the next step, the date to check
    again, and the carrier's official tracking page. Falls back to the full reply when there
    is no scan to quote."""
    last = last_event(shipment)
    if shipment is None or last is None or diagnosis.reason == "invalid_number":
        lines = render_reply(shipment, diagnosis, lang).split("\n")
        if url and diagnosis.reason != "invalid_number":
            name = link_carrier or carrier or ""
            lines.append(texts.text("carrier.official", lang, carrier=name, url=url))
        return "\n".join(lines)
    evidence = diagnosis.evidence
    today = shipment.fetched_at.date()
    scan = texts.text("scan.quote", lang, label=scan_label(last))
    when = texts.format_date(last.time.date(), lang, today=today)
    ago = texts.days_ago(evidence.get("last_event_age_days") or 0, lang)
    key = "plain.status_line" if carrier else "plain.status_line_no_carrier"
    first = texts.text(
        key,
        lang,
        number=shipment.number,
        carrier=carrier or "",
        status=_status(shipment, lang),
        scan=scan,
        date=when,
        ago=ago,
    )
    plain = jargon_key(last.description)
    if plain is not None:
        origin = texts.country_name(
            evidence.get("origin_country") or last.country,
            lang,
            unknown_key="country.origin_unknown",
        )
        destination = texts.country_name(evidence.get("destination_country"), lang)
        first += " " + texts.text(plain, lang, origin=origin, destination=destination)
    quoted = texts.text(
        "evidence.last_scan",
        lang,
        scan=scan,
        date=texts.format_date(last.time.date(), lang, today=diagnosis_today(diagnosis, today)),
        ago=ago,
    )
    summary = diagnosis.summary
    if summary.startswith(quoted):
        summary = summary[len(quoted) :].strip()
    lines = [first]
    if summary:
        lines.append(summary)
    lines.append(diagnosis.next_step)
    if diagnosis.check_again_after is not None:
        check = texts.format_date(diagnosis.check_again_after, lang, today=today)
        lines.append(texts.text("reply.check_again", lang, date=check))
    if diagnosis.escalate:
        lines.append(texts.text("reply.offer_human", lang))
    if url:
        name = link_carrier or carrier or ""
        lines.append(texts.text("carrier.official", lang, carrier=name, url=url))
    return "\n".join(lines)


def diagnosis_today(diagnosis: Diagnosis, fallback: date) -> date:
    """The day the diagnosis was made (its evidence records `now`)."""
    now = diagnosis.evidence.get("now")
    return datetime.fromisoformat(now).date() if now else fallback
