"""docs/adding-a-carrier.md, followed: one file (tests/carriers/toy_carrier/toy.py) dropped into
bot.carriers.providers makes a carrier that is tracked, configured, documented and
webhook-routed, with no edit anywhere else."""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from sqlalchemy import select

import bot.carriers.providers as providers
from bot.carriers.registry import build_providers
from bot.carriers.service import build_tracking_service
from bot.channels.carrier_webhooks import carrier_webhook_routes
from bot.config import Settings
from bot.storage.models import ShipmentCache
from bot.tracking.model import Status
from tests.channels.test_carrier_webhooks import sessionmaker, webhook_app  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
TOY_FOLDER = Path(__file__).parent / "toy_carrier"
NUMBER = "TOY123456"
PARCEL = {
    "number": NUMBER,
    "state": "handed_over",
    "scans": [{"at": "2024-05-09T14:00:00+02:00", "text": "Handed to the buyer"}],
}


@pytest.fixture(autouse=True)
def toy_installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if toy.py had been saved in bot/carriers/providers/."""
    monkeypatch.setattr(providers, "__path__", [*providers.__path__, str(TOY_FOLDER)])
    yield
    sys.modules.pop("bot.carriers.providers.toy", None)


def settings_table() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "settings_table", ROOT / "scripts/settings_table.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_it_tracks_a_parcel_with_the_new_carrier() -> None:
    def toy_post(request: httpx.Request) -> httpx.Response:
        assert request.headers["toy-key"] == "secret-key"
        assert request.url == f"https://api.toy-post.example/v1/parcels/{NUMBER}"
        return httpx.Response(200, json=PARCEL)

    settings = Settings.from_env(
        {"PARCELDESK_PROVIDERS": "toy", "PARCELDESK_TOY_API_KEY": "secret-key"}
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(toy_post)) as client:
        shipment = await build_tracking_service(settings, client=client).track(NUMBER)

    assert shipment.status == Status.DELIVERED
    assert [e.description for e in shipment.events] == ["Handed to the buyer"]
    assert [s.provider for s in shipment.sources] == ["toy"]


async def test_it_leaves_the_carrier_out_without_its_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    async with httpx.AsyncClient() as client:
        built = build_providers(Settings.from_env({"PARCELDESK_PROVIDERS": "toy,demo"}), client)

    assert [p.name for p in built] == ["demo"]
    assert "provider toy is enabled but PARCELDESK_TOY_API_KEY is not set" in caplog.text


def test_it_documents_the_carriers_settings() -> None:
    table = settings_table()
    env_example = table.env_example((ROOT / ".env.example").read_text())

    assert (
        "# Toy Post API key; empty leaves Toy Post out.\nPARCELDESK_TOY_API_KEY=\n" in env_example
    )
    assert "PARCELDESK_TOY_URL=https://api.toy-post.example/v1\n" in env_example
    readme_rows = table.table(env_example).splitlines()
    assert (
        "| `PARCELDESK_TOY_WEBHOOK_SECRET` | `(empty)` | "
        "Secret that signs Toy Post pushes (toy-signature header). |"
    ) in readme_rows


async def test_it_routes_the_carriers_signed_webhook(sessionmaker: Any) -> None:  # noqa: F811
    from tests.carriers.toy_carrier.toy import signature

    settings = Settings.from_env({"PARCELDESK_TOY_WEBHOOK_SECRET": "hook-secret"})
    assert "/webhooks/toy" in [route.path for route in carrier_webhook_routes(settings)]
    app = webhook_app(settings, sessionmaker)
    body = json.dumps({"kind": "parcel", "parcel": PARCEL}).encode()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
        forged = await http.post("/webhooks/toy", content=body, headers={"toy-signature": "x"})
        signed = await http.post(
            "/webhooks/toy",
            content=body,
            headers={"toy-signature": signature(body, "hook-secret")},
        )

    assert forged.status_code == 401
    assert signed.json() == {"ok": True, "updated": NUMBER, "status": "delivered"}
    async with sessionmaker() as session:
        cached = (await session.execute(select(ShipmentCache.number))).scalars().all()
    assert cached == [NUMBER]
