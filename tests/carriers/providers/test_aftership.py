"""Contract tests: the AfterShip client against a local server replaying 2024-07 shapes."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from bot.carriers.base import CarrierError
from bot.carriers.providers.aftership import AfterShipProvider, map_tag
from bot.tracking.model import Status, SubStatus
from tests.carriers.documented import as_checkpoint, as_error, as_list, as_ok, as_tracking
from tests.carriers.fakes import ReplayServer, Reply

NUMBER = "LX123456789CN"
BASE = "/tracking/2024-07"
CHECKPOINTS = [
    as_checkpoint(
        "2024-05-01T12:40:51+08:00", "Acceptance", "InTransit", "InTransit_002", "Shenzhen", "CHN"
    ),
    as_checkpoint(
        "2024-05-02T08:40:51+08:00",
        "Departed from facility",
        "InTransit",
        "InTransit_007",
        "Shanghai",
        "CHN",
    ),
]


def provider(server: ReplayServer, client: httpx.AsyncClient) -> AfterShipProvider:
    return AfterShipProvider(client, api_key="as-key", base_url=server.url + BASE)


def answer(server: ReplayServer, *get: Reply, create: Reply | None = None) -> None:
    server.on(
        "POST",
        f"{BASE}/trackings",
        create
        or Reply(
            status=201, json=as_ok(as_tracking(NUMBER, "Pending", "Pending_001", []), code=201)
        ),
    )
    server.on("GET", f"{BASE}/trackings", *get)


async def test_it_creates_then_gets_a_parcel_in_transit(server, client) -> None:
    answer(
        server,
        Reply(json=as_list([as_tracking(NUMBER, "InTransit", "InTransit_007", CHECKPOINTS)])),
    )

    shipment = await provider(server, client).track(NUMBER, courier="china-post")

    create, get = server.requests
    assert (create.method, create.path) == ("POST", f"{BASE}/trackings")
    assert create.json() == {"tracking_number": NUMBER, "slug": "china-post"}
    assert (get.method, get.path) == ("GET", f"{BASE}/trackings")
    assert get.query == {"tracking_numbers": NUMBER, "slug": "china-post"}
    for request in (create, get):
        assert request.headers["as-api-key"] == "as-key"
    assert (shipment.status, shipment.sub_status) == (Status.IN_TRANSIT, SubStatus.DEPARTURE)
    assert (shipment.origin_country, shipment.destination_country) == ("CN", "DE")
    assert [e.description for e in shipment.events] == ["Departed from facility", "Acceptance"]
    assert shipment.events[0].time == datetime.fromisoformat("2024-05-02T08:40:51+08:00")
    assert (shipment.events[0].location, shipment.events[0].country) == ("Shanghai", "CN")
    assert shipment.events[1].sub_status is SubStatus.PICKED_UP
    assert shipment.events[0].provider == "aftership"


async def test_an_existing_tracking_is_not_an_error(server, client) -> None:
    answer(
        server,
        Reply(json=as_list([as_tracking(NUMBER, "InTransit", "InTransit_007", CHECKPOINTS)])),
        create=Reply(status=400, json=as_error(4003, "Tracking already exists.")),
    )

    shipment = await provider(server, client).track(NUMBER)

    assert shipment.status is Status.IN_TRANSIT
    assert server.requests[0].json() == {"tracking_number": NUMBER}
    assert server.requests[1].query == {"tracking_numbers": NUMBER}


async def test_it_reports_a_parcel_in_customs(server, client) -> None:
    checkpoints = [
        *CHECKPOINTS,
        as_checkpoint(
            "2024-05-06T10:00:00+02:00",
            "Customs clearance started",
            "InTransit",
            "InTransit_006",
            "Leipzig",
            "DEU",
        ),
    ]
    answer(
        server,
        Reply(json=as_list([as_tracking(NUMBER, "InTransit", "InTransit_006", checkpoints)])),
    )

    shipment = await provider(server, client).track(NUMBER)

    assert shipment.sub_status is SubStatus.CUSTOMS_PROCESSING
    assert shipment.events[0].sub_status is SubStatus.CUSTOMS_PROCESSING
    assert shipment.events[0].country == "DE"


async def test_it_reports_a_delivered_parcel(server, client) -> None:
    checkpoints = [
        *CHECKPOINTS,
        as_checkpoint(
            "2024-05-09T14:02:00+02:00", "Delivered", "Delivered", "Delivered_001", "Berlin", "DEU"
        ),
    ]
    answer(
        server,
        Reply(json=as_list([as_tracking(NUMBER, "Delivered", "Delivered_001", checkpoints)])),
    )

    shipment = await provider(server, client).track(NUMBER)

    assert shipment.status is Status.DELIVERED
    assert shipment.last_event is not None and shipment.last_event.status is Status.DELIVERED


async def test_a_tracking_without_data_yet_is_not_found(server, client) -> None:
    answer(server, Reply(json=as_list([as_tracking(NUMBER, "Pending", "Pending_001", [])])))

    shipment = await provider(server, client).track(NUMBER)

    assert shipment.status is Status.NOT_FOUND


async def test_a_number_aftership_cannot_recognise_is_not_found(server, client) -> None:
    answer(
        server,
        Reply(json=as_list([])),
        create=Reply(status=400, json=as_error(4012, "Unable to import shipment")),
    )

    shipment = await provider(server, client).track(NUMBER)

    assert shipment.status is Status.NOT_FOUND
    assert len(server.requests) == 1


async def test_an_empty_list_is_not_found(server, client) -> None:
    answer(server, Reply(json=as_list([])))

    assert (await provider(server, client).track(NUMBER)).status is Status.NOT_FOUND


@pytest.mark.parametrize(
    ("tag", "subtag", "expected"),
    [
        ("AttemptFail", "AttemptFail_002", (Status.DELIVERY_FAILURE, SubStatus.NO_BODY)),
        ("Exception", "Exception_004", (Status.EXCEPTION, SubStatus.CUSTOMS_REQUIRING_INFORMATION)),
        ("Exception", "Exception_011", (Status.EXCEPTION, SubStatus.RETURNED)),
        ("Exception", "Exception_013", (Status.EXCEPTION, SubStatus.LOST)),
        ("InTransit", "InTransit_005", (Status.IN_TRANSIT, SubStatus.CUSTOMS_RELEASED)),
        (
            "AvailableForPickup",
            "AvailableForPickup_001",
            (Status.AVAILABLE_FOR_PICKUP, SubStatus.OTHER),
        ),
        ("Expired", "Expired_001", (Status.EXPIRED, SubStatus.OTHER)),
        ("InfoReceived", "InfoReceived_001", (Status.INFO_RECEIVED, SubStatus.OTHER)),
    ],
)
def test_it_maps_tags_and_subtags(
    tag: str, subtag: str, expected: tuple[Status, SubStatus]
) -> None:
    assert map_tag(tag, subtag) == expected


async def test_a_rejected_key_is_permanent(server, client) -> None:
    answer(
        server,
        Reply(json={}),
        create=Reply(status=401, json=as_error(401, "Invalid API key.", "Unauthorized")),
    )

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert caught.value.permanent and caught.value.status_code == 401


async def test_429_is_transient_and_carries_retry_after(server, client) -> None:
    answer(
        server,
        Reply(
            status=429,
            json=as_error(429, "Too many requests", "TooManyRequests"),
            headers={"Retry-After": "2"},
        ),
        create=Reply(status=400, json=as_error(4003, "Tracking already exists.")),
    )

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent and caught.value.retry_after == 2.0


async def test_500_is_transient(server, client) -> None:
    answer(
        server,
        Reply(json={}),
        create=Reply(status=500, json=as_error(500, "Internal error", "InternalError")),
    )

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent and caught.value.status_code == 500


async def test_a_timeout_is_transient(server, client) -> None:
    answer(server, Reply(json=as_list([]), delay=2.0))

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent and "timed out" in str(caught.value)


async def test_malformed_json_is_transient(server, client) -> None:
    answer(server, Reply(body=b"<html>Bad gateway</html>", content_type="text/html"))

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent and "malformed" in str(caught.value)
