"""The real provider clients pointed at a ReplayServer, and scripts that make the server answer
for one number the way 17TRACK, AfterShip and DHL document it.

Shared by the service tests (tests/carriers/test_service.py) and the fan-out benchmark
(bench/carriers.py), so both exercise the same exchanges.
"""

from __future__ import annotations

from typing import Any

import httpx

from bot.carriers.base import Provider
from bot.carriers.providers.aftership import AfterShipProvider
from bot.carriers.providers.dhl import DhlProvider
from bot.carriers.providers.track17 import Track17Provider
from tests.carriers.documented import (
    as_list,
    as_ok,
    as_tracking,
    dhl_shipments,
    t17_envelope,
    t17_item,
    t17_register_ok,
)
from tests.carriers.fakes import ReplayServer, Reply

# Paths on the replay server, one prefix per provider (the providers' own base paths).
T17 = "/track/v2.2"
AS = "/tracking/2024-07"
DHL = "/track/shipments"


def track17_client(server: ReplayServer, http: httpx.AsyncClient) -> Track17Provider:
    return Track17Provider(http, api_key="k", base_url=server.url + T17)


def aftership_client(server: ReplayServer, http: httpx.AsyncClient) -> AfterShipProvider:
    return AfterShipProvider(http, api_key="k", base_url=server.url + AS)


def dhl_client(server: ReplayServer, http: httpx.AsyncClient) -> DhlProvider:
    return DhlProvider(http, api_key="k", base_url=server.url + "/track")


def all_clients(server: ReplayServer, http: httpx.AsyncClient) -> list[Provider]:
    """17TRACK, AfterShip and DHL, in that priority order."""
    return [track17_client(server, http), aftership_client(server, http), dhl_client(server, http)]


def answer_track17(
    server: ReplayServer,
    number: str,
    events: list[dict[str, Any]],
    *,
    status: str = "InTransit",
    sub: str = "InTransit_Arrival",
    delay: float = 0.0,
) -> None:
    """17TRACK registers `number` (as DHL Express) and returns its events; each of the two
    calls is answered after `delay` seconds."""
    server.on("POST", f"{T17}/register", Reply(json=t17_register_ok(number, 100001), delay=delay))
    server.on(
        "POST",
        f"{T17}/gettrackinfo",
        Reply(
            json=t17_envelope([t17_item(number, status, sub, events, carrier=100001)]),
            delay=delay,
        ),
    )


def answer_aftership(
    server: ReplayServer,
    number: str,
    checkpoints: list[dict[str, Any]],
    *,
    tag: str = "InTransit",
    subtag: str = "InTransit_001",
    delay: float = 0.0,
) -> None:
    """AfterShip creates the tracking (still pending) and then lists it with `checkpoints`;
    each of the two calls is answered after `delay` seconds."""
    created = as_ok(as_tracking(number, "Pending", "Pending_001", []), code=201)
    server.on("POST", f"{AS}/trackings", Reply(status=201, json=created, delay=delay))
    server.on(
        "GET",
        f"{AS}/trackings",
        Reply(json=as_list([as_tracking(number, tag, subtag, checkpoints)]), delay=delay),
    )


def answer_dhl(
    server: ReplayServer,
    number: str,
    events: list[dict[str, Any]],
    *,
    status: str = "transit",
    delay: float = 0.0,
) -> None:
    """DHL returns the shipment with `events`, after `delay` seconds."""
    server.on("GET", DHL, Reply(json=dhl_shipments(number, status, events), delay=delay))
