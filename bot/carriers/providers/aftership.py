"""AfterShip Tracking API (2024-07 or later): create the tracking, then get it.

`POST {base}/trackings` with `{"tracking_number", "slug"?}` (a 400 with meta.code 4003 means it
already exists), then `GET {base}/trackings?tracking_numbers=N`. Header `as-api-key`. Bodies
are `{"meta": {"code", "message"}, "data": ...}`; the tracking has `tag`, `subtag` and
`checkpoints[]` with the same fields per scan.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timezone
from typing import Any

from bot.carriers.base import CarrierError
from bot.carriers.http import HttpProvider, malformed
from bot.carriers.normalize import country_code, courier_slug, normalize_number, parse_time
from bot.carriers.spec import ProviderSpec, Setting, Webhook
from bot.tracking.model import Event, Shipment, Source, Status, SubStatus

NAME = "aftership"
RATE_PER_SECOND = 10.0  # documented limit per account

TRACKING_ALREADY_EXISTS = 4003
TRACKING_DOES_NOT_EXIST = 4004
# Invalid number, unknown/unsupported courier: AfterShip cannot track it, i.e. not found.
_NOT_FOUND_CODES = {TRACKING_DOES_NOT_EXIST, 4005, 4010, 4012}

TAGS: dict[str, Status] = {
    "Pending": Status.NOT_FOUND,
    "InfoReceived": Status.INFO_RECEIVED,
    "InTransit": Status.IN_TRANSIT,
    "OutForDelivery": Status.OUT_FOR_DELIVERY,
    "AttemptFail": Status.DELIVERY_FAILURE,
    "Delivered": Status.DELIVERED,
    "AvailableForPickup": Status.AVAILABLE_FOR_PICKUP,
    "Exception": Status.EXCEPTION,
    "Expired": Status.EXPIRED,
}

# Subtags whose meaning has a sub-status of its own; every other subtag maps to "other".
SUBTAGS: dict[str, SubStatus] = {
    "InTransit_002": SubStatus.PICKED_UP,  # acceptance scan
    "InTransit_003": SubStatus.ARRIVAL,  # arrival scan
    "InTransit_004": SubStatus.ARRIVAL,  # arrived at the destination country
    "InTransit_005": SubStatus.CUSTOMS_RELEASED,
    "InTransit_006": SubStatus.CUSTOMS_PROCESSING,
    "InTransit_007": SubStatus.DEPARTURE,
    "AttemptFail_002": SubStatus.NO_BODY,  # addressee not available
    "Exception_002": SubStatus.INVALID_ADDRESS,  # customer moved
    "Exception_003": SubStatus.REJECTED,  # refused by the recipient
    "Exception_004": SubStatus.CUSTOMS_REQUIRING_INFORMATION,  # delayed in customs
    "Exception_005": SubStatus.DELAYED,
    "Exception_007": SubStatus.INVALID_ADDRESS,
    "Exception_009": SubStatus.REJECTED,  # rejected by the carrier
    "Exception_010": SubStatus.RETURNING,
    "Exception_011": SubStatus.RETURNED,
    "Exception_012": SubStatus.DAMAGED,
    "Exception_013": SubStatus.LOST,
}


def map_tag(tag: str | None, subtag: str | None) -> tuple[Status, SubStatus]:
    """AfterShip's tag/subtag ("InTransit", "InTransit_006") mapped onto the model."""
    prefix = (subtag or "").partition("_")[0]
    status = TAGS.get(tag or "") or TAGS.get(prefix) or Status.IN_TRANSIT
    return status, SUBTAGS.get(subtag or "", SubStatus.OTHER)


def _checkpoint(raw: dict[str, Any]) -> Event | None:
    time = parse_time(raw.get("checkpoint_time"))
    if time is None:
        return None
    status, sub = map_tag(raw.get("tag"), raw.get("subtag"))
    return Event(
        time=time,
        description=str(raw.get("message") or raw.get("subtag_message") or ""),
        location=raw.get("location") or raw.get("city") or None,
        country=country_code(raw.get("country_region") or raw.get("country_iso3")),
        status=status,
        sub_status=sub,
        provider=NAME,
    )


def parse_tracking(tracking: dict[str, Any], *, now: datetime | None = None) -> Shipment:
    """A Shipment from an AfterShip tracking object (API answer or webhook `msg`)."""
    now = now or datetime.now(timezone.utc)
    status, sub = map_tag(tracking.get("tag"), tracking.get("subtag"))
    events = [e for e in map(_checkpoint, tracking.get("checkpoints") or []) if e is not None]
    return Shipment(
        number=normalize_number(str(tracking["tracking_number"])),
        status=status,
        sub_status=sub,
        courier=courier_slug(tracking.get("slug")),
        carrier=tracking.get("slug") or None,
        origin_country=country_code(
            tracking.get("origin_country_region") or tracking.get("origin_country_iso3")
        ),
        destination_country=country_code(
            tracking.get("destination_country_region") or tracking.get("destination_country_iso3")
        ),
        events=tuple(sorted(events, key=lambda e: e.time, reverse=True)),
        sources=(Source(provider=NAME, ok=True, status=status, fetched_at=now),),
        fetched_at=now,
        shipped_at=parse_time(tracking.get("shipment_pickup_date")),
    )


def _meta_code(payload: Any) -> int | None:
    if isinstance(payload, dict) and isinstance(payload.get("meta"), dict):
        code = payload["meta"].get("code")
        return code if isinstance(code, int) else None
    return None


class AfterShipProvider(HttpProvider):
    """AfterShip aggregator client; asks about any number (AfterShip detects the courier)."""

    name = NAME
    default_base_url = "https://api.aftership.com/tracking/2024-07"
    rate_per_second = RATE_PER_SECOND

    def supports(self, number: str, courier: str | None) -> bool:
        return True

    def _headers(self) -> dict[str, str]:
        return {"as-api-key": self._api_key, "Content-Type": "application/json"}

    async def track(self, number: str, *, courier: str | None = None) -> Shipment:
        number = normalize_number(number)
        slug = courier_slug(courier)
        now = datetime.now(timezone.utc)
        body: dict[str, Any] = {"tracking_number": number}
        if slug:
            body["slug"] = slug.replace("_", "-")
        status, payload = await self._request(
            "POST",
            "trackings",
            headers=self._headers(),
            json_body=body,
            accept=(400, 404, 422),
        )
        code = _meta_code(payload)
        if status >= 400:
            if code in _NOT_FOUND_CODES:
                return self._not_found(number, now)
            if code != TRACKING_ALREADY_EXISTS:
                raise CarrierError(
                    f"AfterShip refused the tracking (meta.code {code})",
                    provider=NAME,
                    permanent=True,
                    status_code=status,
                )
        params = {"tracking_numbers": number}
        if "slug" in body:
            params["slug"] = body["slug"]
        _, payload = await self._request(
            "GET",
            "trackings",
            headers=self._headers(),
            params=params,
        )
        try:
            data = payload["data"]
            trackings = data["trackings"] if "trackings" in data else [data.get("tracking", data)]
            for tracking in trackings:
                if normalize_number(str(tracking["tracking_number"])) == number:
                    return parse_tracking(tracking, now=now)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise malformed(NAME, exc) from exc
        return self._not_found(number, now)

    @staticmethod
    def _not_found(number: str, now: datetime) -> Shipment:
        return Shipment(
            number=number,
            status=Status.NOT_FOUND,
            sources=(Source(provider=NAME, ok=True, status=Status.NOT_FOUND, fetched_at=now),),
            fetched_at=now,
        )


def signature(body: bytes, secret: str) -> str:
    """The `aftership-hmac-sha256` header: base64(HMAC-SHA256(webhook secret, body))."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_update(payload: dict[str, Any]) -> Shipment | None:
    """The shipment in a webhook; None for events that do not change the shipment."""
    if payload.get("event") != "tracking_update":
        return None  # EDD revisions and pending-time alerts
    return parse_tracking(payload["msg"])


SPEC = ProviderSpec(
    name=NAME,
    prefix="AFTERSHIP",
    title="AfterShip",
    build=AfterShipProvider.from_settings,
    statuses=TAGS,
    settings=(
        Setting(
            "URL", "AfterShip Tracking API (2024-07) base URL.", AfterShipProvider.default_base_url
        ),
        Setting(
            "API_KEY",
            "AfterShip API key (the as-api-key header); empty leaves AfterShip out.",
            required=True,
        ),
        Setting(
            "WEBHOOK_SECRET", "Secret that signs AfterShip webhooks (aftership-hmac-sha256 header)."
        ),
    ),
    webhook=Webhook(
        path="aftership",
        header="aftership-hmac-sha256",
        secret="WEBHOOK_SECRET",
        sign=signature,
        parse=webhook_update,
    ),
)
