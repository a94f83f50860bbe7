"""Which leg of the journey a parcel is on, read from its scans, their words and countries.

A cross-border parcel goes origin -> international -> customs -> destination; a parcel whose
origin and destination are the same country is "domestic". Carriers word scans differently, so
besides sub-statuses the detection matches their usual phrases (lower case) and compares the
scans' countries with the origin and destination.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from bot.tracking import leg_words
from bot.tracking.leg_words import all_words
from bot.tracking.model import STATUS_PROGRESS, Event, Shipment, Status, SubStatus

# Legs of the journey, in the order a parcel goes through them.
LEG_RANK: dict[str, int] = {"origin": 0, "international": 1, "customs": 2, "destination": 3}

# Carriers' own words, in several languages (bot/tracking/leg_words.py); matched in lower case
# against event descriptions, after the structured data (sub-status, countries, order).
EXPORT_WORDS = all_words(leg_words.EXPORT)
IMPORT_WORDS = all_words(leg_words.IMPORT)
CUSTOMS_WORDS = all_words(leg_words.CUSTOMS)
CUSTOMS_DONE_WORDS = all_words(leg_words.CUSTOMS_DONE)
CUSTOMS_ACTION_WORDS = all_words(leg_words.CUSTOMS_ACTION)
PAYMENT_DUE_WORDS = all_words(leg_words.PAYMENT_DUE)
DELIVERY_ATTEMPT_WORDS = all_words(leg_words.DELIVERY_ATTEMPT)
PRECLEARANCE_WORDS = all_words(leg_words.PRECLEARANCE)

# Sub-statuses that mean the parcel is with customs right now.
CUSTOMS_SUBS = (SubStatus.CUSTOMS_PROCESSING, SubStatus.CUSTOMS_REQUIRING_INFORMATION)


def chronological(event: Event) -> tuple[Any, ...]:
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


def _has(text: str, words: Iterable[str]) -> bool:
    # Whitespace runs count as one space: carriers publish "Received by local  delivery company".
    lowered = " ".join(text.lower().split())
    return any(word in lowered for word in words)


def is_customs_release(event: Event) -> bool:
    """True when the scan says customs let the parcel go. An authorisation that still waits
    for payment ("Importação autorizada ... - aguardando pagamento") is not a release."""
    if event.sub_status == SubStatus.CUSTOMS_RELEASED:
        return True
    if _has(event.description, PAYMENT_DUE_WORDS):
        return False
    return _has(event.description, CUSTOMS_WORDS) and _has(event.description, CUSTOMS_DONE_WORDS)


def is_customs(event: Event) -> bool:
    """True when the scan says the parcel is with customs (and not released yet), including a
    payment due without the word customs ("Aguardando pagamento")."""
    if event.sub_status in CUSTOMS_SUBS or _has(event.description, PAYMENT_DUE_WORDS):
        return True
    return _has(event.description, CUSTOMS_WORDS) and not is_customs_release(event)


def is_preclearance(event: Event) -> bool:
    """True when a customs scan is data sent ahead of the parcel (electronic pre-clearance)."""
    return is_customs(event) and _has(event.description, PRECLEARANCE_WORDS)


def is_departure(event: Event, origin: str | None) -> bool:
    """True when the scan says the parcel left the origin country: the provider's
    "departure" sub-status first, the carrier's wording second."""
    if event.sub_status == SubStatus.DEPARTURE:
        country = (event.country or "").upper()
        return not country or country == (origin or country)
    return _has(event.description, EXPORT_WORDS)


def is_delivery_attempt(event: Event) -> bool:
    """True when the scan says a delivery attempt failed."""
    return _has(event.description, DELIVERY_ATTEMPT_WORDS)


def is_export_customs(event: Event, origin: str | None) -> bool:
    """Customs scans in the origin country, or worded as export, are the sender's side."""
    if not (is_customs(event) or is_customs_release(event)):
        return False
    in_origin = origin is not None and (event.country or "").upper() == origin
    return in_origin or _has(event.description, ("export",))


def needs_customs_action(event: Event, shipment: Shipment) -> bool:
    """True when customs waits for the buyer: duties to pay or documents to send."""
    if SubStatus.CUSTOMS_REQUIRING_INFORMATION in (event.sub_status, shipment.sub_status):
        return True
    if _has(event.description, PAYMENT_DUE_WORDS):
        return True
    return is_customs(event) and _has(event.description, CUSTOMS_ACTION_WORDS)


def scanned(events: Iterable[Event]) -> list[Event]:
    """Events that are physical scans, not the shipper's electronic label data."""
    return [e for e in events if e.status != Status.INFO_RECEIVED]


def countries(shipment: Shipment, events: tuple[Event, ...]) -> tuple[str | None, str | None]:
    """Origin and destination (upper-case ISO codes): the shipment's own, else inferred from
    the scans in `events` (oldest first)."""
    origin = (shipment.origin_country or "").upper() or None
    destination = (shipment.destination_country or "").upper() or None
    scans = [e for e in scanned(events) if e.country]
    # The first country seen is the origin, unless it is the known destination (the origin
    # post published no place: "Objeto postado, País").
    abroad = [e for e in scans if (e.country or "").upper() != destination]
    if origin is None and abroad:
        origin = (abroad[0].country or "").upper()
    if destination is None:
        # Customs and import scans happen in the country the parcel is going to.
        for event in scans:
            country = (event.country or "").upper()
            if is_export_customs(event, origin):
                continue
            if country != origin and (is_customs(event) or _has(event.description, IMPORT_WORDS)):
                destination = country
                break
    return origin, destination


def _at_origin_before_departure(
    event: Event, origin: str | None, where: str | None, departed: bool
) -> bool:
    """True when a customs scan that names no country happened in the origin country: the
    parcel has not left yet and its latest scan that named a country was there."""
    if event.country or departed or origin is None:
        return False
    return where == origin and (is_customs(event) or is_customs_release(event))


def current_leg(events: tuple[Event, ...], origin: str | None, destination: str | None) -> str:
    """The leg the latest scans in `events` (oldest first) put the parcel on: "origin",
    "international", "customs", "destination", or "domestic" when origin equals destination."""
    if origin and destination and origin == destination:
        return "domestic"
    leg = "origin"
    departed = False
    arrived = False  # a scan put the parcel itself in the destination country
    ahead = False  # the leg so far comes only from customs scans seen before the parcel moved
    where: str | None = None  # the country of the latest scan that named one
    for event in sorted(scanned(events), key=chronological):
        country = (event.country or "").upper() or None
        if is_export_customs(event, origin) or _at_origin_before_departure(
            event, origin, where, departed
        ):
            where = country or where
            continue  # export formalities: still in the origin country
        where = country or where
        if is_customs_release(event) or is_customs(event):
            if not arrived and not departed:
                ahead = True  # customs data before the parcel left: possibly sent ahead
            if is_customs_release(event):
                leg = "destination"
            elif not arrived and _has(event.description, PRECLEARANCE_WORDS):
                continue  # data sent ahead of the parcel: it has not reached customs yet
            else:
                # Customs can follow an arrival scan, so this may move the leg back.
                leg = "customs"
            continue
        if (
            event.sub_status == SubStatus.ARRIVAL
            and (not country or country != origin)
            # An arrival in a known third country is a transit hub, not the destination.
            and (not country or not destination or country == destination)
        ):
            candidate = "destination"  # the provider says: arrived in the destination country
        elif (country and country == destination) or _has(event.description, IMPORT_WORDS):
            candidate = "destination"
        elif is_departure(event, origin):
            candidate = "international"
            if ahead and not arrived:
                # Destination customs scans before the departure were a pre-clearance (data
                # sent ahead): the parcel is only now leaving the origin country.
                leg = "international"
            departed = True
            ahead = False
        elif country and origin and country != origin:
            candidate = "international"  # a transit country
        elif event.sub_status == SubStatus.PICKED_UP and ahead and not arrived:
            # Accepted by the origin post after customs had answered: those customs scans were
            # data sent ahead of the parcel, which is only now on the origin leg.
            leg = candidate = "origin"
            ahead = False
        else:
            candidate = leg
        arrived = arrived or candidate == "destination"
        after_customs = leg == "customs" and candidate == "destination"
        if after_customs or LEG_RANK[candidate] > LEG_RANK[leg]:
            leg = candidate
    return leg
