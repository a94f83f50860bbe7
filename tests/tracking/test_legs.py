"""Leg detection on its own: which leg the scans put a parcel on, which countries it travels
between, and which customs scans ask the buyer to act."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.tracking.legs import (
    chronological,
    countries,
    current_leg,
    is_customs,
    is_customs_release,
    is_export_customs,
    needs_customs_action,
    scanned,
)
from bot.tracking.model import Event, Shipment, Status, SubStatus

START = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)


def scans(*steps: tuple[str, str | None] | tuple[str, str | None, SubStatus]) -> tuple[Event, ...]:
    """Events a day apart, oldest first, from (description, country[, sub-status])."""
    events = []
    for day, step in enumerate(steps):
        sub = step[2] if len(step) == 3 else SubStatus.OTHER
        events.append(Event(START + timedelta(days=day), step[0], country=step[1], sub_status=sub))
    return tuple(events)


def test_a_parcel_accepted_in_its_own_country_is_on_the_origin_leg():
    events = scans(("Accepted by the post office", "CN"), ("Sorted", "CN"))
    assert current_leg(events, "CN", "DE") == "origin"


def test_an_export_departure_puts_it_on_the_international_leg():
    events = scans(
        ("Accepted by the post office", "CN"),
        ("Departure from outward office of exchange", "CN"),
    )
    assert current_leg(events, "CN", "DE") == "international"


def test_a_scan_in_a_transit_country_is_international():
    events = scans(("Accepted", "CN"), ("Arrived at hub", "AE"))
    assert current_leg(events, "CN", "DE") == "international"


def test_a_scan_in_the_destination_country_is_the_destination_leg():
    events = scans(("Accepted", "CN"), ("Arrived at sorting centre", "DE"))
    assert current_leg(events, "CN", "DE") == "destination"


def test_import_wording_means_destination_even_without_a_country():
    events = scans(("Accepted", "CN"), ("Handed over to the local postal service", None))
    assert current_leg(events, "CN", None) == "destination"


def test_customs_after_arrival_moves_the_leg_back_to_customs():
    events = scans(
        ("Arrival at inward office of exchange", "DE"),
        ("Presented to customs", "DE", SubStatus.CUSTOMS_PROCESSING),
    )
    assert current_leg(events, "CN", "DE") == "customs"


def test_a_customs_release_puts_it_back_on_the_destination_leg():
    events = scans(
        ("Presented to customs", "DE", SubStatus.CUSTOMS_PROCESSING),
        ("Customs clearance completed", "DE"),
    )
    assert current_leg(events, "CN", "DE") == "destination"


def test_export_customs_in_the_origin_country_keeps_it_on_the_origin_leg():
    events = scans(("Accepted", "CN"), ("Export customs clearance completed", "CN"))
    assert current_leg(events, "CN", "DE") == "origin"


def test_an_older_scan_never_moves_the_leg_backwards():
    events = scans(("Arrived at sorting centre", "DE"), ("Sorted", "CN"))
    assert current_leg(events, "CN", "DE") == "destination"


def test_same_origin_and_destination_is_domestic():
    assert current_leg(scans(("Accepted", "US")), "US", "US") == "domestic"


def test_label_data_is_not_a_scan():
    label = Event(START, "Label created", country="DE", status=Status.INFO_RECEIVED)
    assert scanned((label,)) == []
    assert current_leg((label,), "CN", "DE") == "origin"


def test_countries_come_from_the_shipment_in_upper_case():
    shipment = Shipment(
        number="RR1", status=Status.IN_TRANSIT, origin_country="cn", destination_country="de"
    )
    assert countries(shipment, ()) == ("CN", "DE")


def test_countries_are_inferred_from_the_first_scan_and_the_import_scan():
    events = scans(
        ("Accepted", "cn"),
        ("Export customs clearance completed", "CN"),
        ("Arrived at hub", "AE"),
        ("Arrival at inward office of exchange", "GB"),
    )
    shipment = Shipment(number="RR1", status=Status.IN_TRANSIT, events=events)
    assert countries(shipment, events) == ("CN", "GB")


def test_customs_words_tell_holds_from_releases():
    (held, released) = scans(("Held at customs", "DE"), ("Customs clearance completed", "DE"))
    assert is_customs(held) and not is_customs_release(held)
    assert is_customs_release(released) and not is_customs(released)


def test_export_customs_is_the_senders_side():
    (export,) = scans(("Export customs declaration", "HK"))
    (import_,) = scans(("Presented to customs", "DE"))
    assert is_export_customs(export, "CN")
    assert not is_export_customs(import_, "CN")


def test_duties_to_pay_need_the_buyers_action():
    (vat,) = scans(("Held by customs: import VAT must be paid", "GB"))
    (plain,) = scans(("Presented to customs", "GB"))
    shipment = Shipment(number="RR1", status=Status.IN_TRANSIT)
    assert needs_customs_action(vat, shipment)
    assert not needs_customs_action(plain, shipment)
    asks = Shipment(
        number="RR1", status=Status.EXCEPTION, sub_status=SubStatus.CUSTOMS_REQUIRING_INFORMATION
    )
    assert needs_customs_action(plain, asks)


def test_simultaneous_scans_sort_the_same_whatever_order_they_arrive_in():
    at = START
    accepted = Event(at, "Accepted", status=Status.IN_TRANSIT)
    delivered = Event(at, "Delivered", status=Status.DELIVERED)
    forward = sorted((accepted, delivered), key=chronological)
    backward = sorted((delivered, accepted), key=chronological)
    assert forward == backward
    assert forward[-1] is delivered


# Rules taken from real histories (tests/tracking/fixtures/real_histories/): each test replays
# the scans of one published history that the rule decides.


def test_an_arrival_in_a_third_country_is_a_transit_hub_not_the_destination():
    # UPS 1Z1202R66698804005, Belgium to Australia through Cologne and Singapore.
    events = scans(
        ("Departed from Facility", "BE", SubStatus.DEPARTURE),
        ("Arrived at Facility", "DE", SubStatus.ARRIVAL),
        ("Departed from Facility", "DE", SubStatus.DEPARTURE),
        ("Arrived at Facility", "SG", SubStatus.ARRIVAL),
    )
    assert current_leg(events, "BE", "AU") == "international"
    arrived = (*events, *scans(("Arrived at Facility", "AU", SubStatus.ARRIVAL)))
    assert current_leg(arrived, "BE", "AU") == "destination"


def test_an_arrival_abroad_is_the_destination_when_the_destination_is_unknown():
    events = scans(("Accepted", "BE"), ("Arrived at Facility", "SG", SubStatus.ARRIVAL))
    assert current_leg(events, "BE", None) == "destination"


def test_a_customs_scan_naming_no_country_before_the_departure_is_the_senders_side():
    # UPS 1Z1202R66698804005: export clearance in Belgium, partly on scans without a place.
    events = scans(
        ("Pickup Scan ", "BE", SubStatus.PICKED_UP),
        ("We have your package", "BE"),
        ("UPS has received the information needed to submit your package for clearance.", None),
        ("Your package has been released by the government agency.", None),
    )
    assert current_leg(events, "BE", "AU") == "origin"


def test_a_customs_scan_naming_no_country_after_the_departure_is_destination_customs():
    agency = "The package is at the clearing agency awaiting final release."
    events = scans(
        ("Pickup Scan ", "BE", SubStatus.PICKED_UP),
        ("Departed from Facility", "BE", SubStatus.DEPARTURE),
        (agency, None, SubStatus.CUSTOMS_PROCESSING),
    )
    assert current_leg(events, "BE", "AU") == "customs"


PICKED_UP = SubStatus.PICKED_UP


def test_an_acceptance_after_a_customs_authorisation_shows_it_was_data_sent_ahead():
    # Correios NN085351155BR: import authorised two days before the parcel was posted abroad.
    events = scans(
        ("Informações enviadas para análise da autoridade aduaneira/órgãos anuentes", None),
        ("Análise concluída - importação autorizada", None),
    )
    posted = (*events, Event(START + timedelta(days=2), "Objeto postado", sub_status=PICKED_UP))
    assert current_leg(posted, None, "BR") == "origin"
    arrival = Event(START + timedelta(days=6), "Objeto recebido pelos Correios do Brasil")
    arrived = (*posted, arrival)
    assert current_leg(arrived, None, "BR") == "destination"


def test_an_acceptance_after_an_arrival_does_not_move_the_leg_back():
    events = scans(
        ("Objeto recebido pelos Correios do Brasil", "BR", SubStatus.ARRIVAL),
        ("Fiscalização aduaneira finalizada", "BR"),
        ("Objeto postado", None, SubStatus.PICKED_UP),
    )
    assert current_leg(events, None, "BR") == "destination"


def test_an_authorisation_still_waiting_for_payment_is_not_a_release():
    (waiting,) = scans(
        ("Importação autorizada pela autoridade competente - aguardando pagamento", "BR")
    )
    assert is_customs(waiting) and not is_customs_release(waiting)
    assert needs_customs_action(waiting, Shipment(number="NN1", status=Status.IN_TRANSIT))


def test_wording_is_matched_whatever_the_spacing():
    # Cainiao RS0814398526Y publishes "Received by local  delivery company" (two spaces).
    events = scans(
        ("Arrived at customs", None, SubStatus.CUSTOMS_PROCESSING),
        ("Received by local  delivery company", None),
    )
    assert current_leg(events, "CN", "IL") == "destination"
