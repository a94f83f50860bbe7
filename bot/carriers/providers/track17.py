"""17TRACK Tracking API v2.2: register the number, then read it back with gettrackinfo.

Requests are `POST {base}/register` and `POST {base}/gettrackinfo` with a JSON array of
`{"number", "carrier"?}` (at most 40 per call) and the `17token` header. Answers carry
`data.accepted[]` (with `track_info`) and `data.rejected[]` (with `error.code`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from bot.carriers.base import CarrierError
from bot.carriers.http import HttpProvider, malformed
from bot.carriers.normalize import country_code, courier_slug, normalize_number, parse_time
from bot.carriers.spec import ProviderSpec, Setting, Webhook
from bot.tracking.model import Event, Shipment, Source, Status, SubStatus

NAME = "17track"
BATCH_SIZE = 40  # documented maximum of numbers per register / gettrackinfo call
RATE_PER_SECOND = 3.0  # documented limit per API key

# Our courier slugs -> 17TRACK carrier keys, so 17TRACK need not guess the carrier.
CARRIER_KEYS: dict[str, int] = {
    "dhl": 100001,
    "dhl_express": 100001,
    "ups": 100002,
    "fedex": 100003,
    "tnt": 100004,
    "gls": 100005,
    "usps": 21051,
    "china_post": 3011,
    "china_ems": 3013,
    "ems": 3013,
    "dhl_paket": 7041,
    "deutsche_post": 7041,
    "royal_mail": 11031,
    "australia_post": 1151,
}
_SLUG_BY_KEY = {
    100001: "dhl_express",
    100002: "ups",
    100003: "fedex",
    100004: "tnt",
    100005: "gls",
    21051: "usps",
    3011: "china_post",
    3013: "china_ems",
    7041: "dhl_paket",
    11031: "royal_mail",
    1151: "australia_post",
}

# Error codes (data.rejected[].error.code or top-level code).
ALREADY_REGISTERED = -18019901
NOT_REGISTERED = -18019902
CARRIER_NOT_DETECTED = -18019903
NO_TRACKING_INFO = -18019909
_NOT_FOUND_CODES = {NOT_REGISTERED, CARRIER_NOT_DETECTED, NO_TRACKING_INFO}
# Bad or disabled key, IP not whitelisted, quota used up: retrying will not help.
_PERMANENT_CODES = {-18010001, -18010002, -18010004, -18010005, -18019907, -18019908}

_MAIN_STATUS = {
    "NotFound": Status.NOT_FOUND,
    "InfoReceived": Status.INFO_RECEIVED,
    "InTransit": Status.IN_TRANSIT,
    "Expired": Status.EXPIRED,
    "AvailableForPickup": Status.AVAILABLE_FOR_PICKUP,
    "OutForDelivery": Status.OUT_FOR_DELIVERY,
    "DeliveryFailure": Status.DELIVERY_FAILURE,
    "Delivered": Status.DELIVERED,
    "Exception": Status.EXCEPTION,
}
# Sub-status suffixes whose snake-case form differs from our enum value.
_SUB_ALIASES = {"damage": SubStatus.DAMAGED, "cancel": SubStatus.CANCELLED}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def map_status(main: str | None, sub: str | None) -> tuple[Status, SubStatus]:
    """17TRACK's `status` / `sub_status` ("InTransit", "InTransit_CustomsProcessing") mapped
    onto the model. The sub-status prefix decides the main status when both are given."""
    prefix, _, suffix = (sub or "").partition("_")
    status = _MAIN_STATUS.get(prefix) or _MAIN_STATUS.get(main or "") or Status.IN_TRANSIT
    if not suffix:
        return status, SubStatus.OTHER
    snake = _snake(suffix)
    if snake in _SUB_ALIASES:
        return status, _SUB_ALIASES[snake]
    try:
        return status, SubStatus(snake)
    except ValueError:
        return status, SubStatus.OTHER


def _event(raw: dict[str, Any]) -> Event | None:
    time = parse_time(raw.get("time_iso")) or parse_time(raw.get("time_utc"))
    if time is None:
        return None
    status, sub = map_status(None, raw.get("sub_status"))
    address = raw.get("address") or {}
    return Event(
        time=time,
        description=str(raw.get("description") or raw.get("description_translation") or ""),
        location=raw.get("location") or address.get("city") or None,
        country=country_code(address.get("country")),
        status=status,
        sub_status=sub,
        provider=NAME,
    )


def parse_track_info(item: dict[str, Any], *, now: datetime | None = None) -> Shipment:
    """A Shipment from one `accepted[]` entry of gettrackinfo or from a push `data` object."""
    now = now or datetime.now(timezone.utc)
    number = str(item["number"])
    info = item.get("track_info") or {}
    latest = info.get("latest_status") or {}
    status, sub = map_status(latest.get("status"), latest.get("sub_status"))
    shipping = info.get("shipping_info") or {}
    providers = (info.get("tracking") or {}).get("providers") or []
    events: list[Event] = []
    carrier_name = None
    for block in providers:
        carrier_name = carrier_name or (block.get("provider") or {}).get("name")
        events.extend(e for e in map(_event, block.get("events") or []) if e is not None)
    shipped_at = None
    for milestone in info.get("milestone") or []:
        if milestone.get("key_stage") == "PickedUp":
            shipped_at = parse_time(milestone.get("time_iso")) or parse_time(
                milestone.get("time_utc")
            )
    carrier_key = item.get("carrier")
    return Shipment(
        number=number,
        status=status,
        sub_status=sub,
        courier=_SLUG_BY_KEY.get(carrier_key) if isinstance(carrier_key, int) else None,
        carrier=carrier_name,
        origin_country=country_code((shipping.get("shipper_address") or {}).get("country")),
        destination_country=country_code((shipping.get("recipient_address") or {}).get("country")),
        events=tuple(sorted(events, key=lambda e: e.time, reverse=True)),
        sources=(Source(provider=NAME, ok=True, status=status, fetched_at=now),),
        fetched_at=now,
        shipped_at=shipped_at,
    )


def not_found(number: str, *, now: datetime | None = None) -> Shipment:
    """What 17TRACK says about a number it has no data for."""
    now = now or datetime.now(timezone.utc)
    return Shipment(
        number=number,
        status=Status.NOT_FOUND,
        sources=(Source(provider=NAME, ok=True, status=Status.NOT_FOUND, fetched_at=now),),
        fetched_at=now,
    )


class Track17Provider(HttpProvider):
    """17TRACK aggregator client; asks about any number (17TRACK detects the carrier)."""

    name = NAME
    default_base_url = "https://api.17track.net/track/v2.2"
    rate_per_second = RATE_PER_SECOND

    def supports(self, number: str, courier: str | None) -> bool:
        return True

    async def track(self, number: str, *, courier: str | None = None) -> Shipment:
        number = normalize_number(number)
        return (await self.track_many([number], courier=courier))[number]

    async def track_many(
        self, numbers: Iterable[str], *, courier: str | None = None
    ) -> dict[str, Shipment]:
        """Track several numbers, 40 per request; returns one Shipment per normalised number."""
        wanted = list(dict.fromkeys(normalize_number(n) for n in numbers))
        carrier = CARRIER_KEYS.get(courier_slug(courier) or "")
        results: dict[str, Shipment] = {}
        for start in range(0, len(wanted), BATCH_SIZE):
            batch = wanted[start : start + BATCH_SIZE]
            body = [{"number": n, **({"carrier": carrier} if carrier else {})} for n in batch]
            unknown = await self._register(body)
            results.update(await self._get(body, unknown))
        return results

    def _headers(self) -> dict[str, str]:
        return {"17token": self._api_key, "Content-Type": "application/json"}

    async def _post(self, path: str, body: Sequence[dict[str, Any]]) -> dict[str, Any]:
        _, payload = await self._request(
            "POST",
            path,
            headers=self._headers(),
            json_body=list(body),
        )
        if not isinstance(payload, dict):
            raise malformed(NAME, TypeError(f"body is {type(payload).__name__}"))
        code = payload.get("code")
        if code in _PERMANENT_CODES:
            raise CarrierError(
                f"17TRACK refused the request (code {code})", provider=NAME, permanent=True
            )
        if code not in (0, None):
            raise CarrierError(f"17TRACK error code {code}", provider=NAME)
        return payload

    @staticmethod
    def _rejections(payload: dict[str, Any]) -> dict[str, int | None]:
        try:
            rejected = (payload.get("data") or {}).get("rejected") or []
            return {str(r["number"]).upper(): (r.get("error") or {}).get("code") for r in rejected}
        except (KeyError, TypeError, AttributeError) as exc:
            raise malformed(NAME, exc) from exc

    async def _register(self, body: list[dict[str, Any]]) -> dict[str, int | None]:
        """Register the batch; "already registered" is fine. Returns numbers 17TRACK refused."""
        payload = await self._post("register", body)
        rejections = self._rejections(payload)
        for code in rejections.values():
            if code in _PERMANENT_CODES:
                raise CarrierError(
                    f"17TRACK refused registration (code {code})", provider=NAME, permanent=True
                )
        return {n: c for n, c in rejections.items() if c != ALREADY_REGISTERED}

    async def _get(
        self, body: list[dict[str, Any]], unknown: dict[str, int | None]
    ) -> dict[str, Shipment]:
        now = datetime.now(timezone.utc)
        payload = await self._post("gettrackinfo", body)
        rejections = self._rejections(payload)
        results: dict[str, Shipment] = {}
        try:
            for item in (payload.get("data") or {}).get("accepted") or []:
                shipment = parse_track_info(item, now=now)
                results[shipment.number.upper()] = shipment
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise malformed(NAME, exc) from exc
        for entry in body:
            number = entry["number"]
            if number in results:
                continue
            code = rejections.get(number, unknown.get(number))
            if code is not None and code not in _NOT_FOUND_CODES:
                raise CarrierError(f"17TRACK rejected {number} (code {code})", provider=NAME)
            results[number] = not_found(number, now=now)
        return results


def signature(body: bytes, key: str) -> str:
    """The `sign` header 17TRACK sends with a push of `body`: sha256(body + "/" + key), hex."""
    return hashlib.sha256(body + b"/" + key.encode()).hexdigest()


def webhook_update(payload: dict[str, Any]) -> Shipment | None:
    """The shipment in a push; None for a push that says nothing new about the parcel."""
    if payload.get("event") != "TRACKING_UPDATED":
        return None  # e.g. TRACKING_STOPPED
    return parse_track_info(payload["data"])


SPEC = ProviderSpec(
    name=NAME,
    prefix="17TRACK",
    title="17TRACK",
    build=Track17Provider.from_settings,
    statuses=_MAIN_STATUS,
    settings=(
        Setting("URL", "17TRACK Tracking API v2.2 base URL.", Track17Provider.default_base_url),
        Setting(
            "API_KEY",
            "17TRACK API key (the 17token header); empty leaves 17TRACK out.",
            required=True,
        ),
        Setting(
            "WEBHOOK_KEY",
            "Key used to verify 17TRACK push signatures (defaults to the API key).",
            fallback="API_KEY",
        ),
    ),
    webhook=Webhook(
        path="17track", header="sign", secret="WEBHOOK_KEY", sign=signature, parse=webhook_update
    ),
)
