"""The diagnosis on real scan histories (tests/tracking/fixtures/real_histories.py), each
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


def test_every_real_history_names_its_source() -> None:
    assert all(h.source and h.carrier and h.language for h in HISTORIES)
    assert len({h.carrier.split(" (")[0] for h in HISTORIES}) >= 5
    assert len({h.language for h in HISTORIES}) >= 4
