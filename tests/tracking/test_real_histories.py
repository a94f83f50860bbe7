"""The diagnosis on real scan histories (tests/tracking/fixtures/real_histories/), each
replayed at stated moments: the events up to that moment, as a provider would return them."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.tracking.explain import diagnose
from bot.tracking.model import Event, Shipment, Status, SubStatus
from tests.tracking.fixtures.real_histories import HISTORIES, History


def shipment_at(history: History, now: datetime) -> Shipment:
    events = tuple(
        Event(
            time=datetime.fromisoformat(when),
            description=description,
            location=location,
            country=country,
            status=Status(status),
            sub_status=SubStatus(sub),
        )
        for when, description, location, country, status, sub in history.scans
        if datetime.fromisoformat(when) <= now
    )
    latest = max(events, key=lambda e: e.time)
    return Shipment(
        number=history.number,
        status=latest.status,
        sub_status=latest.sub_status,
        carrier=history.carrier,
        origin_country=history.origin,
        destination_country=history.destination,
        events=events,
        fetched_at=now,
    )


CASES = [
    pytest.param(history, moment, reason, id=f"{history.name}@{moment[:16]}")
    for history in HISTORIES
    for moment, reason in history.checks
]


@pytest.mark.parametrize(("history", "moment", "reason"), CASES)
def test_it_gives_the_expected_reason_on_a_real_history(
    history: History, moment: str, reason: str
) -> None:
    now = datetime.fromisoformat(moment)
    diagnosis = diagnose(shipment_at(history, now), now)
    assert diagnosis.reason == reason, diagnosis.to_dict()["evidence"]


def carrier_family(history: History) -> str:
    """The carrier without the note in brackets: "Correios (from SingPost)" -> "Correios"."""
    return history.carrier.split(" (")[0]


def test_every_real_history_names_its_source() -> None:
    assert all(h.source and h.carrier and h.language for h in HISTORIES)
    assert len({h.name for h in HISTORIES}) == len(HISTORIES)


def test_the_histories_cover_enough_carriers_and_languages() -> None:
    assert len(HISTORIES) >= 34
    assert len({carrier_family(h) for h in HISTORIES}) >= 6
    languages = {h.language for h in HISTORIES}
    assert {"ru", "es", "pt"} <= languages
    assert languages & {"zh", "de"}


def test_every_real_history_is_checked_at_two_moments_at_least() -> None:
    assert all(len(h.checks) >= 2 for h in HISTORIES), [
        h.name for h in HISTORIES if len(h.checks) < 2
    ]


def test_every_check_is_within_reach_of_the_history() -> None:
    """A check before the first scan would test nothing."""
    for history in HISTORIES:
        first = min(datetime.fromisoformat(scan[0]) for scan in history.scans)
        assert all(datetime.fromisoformat(moment) >= first for moment, _ in history.checks)
