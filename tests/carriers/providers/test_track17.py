"""Contract tests: the 17TRACK client against a local server replaying v2.2 shapes."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from bot.carriers.base import CarrierError
from bot.carriers.providers.track17 import ALREADY_REGISTERED, NO_TRACKING_INFO, Track17Provider
from bot.tracking.model import Status, SubStatus
from tests.carriers.documented import (
    t17_envelope,
    t17_event,
    t17_item,
    t17_register_ok,
    t17_rejection,
)
from tests.carriers.fakes import ReplayServer, Reply

NUMBER = "RR123456789CN"
IN_TRANSIT_EVENTS = [
    t17_event(
        "2024-05-05T22:10:00+02:00",
        "Arrived at sorting centre",
        "InTransit_Arrival",
        "Frankfurt",
        "DE",
    ),
    t17_event(
        "2024-05-02T08:40:51+08:00",
        "Departed from facility",
        "InTransit_Departure",
        "Shanghai",
        "CN",
    ),
    t17_event("2024-05-01T12:40:51+08:00", "Acceptance", "InTransit_PickedUp", "Shenzhen", "CN"),
]


def provider(server: ReplayServer, client: httpx.AsyncClient) -> Track17Provider:
    return Track17Provider(client, api_key="k-17", base_url=server.url + "/track/v2.2")


def answer(server: ReplayServer, *gettrackinfo: Reply, register: Reply | None = None) -> None:
    server.on("POST", "/track/v2.2/register", register or Reply(json=t17_register_ok(NUMBER)))
    server.on("POST", "/track/v2.2/gettrackinfo", *gettrackinfo)


async def test_it_registers_then_reads_a_parcel_in_transit(server, client) -> None:
    answer(
        server,
        Reply(
            json=t17_envelope(
                [t17_item(NUMBER, "InTransit", "InTransit_Arrival", IN_TRANSIT_EVENTS)]
            )
        ),
    )

    shipment = await provider(server, client).track("rr 1234 5678 9cn", courier="china_post")

    register, get = server.requests
    assert (register.method, register.path) == ("POST", "/track/v2.2/register")
    assert (get.method, get.path) == ("POST", "/track/v2.2/gettrackinfo")
    for request in (register, get):
        assert request.headers["17token"] == "k-17"
        assert request.headers["content-type"] == "application/json"
        assert request.json() == [{"number": NUMBER, "carrier": 3011}]
    assert shipment.number == NUMBER
    assert (shipment.status, shipment.sub_status) == (Status.IN_TRANSIT, SubStatus.ARRIVAL)
    assert (shipment.origin_country, shipment.destination_country) == ("CN", "DE")
    assert shipment.carrier == "China Post"
    assert [e.description for e in shipment.events] == [
        "Arrived at sorting centre",
        "Departed from facility",
        "Acceptance",
    ]
    newest = shipment.events[0]
    assert newest.time == datetime.fromisoformat("2024-05-05T20:10:00+00:00")
    assert newest.time.utcoffset() is not None
    assert (newest.location, newest.country, newest.provider) == ("Frankfurt", "DE", "17track")
    assert shipment.events[-1].sub_status is SubStatus.PICKED_UP
    assert shipment.shipped_at == datetime.fromisoformat("2024-05-01T12:40:51+08:00")
    assert [s.provider for s in shipment.sources] == ["17track"]


async def test_it_leaves_the_carrier_to_17track_when_the_courier_is_unknown(server, client) -> None:
    answer(server, Reply(json=t17_envelope([t17_item(NUMBER, "InTransit", "InTransit_Other", [])])))

    await provider(server, client).track(NUMBER)

    assert server.requests[0].json() == [{"number": NUMBER}]


async def test_it_reports_a_parcel_held_in_customs(server, client) -> None:
    events = [
        t17_event(
            "2024-05-07T09:00:00+02:00",
            "Held by customs",
            "InTransit_CustomsProcessing",
            "Leipzig",
            "DE",
        ),
        *IN_TRANSIT_EVENTS,
    ]
    answer(
        server,
        Reply(
            json=t17_envelope(
                [t17_item(NUMBER, "InTransit", "InTransit_CustomsProcessing", events)]
            )
        ),
    )

    shipment = await provider(server, client).track(NUMBER)

    assert shipment.status is Status.IN_TRANSIT
    assert shipment.sub_status is SubStatus.CUSTOMS_PROCESSING
    assert shipment.events[0].sub_status is SubStatus.CUSTOMS_PROCESSING


async def test_it_reports_a_delivered_parcel(server, client) -> None:
    events = [
        t17_event(
            "2024-05-09T14:02:00+02:00",
            "Delivered to the recipient",
            "Delivered_Other",
            "Berlin",
            "DE",
        ),
        *IN_TRANSIT_EVENTS,
    ]
    answer(
        server, Reply(json=t17_envelope([t17_item(NUMBER, "Delivered", "Delivered_Other", events)]))
    )

    shipment = await provider(server, client).track(NUMBER)

    assert (shipment.status, shipment.sub_status) == (Status.DELIVERED, SubStatus.OTHER)
    assert shipment.last_event is not None and shipment.last_event.status is Status.DELIVERED


@pytest.mark.parametrize(
    ("sub_status", "expected"),
    [
        ("Exception_Damage", (Status.EXCEPTION, SubStatus.DAMAGED)),
        ("Exception_Cancel", (Status.EXCEPTION, SubStatus.CANCELLED)),
        ("DeliveryFailure_InvalidAddress", (Status.DELIVERY_FAILURE, SubStatus.INVALID_ADDRESS)),
        (
            "InTransit_CustomsRequiringInformation",
            (Status.IN_TRANSIT, SubStatus.CUSTOMS_REQUIRING_INFORMATION),
        ),
        ("NotFound_InvalidCode", (Status.NOT_FOUND, SubStatus.INVALID_CODE)),
        ("InfoReceived", (Status.INFO_RECEIVED, SubStatus.OTHER)),
    ],
)
def test_it_maps_17track_sub_statuses(sub_status: str, expected: tuple[Status, SubStatus]) -> None:
    from bot.carriers.providers.track17 import map_status

    assert map_status(None, sub_status) == expected


async def test_an_already_registered_number_is_not_an_error(server, client) -> None:
    answer(
        server,
        Reply(
            json=t17_envelope(
                [t17_item(NUMBER, "InTransit", "InTransit_Arrival", IN_TRANSIT_EVENTS)]
            )
        ),
        register=Reply(
            json=t17_envelope(
                rejected=[
                    t17_rejection(
                        NUMBER, ALREADY_REGISTERED, "The tracking number is already registered."
                    )
                ]
            )
        ),
    )

    shipment = await provider(server, client).track(NUMBER)

    assert shipment.status is Status.IN_TRANSIT
    assert len(server.calls("POST", "/track/v2.2/gettrackinfo")) == 1


async def test_a_number_17track_has_no_data_for_is_not_found(server, client) -> None:
    answer(
        server,
        Reply(
            json=t17_envelope(
                rejected=[
                    t17_rejection(NUMBER, NO_TRACKING_INFO, "No tracking information at this time.")
                ]
            )
        ),
    )

    shipment = await provider(server, client).track(NUMBER)

    assert shipment.status is Status.NOT_FOUND
    assert shipment.events == ()
    assert shipment.sources[0].ok


async def test_it_sends_at_most_40_numbers_per_request(server, client) -> None:
    numbers = [f"RR{i:09d}CN" for i in range(85)]
    server.on("POST", "/track/v2.2/register", Reply(json=t17_envelope()))
    server.on("POST", "/track/v2.2/gettrackinfo", Reply(json=t17_envelope()))

    results = await provider(server, client).track_many(numbers)

    sizes = [len(r.json()) for r in server.calls("POST", "/track/v2.2/gettrackinfo")]
    assert sizes == [40, 40, 5]
    assert [len(r.json()) for r in server.calls("POST", "/track/v2.2/register")] == [40, 40, 5]
    assert set(results) == set(numbers)


async def test_a_rejected_key_is_a_permanent_error(server, client) -> None:
    answer(
        server,
        Reply(
            status=401,
            json={
                "code": 401,
                "data": {"errors": [{"code": -18010002, "message": "Invalid security key."}]},
            },
        ),
        register=Reply(status=401, json={"code": 401, "data": {}}),
    )

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert caught.value.permanent and caught.value.status_code == 401


async def test_an_invalid_key_code_in_a_200_body_is_permanent(server, client) -> None:
    answer(
        server,
        Reply(json={"code": 0, "data": {}}),
        register=Reply(json={"code": -18010002, "data": {}}),
    )

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert caught.value.permanent


async def test_429_is_transient_and_carries_retry_after(server, client) -> None:
    answer(
        server,
        Reply(json={}),
        register=Reply(status=429, json={"code": 429}, headers={"Retry-After": "7"}),
    )

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent
    assert caught.value.retry_after == 7.0


async def test_500_is_transient(server, client) -> None:
    answer(server, Reply(status=500, body=b"<html>oops</html>", content_type="text/html"))

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent and caught.value.status_code == 500


async def test_a_timeout_is_transient(server, client) -> None:
    answer(server, Reply(json=t17_envelope(), delay=2.0))

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent
    assert "timed out" in str(caught.value)


async def test_malformed_json_is_transient(server, client) -> None:
    answer(
        server, Reply(body=b'{"code": 0, "data": {"accepted": [', content_type="application/json")
    )

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent
    assert "malformed" in str(caught.value)


async def test_an_unexpected_shape_is_transient(server, client) -> None:
    answer(server, Reply(json={"code": 0, "data": {"accepted": [{"no_number": True}]}}))

    with pytest.raises(CarrierError) as caught:
        await provider(server, client).track(NUMBER)

    assert not caught.value.permanent
