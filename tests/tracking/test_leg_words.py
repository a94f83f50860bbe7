"""Leg detection from carriers' wording in seven languages, and from structured data first."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.tracking.leg_words import CUSTOMS, DELIVERY_ATTEMPT, EXPORT, IMPORT, PAYMENT_DUE
from bot.tracking.legs import (
    current_leg,
    is_customs,
    is_customs_release,
    is_delivery_attempt,
    needs_customs_action,
)
from bot.tracking.model import Event, Shipment, Status, SubStatus

START = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
LANGUAGES = ("en", "pt", "es", "de", "fr", "ru", "zh")


def scans(*steps: tuple[str, str | None] | tuple[str, str | None, SubStatus]) -> tuple[Event, ...]:
    events = []
    for day, step in enumerate(steps):
        sub = step[2] if len(step) == 3 else SubStatus.OTHER
        events.append(Event(START + timedelta(days=day), step[0], country=step[1], sub_status=sub))
    return tuple(events)


def test_every_table_covers_the_seven_languages() -> None:
    for table in (EXPORT, IMPORT, CUSTOMS, PAYMENT_DUE, DELIVERY_ATTEMPT):
        assert set(LANGUAGES) <= set(table)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_export_scan_in_any_language_puts_it_between_countries(lang: str) -> None:
    events = scans(("Accepted", "CN"), (f"... {EXPORT[lang][0]} ...", None))
    assert current_leg(events, "CN", "DE") == "international"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_import_scan_in_any_language_is_the_destination_leg(lang: str) -> None:
    events = scans(("Accepted", "CN"), (f"... {IMPORT[lang][0]} ...", None))
    assert current_leg(events, "CN", "DE") == "destination"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_payment_due_in_any_language_is_customs_waiting_for_the_buyer(lang: str) -> None:
    events = scans(("Accepted", "CN"), ("Arrived", "BR"), (PAYMENT_DUE[lang][0], "BR"))
    assert current_leg(events, "CN", "BR") == "customs"
    shipment = Shipment(number="X", status=Status.IN_TRANSIT, events=events)
    assert needs_customs_action(events[-1], shipment)


def test_russian_posts_left_the_territory_is_not_the_origin_country() -> None:
    events = scans(("Приём", "RU"), ("Left the territory of the country", "RU"))
    assert current_leg(events, "RU", "DE") == "international"
    events = scans(("Приём", "RU"), ("Покинуло место международного обмена", "RU"))
    assert current_leg(events, "RU", "DE") == "international"


def test_the_providers_departure_sub_status_is_read_before_the_wording() -> None:
    events = scans(("Accepted", "CN"), ("Despatched", "CN", SubStatus.DEPARTURE))
    assert current_leg(events, "CN", "DE") == "international"


def test_a_destination_customs_scan_before_the_departure_was_a_pre_clearance() -> None:
    events = scans(
        ("Accepted", "CN"),
        ("Customs declaration processed", "DE"),
        ("Departure from outward office of exchange", "CN"),
    )
    assert current_leg(events, "CN", "DE") == "international"


def test_a_brazilian_import_sent_to_customs_inspection_is_customs() -> None:
    events = scans(
        ("Objeto postado", None),
        ("Objeto recebido pelos Correios do Brasil", "BR"),
        ("Encaminhado para fiscalização aduaneira", "BR"),
    )
    assert current_leg(events, None, "BR") == "customs"


def test_a_chinese_domestic_departure_from_a_sorting_centre_is_not_an_export() -> None:
    events = scans(("已揽收", "CN"), ("快件离开 【上海浦东中心】 已发往 【昆常转运中心】", "CN"))
    assert current_leg(events, "CN", "DE") == "origin"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_failed_delivery_attempt_is_recognised_in_any_language(lang: str) -> None:
    event = Event(START, DELIVERY_ATTEMPT[lang][0])
    assert is_delivery_attempt(event)


# Phrasings found in real histories (tests/tracking/fixtures/real_histories/).


@pytest.mark.parametrize(
    "departure",
    [
        "Crossing border and in transit to carrier hub",  # Landmark Global, US to GB
        "离开上海市 发往上海浦东航站",  # China EMS: to the Pudong air mail terminal
        "离开苏州市 发往纽约肯尼迪机场（经转）",  # China Post via Yanwen: to JFK airport
    ],
)
def test_a_hand_over_to_the_border_or_the_airline_is_a_departure(departure: str) -> None:
    events = scans(("Accepted", "CN"), (departure, None))
    assert current_leg(events, "CN", "US") == "international"


@pytest.mark.parametrize(
    "arrival",
    [
        "Received in destination country",  # Landmark Global, at Heston
        "Received by local delivery company",  # Cainiao, hand-over to Israel Post
    ],
)
def test_a_receipt_in_the_destination_country_is_the_destination_leg(arrival: str) -> None:
    events = scans(("Accepted", "US"), ("Crossing border and in transit to carrier hub", "US"))
    arrived = (*events, Event(START + timedelta(days=2), arrival))
    assert current_leg(arrived, "US", "GB") == "destination"


def test_leaving_customs_is_a_release() -> None:
    events = scans(("Arrived at customs", None), ("Leaving customs", None))
    assert current_leg(events, "CN", "IL") == "destination"


@pytest.mark.parametrize(
    "data",
    [
        "Informações enviadas para análise da autoridade aduaneira/órgãos anuentes",
        "Informações eletrônicas enviadas para análise da autoridade aduaneira",
    ],
)
def test_brazils_customs_data_sent_before_posting_is_not_customs(data: str) -> None:
    # Correios NL999340452BR: the data reaches Curitiba hours before the parcel is posted.
    events = scans((data, "BR"), ("Objeto postado", None, SubStatus.PICKED_UP))
    assert current_leg(events, None, "BR") == "origin"


def test_brazils_customs_decisions_are_customs_scans() -> None:
    (authorised, refused) = scans(
        ("Análise concluída - importação autorizada", "BR"),
        ("Análise concluída - importação não autorizada", "BR"),
    )
    assert is_customs_release(authorised)
    assert is_customs(refused) and not is_customs_release(refused)
