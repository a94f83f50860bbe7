"""The fan-out service with the real clients talking HTTP to local replay servers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from bot.carriers.aftership import AfterShipProvider
from bot.carriers.cache import DbShipmentStore
from bot.carriers.dhl import DhlProvider
from bot.carriers.retry import RetryPolicy
from bot.carriers.service import TrackingService
from bot.carriers.track17 import Track17Provider
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
    t17_item,
    t17_register_ok,
)
from tests.carriers.fakes import ReplayServer, Reply

NUMBER = "1234567890"  # a DHL Express waybill shape, so DHL is asked too
T17 = "/track/v2.2"
AS = "/tracking/2024-07"
DHL = "/track/shipments"
FAST = RetryPolicy(attempts=3, base_delay=0.05, max_delay=0.2, attempt_timeout=3.0, deadline=5.0)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0)) as client:
        yield client


def t17(server: ReplayServer, http: httpx.AsyncClient) -> Track17Provider:
    return Track17Provider(http, api_key="k", base_url=server.url + T17)


def aftership(server: ReplayServer, http: httpx.AsyncClient) -> AfterShipProvider:
    return AfterShipProvider(http, api_key="k", base_url=server.url + AS)


def dhl(server: ReplayServer, http: httpx.AsyncClient) -> DhlProvider:
    return DhlProvider(http, api_key="k", base_url=server.url + "/track")


def t17_answers(
    server: ReplayServer,
    events: list[dict],
    status: str = "InTransit",
    sub: str = "InTransit_Arrival",
    delay: float = 0.0,
) -> None:
    server.on("POST", f"{T17}/register", Reply(json=t17_register_ok(NUMBER), delay=delay))
    server.on(
        "POST",
        f"{T17}/gettrackinfo",
        Reply(json=t17_envelope([t17_item(NUMBER, status, sub, events, carrier=100001)])),
    )


def as_answers(
    server: ReplayServer,
    checkpoints: list[dict],
    tag: str = "InTransit",
    subtag: str = "InTransit_001",
) -> None:
    server.on(
        "POST",
        f"{AS}/trackings",
        Reply(status=201, json=as_ok(as_tracking(NUMBER, "Pending", "Pending_001", []), code=201)),
    )
    server.on(
        "GET",
        f"{AS}/trackings",
        Reply(json=as_list([as_tracking(NUMBER, tag, subtag, checkpoints)])),
    )


DHL_EVENTS = [
    dhl_event(
        "2024-05-05T22:10:00+02:00", "transit", "Arrived at Sort Facility LEIPZIG", "LEIPZIG", "DE"
    ),
    dhl_event(
        "2024-05-02T08:40:00+08:00", "transit", "Departed Facility in HONG KONG", "HONG KONG", "HK"
    ),
]


async def test_a_slow_and_a_failing_provider_answer_within_the_slow_ones_latency(
    server, http
) -> None:
    server.on("GET", DHL, Reply(json=dhl_shipments(NUMBER, "transit", DHL_EVENTS), delay=1.0))
    server.on("POST", f"{T17}/register", Reply(status=500, json={"code": 500}, delay=0.6))
    policy = RetryPolicy(attempts=2, base_delay=0.05, max_delay=0.1, attempt_timeout=3, deadline=5)
    service = TrackingService([t17(server, http), dhl(server, http)], policy=policy)

    started = time.monotonic()
    shipment = await service.track(NUMBER)
    elapsed = time.monotonic() - started

    # One after the other would take 1.0s + 2 x 0.6s = 2.2s; at once, the slow one's 1.0s.
    # The bound sits between the two so it checks concurrency, not machine speed.
    assert 1.0 <= elapsed < 1.9
    assert len(server.calls("POST", f"{T17}/register")) == 2  # the failing one was retried
    assert shipment.partial
    assert shipment.status is Status.IN_TRANSIT
    assert [(s.provider, s.ok) for s in shipment.sources] == [("17track", False), ("dhl", True)]
    assert "HTTP 500" in (shipment.sources[0].error or "")


async def test_a_hanging_provider_is_cut_off_at_its_timeout(server, http) -> None:
    server.on("GET", DHL, Reply(json=dhl_shipments(NUMBER, "transit", DHL_EVENTS)))
    server.on("POST", f"{T17}/register", Reply(json=t17_register_ok(NUMBER), delay=5.0))
    policy = RetryPolicy(attempts=3, attempt_timeout=0.5, deadline=0.5)
    service = TrackingService([t17(server, http), dhl(server, http)], policy=policy)

    started = time.monotonic()
    shipment = await service.track(NUMBER)

    assert time.monotonic() - started < 2.0
    assert shipment.partial and shipment.status is Status.IN_TRANSIT
    assert "no answer within 0.5s" in (shipment.sources[0].error or "")


async def test_it_merges_sources_counting_a_scan_reported_twice_once(server, http) -> None:
    t17_answers(
        server,
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
    as_answers(
        server,
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
    service = TrackingService([t17(server, http), aftership(server, http)], policy=FAST)

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
    service = TrackingService([aftership(server, http)], policy=FAST)

    shipment = await service.track(NUMBER)

    first, second = server.calls("POST", f"{AS}/trackings")
    assert second.at - first.at >= 0.95
    assert shipment.status is Status.IN_TRANSIT and not shipment.partial


async def test_a_rejected_key_is_not_retried(server, http) -> None:
    server.on("GET", DHL, Reply(status=401, json={"status": 401, "title": "Unauthorized"}))
    service = TrackingService([dhl(server, http)], policy=FAST)

    shipment = await service.track(NUMBER)

    assert len(server.requests) == 1
    assert shipment.status is Status.NOT_FOUND and shipment.partial
    assert shipment.sources[0].provider == "dhl" and "401" in (shipment.sources[0].error or "")


async def test_a_failing_provider_is_skipped_for_a_while(server, http) -> None:
    server.on("GET", DHL, Reply(status=500, json={"status": 500}))
    policy = RetryPolicy(attempts=1, attempt_timeout=3, deadline=3)
    service = TrackingService(
        [dhl(server, http)], policy=policy, failure_threshold=2, reset_after=60
    )

    for _ in range(2):
        await service.track(NUMBER, refresh=True)
    skipped = await service.track(NUMBER, refresh=True)

    assert len(server.requests) == 2
    assert skipped.partial and "skipped" in (skipped.sources[0].error or "")


async def test_requests_to_17track_stay_under_three_per_second(server, http) -> None:
    server.on("POST", f"{T17}/register", Reply(json=t17_envelope()))
    server.on("POST", f"{T17}/gettrackinfo", Reply(json=t17_envelope()))
    provider = t17(server, http)

    await asyncio.gather(*(provider.track(f"RR00000000{i}CN") for i in range(3)))

    times = sorted(r.at for r in server.requests)
    assert len(times) == 6
    # A burst of 3 goes at once; the next 3 wait for tokens refilled at 3 per second.
    assert times[-1] - times[0] >= 0.95


async def test_requests_to_dhl_stay_under_one_per_second(server, http) -> None:
    server.on("GET", DHL, Reply(status=404, json={"status": 404}))
    provider = dhl(server, http)

    await asyncio.gather(provider.track("1234567890"), provider.track("1234567891"))

    first, second = sorted(r.at for r in server.requests)
    assert second - first >= 0.95


async def test_concurrent_questions_about_one_number_share_one_round_of_requests(
    server, http
) -> None:
    server.on("GET", DHL, Reply(json=dhl_shipments(NUMBER, "transit", DHL_EVENTS), delay=0.2))
    service = TrackingService([dhl(server, http)], policy=FAST)

    answers = await asyncio.gather(*(service.track(NUMBER) for _ in range(5)))

    assert len(server.requests) == 1
    assert {a.status for a in answers} == {Status.IN_TRANSIT}


async def test_every_provider_failing_without_cache_gives_a_partial_not_found(server, http) -> None:
    server.on("GET", DHL, Reply(status=500, json={}))
    server.on("POST", f"{T17}/register", Reply(status=503, json={}))
    service = TrackingService(
        [t17(server, http), dhl(server, http)],
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
    server.on("GET", DHL, Reply(json=dhl_shipments(NUMBER, "transit", DHL_EVENTS)))
    clock = Clock()
    service = TrackingService(
        [dhl(server, http)], store=DbShipmentStore(sessionmaker), policy=FAST, now=clock
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
        [dhl(server, http)], store=DbShipmentStore(sessionmaker), policy=FAST, now=clock
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
        [dhl(server, http)],
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
