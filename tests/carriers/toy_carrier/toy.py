"""Toy Post: a whole carrier in one file, written by following docs/adding-a-carrier.md.

tests/carriers/test_adding_a_carrier.py drops this folder into bot.carriers.providers and checks
that the carrier is tracked, configured, documented and webhook-routed with no other edit.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone
from typing import Any

from bot.carriers.http import HttpProvider
from bot.carriers.spec import ProviderSpec, Setting, Webhook
from bot.tracking.model import Event, Shipment, Source, Status

NAME = "toy"

# Toy Post's own status words -> ours.
STATUSES: dict[str, Status] = {
    "accepted": Status.INFO_RECEIVED,
    "moving": Status.IN_TRANSIT,
    "handed_over": Status.DELIVERED,
}


def parse_parcel(raw: dict[str, Any]) -> Shipment:
    """A Toy Post parcel: {"number", "state", "scans": [{"at", "text"}]}."""
    status = STATUSES.get(raw["state"], Status.IN_TRANSIT)
    events = tuple(
        Event(time=datetime.fromisoformat(s["at"]), description=s["text"], provider=NAME)
        for s in raw.get("scans", [])
    )
    now = datetime.now(timezone.utc)
    return Shipment(
        number=raw["number"],
        status=status,
        events=events,
        sources=(Source(NAME, ok=True, status=status, fetched_at=now),),
        fetched_at=now,
    )


class ToyProvider(HttpProvider):
    """Toy Post's API: `GET {base}/parcels/{number}` with the `toy-key` header."""

    name = NAME
    default_base_url = "https://api.toy-post.example/v1"
    rate_per_second = 5.0

    def supports(self, number: str, courier: str | None) -> bool:
        return True

    async def track(self, number: str, *, courier: str | None = None) -> Shipment:
        _status, payload = await self._request(
            "GET", f"parcels/{number}", headers={"toy-key": self._api_key}
        )
        return parse_parcel(payload)


def signature(body: bytes, secret: str) -> str:
    """The `toy-signature` header: hex HMAC-SHA256 of the body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_update(payload: dict[str, Any]) -> Shipment | None:
    return parse_parcel(payload["parcel"]) if payload.get("kind") == "parcel" else None


SPEC = ProviderSpec(
    name=NAME,
    prefix="TOY",
    title="Toy Post",
    build=ToyProvider.from_settings,
    statuses=STATUSES,
    settings=(
        Setting("URL", "Toy Post API base URL.", ToyProvider.default_base_url),
        Setting("API_KEY", "Toy Post API key; empty leaves Toy Post out.", required=True),
        Setting("WEBHOOK_SECRET", "Secret that signs Toy Post pushes (toy-signature header)."),
    ),
    webhook=Webhook(
        path="toy",
        header="toy-signature",
        secret="WEBHOOK_SECRET",
        sign=signature,
        parse=webhook_update,
    ),
)
