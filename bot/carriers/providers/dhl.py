"""DHL Shipment Tracking – Unified API: `GET {base}/shipments?trackingNumber=N`.

Header `DHL-API-Key`. A number DHL does not know comes back as 404 `application/problem+json`.
Each shipment and event carries a coarse `statusCode` (pre-transit, transit, delivered,
failure, unknown) plus free text, which refines the sub-status for customs and hub scans.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from bot.carriers.http import HttpProvider, malformed
from bot.carriers.normalize import country_code, courier_slug, normalize_number, parse_time
from bot.carriers.spec import ProviderSpec, Setting
from bot.tracking.model import Event, Shipment, Source, Status, SubStatus

NAME = "dhl"
# Documented initial service level: 1 call per second, 250 calls per day.
RATE_PER_SECOND = 1.0

STATUS_CODES: dict[str, Status] = {
    "pre-transit": Status.INFO_RECEIVED,
    "transit": Status.IN_TRANSIT,
    "delivered": Status.DELIVERED,
    "failure": Status.EXCEPTION,
    "unknown": Status.IN_TRANSIT,
}

DHL_COURIERS = {"dhl", "dhl_express", "dhl_paket", "dhl_parcel", "dhl_ecommerce", "deutsche_post"}
# DHL number shapes: Express waybills (10 digits), Paket (12 or 20 digits, 00340434...),
# eCommerce (GM..., LX..., RX...), JJD / JVGL references, UPU items posted in Germany (..DE).
_DHL_NUMBER = re.compile(
    r"^(\d{10}|\d{12}|\d{20}|JJD\d{10,}|JVGL\d{6,}|GM\d{16,22}|(LX|RX|CX|VV)\d{9}DE|[A-Z]{2}\d{9}DE)$"
)

# The German parcel/post services report local times without an offset.
_BERLIN = ZoneInfo("Europe/Berlin")
_LOCAL_TIME_SERVICES = {"parcel-de", "post-de"}

_SUB_KEYWORDS: list[tuple[re.Pattern[str], SubStatus]] = [
    (
        re.compile(r"customs.*(released|cleared|complete)|(released|cleared) .*customs", re.I),
        SubStatus.CUSTOMS_RELEASED,
    ),
    (re.compile(r"customs|zoll", re.I), SubStatus.CUSTOMS_PROCESSING),
    (re.compile(r"departed|left|abgang", re.I), SubStatus.DEPARTURE),
    (re.compile(r"arrived|arrival|eingang", re.I), SubStatus.ARRIVAL),
    (re.compile(r"picked up|abgeholt|eingeliefert", re.I), SubStatus.PICKED_UP),
]
_OUT_FOR_DELIVERY = re.compile(r"out for delivery|with delivery courier|zustellfahrzeug", re.I)


def map_status_code(code: str | None, text: str = "") -> tuple[Status, SubStatus]:
    """DHL's statusCode plus the event text mapped onto the model."""
    status = STATUS_CODES.get((code or "").lower(), Status.IN_TRANSIT)
    if status is not Status.IN_TRANSIT:
        return status, SubStatus.OTHER
    if _OUT_FOR_DELIVERY.search(text):
        return Status.OUT_FOR_DELIVERY, SubStatus.OTHER
    for pattern, sub in _SUB_KEYWORDS:
        if pattern.search(text):
            return status, sub
    return status, SubStatus.OTHER


def _place(location: Any) -> tuple[str | None, str | None]:
    address = (location or {}).get("address") or {}
    return address.get("addressLocality") or None, country_code(address.get("countryCode"))


def _event(raw: dict[str, Any], zone: tzinfo) -> Event | None:
    time = parse_time(raw.get("timestamp"), assume=zone)
    if time is None:
        return None
    text = " ".join(str(raw.get(k) or "") for k in ("status", "description")).strip()
    status, sub = map_status_code(raw.get("statusCode"), text)
    locality, country = _place(raw.get("location"))
    return Event(
        time=time,
        description=str(raw.get("description") or raw.get("status") or ""),
        location=locality,
        country=country,
        status=status,
        sub_status=sub,
        provider=NAME,
    )


def parse_shipment(raw: dict[str, Any], *, now: datetime | None = None) -> Shipment:
    """A Shipment from one entry of the `shipments[]` array."""
    now = now or datetime.now(timezone.utc)
    zone: tzinfo = _BERLIN if raw.get("service") in _LOCAL_TIME_SERVICES else timezone.utc
    events = [e for e in (_event(r, zone) for r in raw.get("events") or []) if e is not None]
    current = raw.get("status") or {}
    text = " ".join(str(current.get(k) or "") for k in ("status", "description")).strip()
    status, sub = map_status_code(current.get("statusCode"), text)
    if (current.get("statusCode") or "unknown") == "unknown" and not events:
        status = Status.NOT_FOUND
    _, origin = _place(raw.get("origin"))
    _, destination = _place(raw.get("destination"))
    return Shipment(
        number=normalize_number(str(raw["id"])),
        status=status,
        sub_status=sub,
        courier="dhl_express" if raw.get("service") == "express" else "dhl",
        carrier=f"DHL ({raw['service']})" if raw.get("service") else "DHL",
        origin_country=origin,
        destination_country=destination,
        events=tuple(sorted(events, key=lambda e: e.time, reverse=True)),
        sources=(Source(provider=NAME, ok=True, status=status, fetched_at=now),),
        fetched_at=now,
        shipped_at=parse_time(raw.get("pickUpDate"), assume=zone),
    )


class DhlProvider(HttpProvider):
    """DHL's own tracking API; asked only about DHL numbers."""

    name = NAME
    default_base_url = "https://api-eu.dhl.com/track"
    rate_per_second = RATE_PER_SECOND

    def supports(self, number: str, courier: str | None) -> bool:
        slug = courier_slug(courier)
        if slug is not None:
            return slug in DHL_COURIERS
        return bool(_DHL_NUMBER.match(normalize_number(number)))

    async def track(self, number: str, *, courier: str | None = None) -> Shipment:
        number = normalize_number(number)
        now = datetime.now(timezone.utc)
        status, payload = await self._request(
            "GET",
            "shipments",
            headers={"DHL-API-Key": self._api_key, "Accept": "application/json"},
            params={"trackingNumber": number},
            accept=(404,),
        )
        if status == 404:
            return Shipment(
                number=number,
                status=Status.NOT_FOUND,
                sources=(Source(provider=NAME, ok=True, status=Status.NOT_FOUND, fetched_at=now),),
                fetched_at=now,
            )
        try:
            shipments = payload["shipments"]
            chosen = next(
                (s for s in shipments if normalize_number(str(s.get("id"))) == number),
                shipments[0] if shipments else None,
            )
            if chosen is None:
                return Shipment(
                    number=number,
                    status=Status.NOT_FOUND,
                    sources=(
                        Source(provider=NAME, ok=True, status=Status.NOT_FOUND, fetched_at=now),
                    ),
                    fetched_at=now,
                )
            return parse_shipment(chosen, now=now).with_changes(number=number)
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
            raise malformed(NAME, exc) from exc


SPEC = ProviderSpec(
    name=NAME,
    prefix="DHL",
    title="DHL",
    build=DhlProvider.from_settings,
    statuses=STATUS_CODES,
    settings=(
        Setting(
            "URL", "DHL Shipment Tracking - Unified API base URL.", DhlProvider.default_base_url
        ),
        Setting(
            "API_KEY", "DHL API key (the DHL-API-Key header); empty leaves DHL out.", required=True
        ),
    ),
)
