"""The fan-out service with the real clients talking HTTP to local replay servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from bot.carriers.cache import DbShipmentStore
from bot.carriers.retry import RetryPolicy
from bot.carriers.service import TrackingService
from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade
from bot.tracking.model import Status, SubStatus
from tests.carriers.documented import (
    as_checkpoint,
    as_list,
    as_ok,
    as_tracking,
    dhl_event,
    dhl_shipments,
    t17_envelope,
    t17_event,
    t17_register_ok,
)
from tests.carriers.fakes import Reply
from tests.carriers.scripts import (
    AS,
    DHL,
    T17,
    aftership_client,
    answer_aftership,
    answer_dhl,
    answer_track17,
    dhl_client,
    track17_client,
)

NUMBER = "1234567890"  # a DHL Express waybill shape, so DHL is asked too
FAST = RetryPolicy(attempts=3, base_delay=0.05, max_delay=0.2, attempt_timeout=3.0, deadline=5.0)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0)) as client:
        yield client


DHL_EVENTS = [
    dhl_event(
        "2024-05-05T22:10:00+02:00", "transit", "Arrived at Sort Facility LEIPZIG", "LEIPZIG", "DE"
    ),
    dhl_event(
        "2024-05-02T08:40:00+08:00", "transit", "Departed Facility in HONG KONG", "HONG KONG", "HK"
    ),
]


async def test_a_slow_and_a_failing_provider_are_asked_at_the_same_time(server, http) -> None:
    answer_dhl(server, NUMBER, DHL_EVENTS, delay=1.0)
    server.on("POST", f"{T17}/register", Reply(status=500, json={"code": 500}, delay=0.6))
    policy = RetryPolicy(attempts=2, base_delay=0.05, max_delay=0.1, attempt_timeout=3, deadline=5)
    service = TrackingService(
        [track17_client(server, http), dhl_client(server, http)], policy=policy
    )

    shipment = await service.track(NUMBER)

    (asked_dhl,) = server.calls("GET", DHL)
    first_t17, retried_t17 = server.calls("POST", f"{T17}/register")  # the 500 was retried
    # Each request arrived before the other one's reply could have been sent (a reply leaves
    # no earlier than arrival + delay): the two providers were in flight together.
    assert asked_dhl.at < first_t17.at + 0.6
    assert first_t17.at < asked_dhl.at + 1.0
    assert retried_t17.at >= first_t17.at + 0.6
    assert shipment.partial
    assert shipment.status is Status.IN_TRANSIT
    assert [(s.provider, s.ok) for s in shipment.sources] == [("17track", False), ("dhl", True)]
    assert "HTTP 500" in (shipment.sources[0].error or "")


async def test_a_hanging_provider_is_cut_off_at_its_timeout(server, http) -> None:
    answer_dhl(server, NUMBER, DHL_EVENTS)
    server.on("POST", f"{T17}/register", Reply(json=t17_register_ok(NUMBER), delay=5.0))
    server.on("POST", f"{T17}/gettrackinfo", Reply(json=t17_envelope()))
    policy = RetryPolicy(attempts=3, attempt_timeout=0.5, deadline=0.5)
    service = TrackingService(
        [track17_client(server, http), dhl_client(server, http)], policy=policy
    )

    shipment = await service.track(NUMBER)

    # Had 17TRACK been awaited, its answer would have arrived and cleared the error.
    assert [(s.provider, s.ok) for s in shipment.sources] == [("17track", False), ("dhl", True)]
    assert "no answer within 0.5s" in (shipment.sources[0].error or "")
    assert shipment.partial and shipment.status is Status.IN_TRANSIT
    # No retry fits in what is left of the deadline, and the second step is never reached.
    assert len(server.calls("POST", f"{T17}/register")) == 1
    assert server.calls("POST", f"{T17}/gettrackinfo") == []
    assert len(server.calls("GET", DHL)) == 1


async def test_it_merges_sources_counting_a_scan_reported_twice_once(server, http) -> None:
    answer_track17(
        server,
        NUMBER,
        [
            t17_event(
                "2024-05-02T08:40:00+08:00",
                "Departed Facility in HONG KONG",
                "InTransit_Departure",
                "HONG KONG",
                "HK",
            ),
            t17_event("2024-05-01T12:40:00+08:00", "Shipment picked up", "InTransit_PickedUp"),
        ],
        sub="InTransit_Departure",
    )
    answer_aftership(
        server,
        NUMBER,
        [
            as_checkpoint(
                "2024-05-01T12:40:00+08:00", "Shipment picked up", "InTransit", "InTransit_002"
            ),
            as_checkpoint(
                "2024-05-02T08:40:00+08:00",
                "Departed facility in Hong Kong",
                "InTransit",
                "InTransit_007",
                "Hong Kong",
                "HKG",
            ),
            as_checkpoint(
                "2024-05-06T10:00:00+02:00",
                "Customs clearance started",
                "InTransit",
                "InTransit_006",
                "Leipzig",
                "DEU",
            ),
        ],
        subtag="InTransit_006",
    )
    service = TrackingService(
        [track17_client(server, http), aftership_client(server, http)], policy=FAST
    )

    shipment = await service.track(NUMBER, courier="dhl_express")

    assert [e.description for e in shipment.events] == [
        "Customs clearance started",
        "Departed Facility in HONG KONG",
        "Shipment picked up",
    ]
    assert [e.provider for e in shipment.events] == [
        "aftership",
        "17track,aftership",
        "17track,aftership",
    ]
    # The freshest news (customs, only AfterShip has it) decides the status.
    assert (shipment.status, shipment.sub_status) == (
        Status.IN_TRANSIT,
        SubStatus.CUSTOMS_PROCESSING,
    )
    assert not shipment.partial
    assert [(s.provider, s.ok, s.status) for s in shipment.sources] == [
        ("17track", True, Status.IN_TRANSIT),
        ("aftership", True, Status.IN_TRANSIT),
    ]


async def test_429_is_retried_after_the_time_the_provider_asks_for(server, http) -> None:
    server.on(
        "POST",
        f"{AS}/trackings",
        Reply(status=429, json={"meta": {"code": 429}}, headers={"Retry-After": "1"}),
        Reply(status=201, json=as_ok(as_tracking(NUMBER, "Pending", "Pending_001", []), code=201)),
    )
    server.on(
        "GET",
        f"{AS}/trackings",
        Reply(
            json=as_list(
                [
                    as_tracking(
                        NUMBER,
                        "InTransit",
                        "InTransit_001",
                        [
                            as_checkpoint(
                                "2024-05-01T12:40:00+08:00",
                                "Shipment picked up",
                                "InTransit",
                                "InTransit_002",
                            )
                        ],
                    )
                ]
            )
        ),
    )
    service = TrackingService([aftership_client(server, http)], policy=FAST)

    shipment = await service.track(NUMBER)

    first, second = server.calls("POST", f"{AS}/trackings")
    assert second.at - first.at >= 0.95
    assert shipment.status is Status.IN_TRANSIT and not shipment.partial


async def test_a_rejected_key_is_not_retried(server, http) -> None:
    server.on("GET", DHL, Reply(status=401, json={"status": 401, "title": "Unauthorized"}))
    service = TrackingService([dhl_client(server, http)], policy=FAST)

    shipment = await service.track(NUMBER)

    assert len(server.requests) == 1
    assert shipment.status is Status.NOT_FOUND and shipment.partial
    assert shipment.sources[0].provider == "dhl" and "401" in (shipment.sources[0].error or "")


async def test_a_failing_provider_is_skipped_for_a_while(server, http) -> None:
    server.on("GET", DHL, Reply(status=500, json={"status": 500}))
    policy = RetryPolicy(attempts=1, attempt_timeout=3, deadline=3)
    service = TrackingService(
        [dhl_client(server, http)], policy=policy, failure_threshold=2, reset_after=60
    )

    for _ in range(2):
        await service.track(NUMBER, refresh=True)
    skipped = await service.track(NUMBER, refresh=True)

    assert len(server.requests) == 2
    assert skipped.partial and "skipped" in (skipped.sources[0].error or "")


async def test_requests_to_17track_stay_under_three_per_second(server, http) -> None:
    server.on("POST", f"{T17}/register", Reply(json=t17_envelope()))
    server.on("POST", f"{T17}/gettrackinfo", Reply(json=t17_envelope()))
    provider = track17_client(server, http)

    await asyncio.gather(*(provider.track(f"RR00000000{i}CN") for i in range(3)))

    times = sorted(r.at for r in server.requests)
    assert len(times) == 6
    # A burst of 3 goes at once; the next 3 wait for tokens refilled at 3 per second.
    assert times[-1] - times[0] >= 0.95


async def test_requests_to_dhl_stay_under_one_per_second(server, http) -> None:
    server.on("GET", DHL, Reply(status=404, json={"status": 404}))
    provider = dhl_client(server, http)

    await asyncio.gather(provider.track("1234567890"), provider.track("1234567891"))

    first, second = sorted(r.at for r in server.requests)
    assert second - first >= 0.95


async def test_concurrent_questions_about_one_number_share_one_round_of_requests(
    server, http
) -> None:
    answer_dhl(server, NUMBER, DHL_EVENTS, delay=0.2)
    service = TrackingService([dhl_client(server, http)], policy=FAST)

    answers = await asyncio.gather(*(service.track(NUMBER) for _ in range(5)))

    assert len(server.requests) == 1
    assert {a.status for a in answers} == {Status.IN_TRANSIT}


async def test_every_provider_failing_without_cache_gives_a_partial_not_found(server, http) -> None:
    server.on("GET", DHL, Reply(status=500, json={}))
    server.on("POST", f"{T17}/register", Reply(status=503, json={}))
    service = TrackingService(
        [track17_client(server, http), dhl_client(server, http)],
        policy=RetryPolicy(attempts=1, attempt_timeout=2, deadline=2),
    )

    shipment = await service.track(NUMBER)

    assert shipment.status is Status.NOT_FOUND and shipment.partial
    assert [(s.provider, s.ok) for s in shipment.sources] == [("17track", False), ("dhl", False)]
    assert shipment.stale_seconds is None


@pytest.fixture
async def sessionmaker(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'cache.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield make_sessionmaker(engine)
    await engine.dispose()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 5, 10, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


async def test_answers_are_cached_in_the_database_until_they_expire(
    server, http, sessionmaker
) -> None:
    answer_dhl(server, NUMBER, DHL_EVENTS)
    clock = Clock()
    service = TrackingService(
        [dhl_client(server, http)], store=DbShipmentStore(sessionmaker), policy=FAST, now=clock
    )

    first = await service.track(NUMBER)
    clock.now += timedelta(minutes=14)
    cached = await service.track(NUMBER)
    assert len(server.requests) == 1
    assert cached.to_dict() == first.to_dict()

    clock.now += timedelta(minutes=2)  # in transit: fresh for 15 minutes
    await service.track(NUMBER)
    assert len(server.requests) == 2

    await service.track(NUMBER, refresh=True)
    assert len(server.requests) == 3


async def test_a_delivered_parcel_stays_cached_much_longer(server, http, sessionmaker) -> None:
    events = [dhl_event("2024-05-08T11:00:00+02:00", "delivered", "Delivered", "BERLIN", "DE")]
    server.on("GET", DHL, Reply(json=dhl_shipments(NUMBER, "delivered", events)))
    clock = Clock()
    service = TrackingService(
        [dhl_client(server, http)], store=DbShipmentStore(sessionmaker), policy=FAST, now=clock
    )

    await service.track(NUMBER)
    clock.now += timedelta(hours=12)
    shipment = await service.track(NUMBER)

    assert len(server.requests) == 1 and shipment.status is Status.DELIVERED


async def test_when_every_provider_fails_the_stale_answer_is_served_with_its_age(
    server, http, sessionmaker
) -> None:
    server.on(
        "GET",
        DHL,
        Reply(json=dhl_shipments(NUMBER, "transit", DHL_EVENTS)),
        Reply(status=503, json={"status": 503}),
    )
    clock = Clock()
    service = TrackingService(
        [dhl_client(server, http)],
        store=DbShipmentStore(sessionmaker),
        policy=RetryPolicy(attempts=1, attempt_timeout=2, deadline=2),
        now=clock,
    )
    fresh = await service.track(NUMBER)

    clock.now += timedelta(hours=1)
    stale = await service.track(NUMBER)

    assert len(server.requests) == 2
    assert stale.partial and stale.stale_seconds == 3600
    assert stale.status is Status.IN_TRANSIT and stale.events == fresh.events
    assert stale.sources[0].provider == "dhl" and not stale.sources[0].ok
