"""Answers to a follow-up question about a parcel already in the conversation."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot import texts
from bot.tracking.answers import customs_answer, fingerprint, news_answer
from bot.tracking.explain import diagnose
from bot.tracking.model import Event, Shipment, Status

NOW = datetime(2024, 11, 14, 10, 0, tzinfo=timezone.utc)
NUMBER = "RR123456785CN"


def _unscanned() -> Shipment:
    return Shipment(number=NUMBER, status=Status.NOT_FOUND, fetched_at=NOW)


def _delivered() -> Shipment:
    scan = Event(
        time=datetime(2024, 11, 12, 9, 30, tzinfo=timezone.utc),
        description="Delivered",
        country="DE",
        status=Status.DELIVERED,
    )
    return Shipment(
        number=NUMBER,
        status=Status.DELIVERED,
        origin_country="CN",
        destination_country="DE",
        events=(scan,),
        fetched_at=NOW,
    )


@pytest.mark.parametrize("lang", texts.LANGUAGES)
def test_nothing_new_on_a_parcel_with_no_scans_says_so_in_a_whole_sentence(lang: str) -> None:
    shipment = _unscanned()
    diagnosis = diagnose(shipment, NOW, lang=lang)
    assert diagnosis.check_again_after is not None

    lines = news_answer(shipment, diagnosis, previous=fingerprint(shipment), lang=lang)

    check = texts.format_date(diagnosis.check_again_after, lang)
    assert lines == [texts.text("news.none_no_scans", lang, number=NUMBER, check=check)]


def test_nothing_new_on_a_parcel_with_no_scans_reads_well_in_english() -> None:
    shipment = _unscanned()
    diagnosis = diagnose(shipment, NOW)

    [line] = news_answer(shipment, diagnosis, previous=fingerprint(shipment)) or [""]

    assert line == (
        f"Nothing new for {NUMBER} since I last looked: the carrier has not scanned it yet. "
        f"Check again after {texts.format_date(diagnosis.check_again_after or NOW.date(), 'en')}."
    )


@pytest.mark.parametrize("lang", texts.LANGUAGES)
def test_customs_on_a_delivered_parcel_says_it_was_delivered(lang: str) -> None:
    shipment = _delivered()
    diagnosis = diagnose(shipment, NOW, lang=lang)

    lines = customs_answer(shipment, diagnosis, paid=False, today=date(2024, 11, 14), lang=lang)

    assert lines[0] == texts.text("customs.delivered", lang, number=NUMBER)
    not_yet = texts.text(
        "customs.not_in_customs",
        lang,
        number=NUMBER,
        status=texts.text("status.delivered", lang),
        country=texts.country_name("DE", lang),
    )
    assert not_yet not in lines
    assert lines[1] == texts.text("customs.intro", lang, country=texts.country_name("DE", lang))


def test_customs_on_a_delivered_parcel_reads_well_in_english() -> None:
    shipment = _delivered()
    diagnosis = diagnose(shipment, NOW)

    lines = customs_answer(shipment, diagnosis, paid=False, today=date(2024, 11, 14))

    assert lines[0] == f"Your parcel {NUMBER} has already been delivered, so customs is behind it."


@pytest.mark.parametrize("lang", texts.LANGUAGES)
def test_a_missing_parcel_marked_delivered_without_scans_gets_a_whole_sentence(lang: str) -> None:
    from bot.tracking.answers import not_received_answer

    shipment = Shipment(number=NUMBER, status=Status.DELIVERED, fetched_at=NOW)
    diagnosis = diagnose(shipment, NOW, lang=lang)

    lines = not_received_answer(shipment, diagnosis, lang)

    assert lines == [texts.text("parcel.delivered_missing_no_scans", lang, number=NUMBER)]
    assert " ()" not in lines[0] and "  " not in lines[0]
