"""Carrier webhooks: signed pushes update the shipments cache, unsigned ones change nothing."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from starlette.applications import Starlette

from bot.app import create_app
from bot.carriers.cache import DbShipmentStore
from bot.channels.carrier_webhooks import (
    aftership_signature,
    carrier_webhook_routes,
    track17_signature,
)
from bot.config import Settings, to_sync_url
from bot.storage.migrate import upgrade
from bot.storage.models import ShipmentCache
from bot.tracking.model import Shipment, Status, SubStatus
from tests.carriers.documented import as_checkpoint, as_tracking, t17_event, t17_item
from tests.support.ports import free_port
from tests.support.servers import serve

NUMBER = "RR123456789CN"
KEY = "17-webhook-key"
SECRET = "as-webhook-secret"


@pytest.fixture
def sessionmaker(sessions: Any) -> Any:
    return sessions  # tests/conftest.py: a migrated SQLite file of the test's own


def webhook_app(settings: Settings, sessionmaker: Any) -> Starlette:
    """The webhook routes alone, with the one service they use from the gateway's lifespan."""
    app = Starlette(routes=carrier_webhook_routes(settings))
    app.state.services = SimpleNamespace(sessionmaker=sessionmaker)
    return app


@pytest.fixture
async def client(sessionmaker: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings.from_env(
        {"PARCELDESK_17TRACK_WEBHOOK_KEY": KEY, "PARCELDESK_AFTERSHIP_WEBHOOK_SECRET": SECRET}
    )
    app = webhook_app(settings, sessionmaker)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
        yield http


def track17_push() -> bytes:
    events = [
        t17_event(
            "2024-05-06T10:00:00+02:00",
            "Customs clearance started",
            "InTransit_CustomsProcessing",
            "Leipzig",
            "DE",
        ),
        t17_event("2024-05-02T08:40:00+08:00", "Departed facility", "InTransit_Departure"),
    ]
    item = t17_item(NUMBER, "InTransit", "InTransit_CustomsProcessing", events)
    return json.dumps({"event": "TRACKING_UPDATED", "data": item}).encode()


def aftership_push(
    tag: str = "Delivered",
    subtag: str = "Delivered_001",
    *,
    event_id: str = "e1",
    ts: int | None = None,
) -> bytes:
    checkpoints = [
        as_checkpoint(
            "2024-05-02T08:40:00+08:00", "Departed facility", "InTransit", "InTransit_007"
        ),
        as_checkpoint(
            "2024-05-09T14:00:00+02:00", "Delivered", "Delivered", "Delivered_001", "Berlin", "DEU"
        ),
    ]
    tracking = as_tracking(NUMBER, tag, subtag, checkpoints)
    return json.dumps(
        {
            "event": "tracking_update",
            "event_id": event_id,
            "is_tracking_first_tag": True,
            "msg": tracking,
            "ts": ts if ts is not None else int(time.time()),
        }
    ).encode()


async def rows(sessionmaker: Any) -> int:
    async with sessionmaker() as session:
        return (await session.execute(select(func.count()).select_from(ShipmentCache))).scalar_one()


async def test_a_signed_17track_push_updates_the_cache(client, sessionmaker) -> None:
    body = track17_push()

    response = await client.post(
        "/webhooks/17track", content=body, headers={"sign": track17_signature(body, KEY)}
    )

    assert response.status_code == 200
    entry = await DbShipmentStore(sessionmaker).get(NUMBER)
    assert entry is not None
    assert (entry.shipment.status, entry.shipment.sub_status) == (
        Status.IN_TRANSIT,
        SubStatus.CUSTOMS_PROCESSING,
    )
    assert [s.provider for s in entry.shipment.sources] == ["17track"]


async def test_a_17track_push_with_a_wrong_sign_gets_401_and_changes_nothing(
    client, sessionmaker
) -> None:
    body = track17_push()

    response = await client.post(
        "/webhooks/17track", content=body, headers={"sign": track17_signature(body, "other-key")}
    )
    unsigned = await client.post("/webhooks/17track", content=body)

    assert (response.status_code, unsigned.status_code) == (401, 401)
    assert await rows(sessionmaker) == 0


async def test_a_signed_aftership_webhook_merges_into_what_17track_said(
    client, sessionmaker
) -> None:
    first = track17_push()
    await client.post(
        "/webhooks/17track", content=first, headers={"sign": track17_signature(first, KEY)}
    )
    body = aftership_push()

    response = await client.post(
        "/webhooks/aftership",
        content=body,
        headers={"aftership-hmac-sha256": aftership_signature(body, SECRET)},
    )

    assert response.status_code == 200
    entry = await DbShipmentStore(sessionmaker).get(NUMBER)
    assert entry is not None
    shipment = entry.shipment
    assert shipment.status is Status.DELIVERED
    assert [e.description for e in shipment.events] == [
        "Delivered",
        "Customs clearance started",
        "Departed facility",
    ]
    assert set((shipment.events[2].provider or "").split(",")) == {"17track", "aftership"}
    assert {s.provider for s in shipment.sources} == {"17track", "aftership"}


async def test_an_aftership_webhook_with_a_wrong_signature_gets_401_and_changes_nothing(
    client, sessionmaker
) -> None:
    first = track17_push()
    await client.post(
        "/webhooks/17track", content=first, headers={"sign": track17_signature(first, KEY)}
    )
    before = (await DbShipmentStore(sessionmaker).get(NUMBER)).shipment.to_dict()
    body = aftership_push()

    response = await client.post(
        "/webhooks/aftership",
        content=body,
        headers={"aftership-hmac-sha256": aftership_signature(body, "nope")},
    )

    assert response.status_code == 401
    assert (await DbShipmentStore(sessionmaker).get(NUMBER)).shipment.to_dict() == before


async def test_a_tampered_body_fails_the_signature(client, sessionmaker) -> None:
    body = aftership_push()
    signature = aftership_signature(body, SECRET)

    response = await client.post(
        "/webhooks/aftership",
        content=body.replace(b"Delivered", b"Exception"),
        headers={"aftership-hmac-sha256": signature},
    )

    assert response.status_code == 401
    assert await rows(sessionmaker) == 0


async def test_webhooks_are_refused_when_no_key_is_configured(sessionmaker) -> None:
    app = webhook_app(Settings.from_env({}), sessionmaker)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://g"
    ) as http:
        body = track17_push()
        response = await http.post(
            "/webhooks/17track", content=body, headers={"sign": track17_signature(body, "")}
        )

    assert response.status_code == 401
    assert await rows(sessionmaker) == 0


async def test_other_events_are_acknowledged_without_changes(client, sessionmaker) -> None:
    body = json.dumps({"event": "TRACKING_STOPPED", "data": {"number": NUMBER}}).encode()

    response = await client.post(
        "/webhooks/17track", content=body, headers={"sign": track17_signature(body, KEY)}
    )

    assert response.status_code == 200
    assert await rows(sessionmaker) == 0


def stored_shipments(database: str) -> dict[str, Shipment]:
    engine = create_engine(to_sync_url(database))
    try:
        with engine.connect() as connection:
            found = connection.execute(select(ShipmentCache.number, ShipmentCache.data)).all()
    finally:
        engine.dispose()
    return {number: Shipment.from_dict(data) for number, data in found}


def as_dicts(shipments: dict[str, Shipment]) -> dict[str, dict[str, Any]]:
    return {number: shipment.to_dict() for number, shipment in shipments.items()}


def test_the_gateway_stores_a_signed_17track_push_and_refuses_a_wrongly_signed_one(
    tmp_path: Path,
) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    upgrade(database)
    settings = Settings.from_env(
        {
            "PARCELDESK_VAR_DIR": str(tmp_path),
            "PARCELDESK_DATABASE_URL": database,
            "PARCELDESK_RASA_PORT": str(free_port()),
            "PARCELDESK_ACTIONS_PORT": str(free_port()),
            "PARCELDESK_17TRACK_WEBHOOK_KEY": KEY,
        }
    )
    signed = track17_push()
    forged = json.dumps(
        {"event": "TRACKING_UPDATED", "data": t17_item(NUMBER, "Delivered", "Delivered_Other", [])}
    ).encode()

    with serve(create_app(settings)) as url:
        accepted = httpx.post(
            f"{url}/webhooks/17track",
            content=signed,
            headers={"sign": track17_signature(signed, KEY)},
            timeout=10,
        )
        after_signed = stored_shipments(database)
        refused = httpx.post(
            f"{url}/webhooks/17track",
            content=forged,
            headers={"sign": track17_signature(forged, "not-our-key")},
            timeout=10,
        )
        after_forged = stored_shipments(database)

    assert accepted.status_code == 200 and accepted.json()["updated"] == NUMBER
    assert list(after_signed) == [NUMBER]
    stored = after_signed[NUMBER]
    assert (stored.status, stored.sub_status) == (Status.IN_TRANSIT, SubStatus.CUSTOMS_PROCESSING)
    assert [s.provider for s in stored.sources] == ["17track"]
    assert refused.status_code == 401
    # The forged push claimed delivery of the same parcel: nothing of it was stored.
    assert as_dicts(after_forged) == as_dicts(after_signed)


async def test_a_replayed_signed_webhook_is_not_applied_twice(client, sessionmaker) -> None:
    body = track17_push()
    headers = {"sign": track17_signature(body, KEY)}
    first = await client.post("/webhooks/17track", content=body, headers=headers)
    async with sessionmaker() as session, session.begin():
        await session.execute(ShipmentCache.__table__.delete())
    replay = await client.post("/webhooks/17track", content=body, headers=headers)
    assert first.status_code == 200 and first.json()["updated"] == NUMBER
    assert replay.json() == {"ok": True, "duplicate": True, "updated": None}
    assert await rows(sessionmaker) == 0  # the replay changed nothing

    event = aftership_push(event_id="evt-42")
    signed = {"aftership-hmac-sha256": aftership_signature(event, SECRET)}
    assert (await client.post("/webhooks/aftership", content=event, headers=signed)).json()[
        "updated"
    ] == NUMBER
    again = await client.post("/webhooks/aftership", content=event, headers=signed)
    assert again.json()["duplicate"] is True


async def test_an_aftership_event_older_than_the_window_is_refused(client, sessionmaker) -> None:
    old = aftership_push(event_id="old", ts=int(time.time()) - 30 * 24 * 3600)
    response = await client.post(
        "/webhooks/aftership",
        content=old,
        headers={"aftership-hmac-sha256": aftership_signature(old, SECRET)},
    )
    assert response.status_code == 409
    assert await rows(sessionmaker) == 0


async def test_a_huge_webhook_body_is_refused_without_being_read_whole(client) -> None:
    async def chunks():
        for _ in range(2048):
            yield b"x" * 1024

    unsigned = await client.post("/webhooks/17track", content=chunks())
    signed = await client.post("/webhooks/17track", content=chunks(), headers={"sign": "x" * 64})
    assert (unsigned.status_code, signed.status_code) == (401, 413)
