"""Contract tests: the DHL Unified client against a local server replaying its shapes."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from bot.carriers.base import CarrierError
from bot.carriers.providers.dhl import DhlProvider
from bot.tracking.model import Status, SubStatus
from tests.carriers.documented import DHL_NOT_FOUND, DHL_UNAUTHORIZED, dhl_event, dhl_shipments
from tests.carriers.fakes import ReplayServer, Reply

NUMBER = "1234567890"
PATH = "/track/shipments"
EVENTS = [
    dhl_event(
        "2024-05-05T22:10:00+02:00",
        "transit",
        "Arrived at DHL Sort Facility LEIPZIG - GERMANY",
        "LEIPZIG - GERMANY",
        "DE",
    ),
    dhl_event(
        "2024-05-02T08:40:00+08:00",
        "transit",
        "Departed Facility in HONG KONG - HONG KONG",
        "HONG KONG - HONG KONG",
        "HK",
    ),
    dhl_event("2024-05-01T12:40:00+08:00", "pre-transit", "Shipment information received"),
]


def provider(server: ReplayServer, client: httpx.AsyncClient) -> DhlProvider:
    return DhlProvider(client, api_key="dhl-key", base_url=server.url + "/track")


async def test_it_reads_a_parcel_in_transit(server, client) -> None:
    server.on("GET", PATH, Reply(json=dhl_shipments(NUMBER, "transit", EVENTS)))

    shipment = await provider(server, client).track(NUMBER)

    (request,) = server.requests
    assert (request.method, request.path) == ("GET", PATH)
    assert request.query == {"trackingNumber": NUMBER}
    assert request.headers["dhl-api-key"] == "dhl-key"
    assert (shipment.status, shipment.sub_status) == (Status.IN_TRANSIT, SubStatus.ARRIVAL)
    assert (shipment.origin_country, shipment.destination_country) == ("HK", "DE")
    assert shipment.courier == "dhl_express"
    assert [e.sub_status for e in shipment.events] == [
        SubStatus.ARRIVAL,
        SubStatus.DEPARTURE,
        SubStatus.OTHER,
    ]
    assert shipment.events[-1].status is Status.INFO_RECEIVED
    assert shipment.events[0].time == datetime.fromisoformat("2024-05-05T22:10:00+02:00")
    assert (shipment.events[0].location, shipment.events[0].country) == ("LEIPZIG - GERMANY", "DE")


async def test_it_reads_a_parcel_in_customs(server, client) -> None:
    events = [
        dhl_event(
            "2024-05-06T09:00:00+02:00",
            "transit",
            "Clearance event: customs status updated",
            "LEIPZIG - GERMANY",
            "DE",
        ),
        *EVENTS,
    ]
    server.on("GET", PATH, Reply(json=dhl_shipments(NUMBER, "transit", events)))

    shipment = await provider(server, client).track(NUMBER)

    assert (shipment.status, shipment.sub_status) == (
        Status.IN_TRANSIT,
        SubStatus.CUSTOMS_PROCESSING,
    )


async def test_it_reads_a_delivered_parcel(server, client) -> None:
    events = [
        dhl_event("2024-05-08T11:00:00+02:00", "delivered", "Delivered", "BERLIN", "DE"),
        *EVENTS,
    ]
    server.on("GET", PATH, Reply(json=dhl_shipments(NUMBER, "delivered", events)))

    shipment = await provider(server, client).track(NUMBER)

    assert shipment.status is Status.DELIVERED


async def test_local_times_of_the_german_post_get_berlins_offset(server, client) -> None:
    events = [dhl_event("2024-05-06T16:14:00", "transit", "Die Sendung wurde eingeliefert.")]
    server.on(
        "GET",
        PATH,
        Reply(json=dhl_shipments("00340434161094042557", "transit", events, service="parcel-de")),
    )

    shipment = await provider(server, client).track("00340434161094042557")

    assert shipment.events[0].time.utcoffset() is not None
    assert shipment.events[0].time == datetime.fromisoformat("2024-05-06T16:14:00+02:00")


async def test_a_404_problem_is_not_found(server, client) -> None:
    server.on(
        "GET", PATH, Reply(status=404, json=DHL_NOT_FOUND, content_type="application/problem+json")
    )

    shipment = await provider(server, client).track(NUMBER)

    assert shipment.status is Status.NOT_FOUND
    assert shipment.sources[0].ok


def test_it_asks_only_about_dhl_numbers() -> None:
    dhl = DhlProvider(httpx.AsyncClient(), api_key="k")
    assert dhl.supports("1234567890", None)
    assert dhl.supports("JJD0099999999999", None)
    assert dhl.supports("RR123456789CN", "dhl")
    assert not dhl.supports("RR123456789CN", None)
    assert not dhl.supports("1234567890", "ups")
    assert not dhl.supports("1Z999AA10123456784", None)


async def test_a_rejected_key_is_permanent(server, client) -> None:
    server.on(
        "GET",
        PATH,
        Reply(status=401, json=DHL_UNAUTHORIZED, content_type="application/problem+json"),
    )

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert caught.value.permanent and caught.value.status_code == 401


async def test_429_is_transient_and_carries_retry_after(server, client) -> None:
    server.on(
        "GET",
        PATH,
        Reply(
            status=429,
            json={"status": 429, "title": "Too many requests"},
            headers={"Retry-After": "3"},
        ),
    )

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent and caught.value.retry_after == 3.0


async def test_500_is_transient(server, client) -> None:
    server.on("GET", PATH, Reply(status=503, json={"status": 503, "title": "Service Unavailable"}))

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent and caught.value.status_code == 503


async def test_a_timeout_is_transient(server, client) -> None:
    server.on("GET", PATH, Reply(json=dhl_shipments(NUMBER, "transit", EVENTS), delay=2.0))

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent and "timed out" in str(caught.value)


async def test_malformed_json_is_transient(server, client) -> None:
    server.on(
        "GET", PATH, Reply(body=b'{"shipments": [{"id": "12', content_type="application/json")
    )

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent and "malformed" in str(caught.value)
