"""WooCommerce: recent orders (REST API v3) and their tracking numbers (Shipment Tracking
extension's REST API).

Documented shapes this follows (docs/orders.md lists the sources): `GET
/wp-json/wc/v3/orders?per_page=&page=&modified_after=` with the consumer key and secret as
HTTP Basic auth; pages counted by the `X-WP-TotalPages` header; each order's `number`,
`customer_id`, `billing.email`, `shipping.postcode`. Tracking items: `GET
/wp-json/wc-shipment-tracking/v3/orders/<id>/shipment-trackings` -> `[{tracking_number,
tracking_provider, date_shipped}]`. Errors are JSON `{code, message, data: {status}}`, e.g.
401 `woocommerce_rest_cannot_view`; a host's rate limit answers 429 with Retry-After.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from bot.conversations.orders import (
    OrderIn,
    ShipmentIn,
    normalise_email,
    normalise_order_number,
    normalise_postcode,
)
from bot.shops.base import MAX_RETRIES, ShopError, Sleep, real_sleep, retry_after

PAGE_SIZE = 100
# Orders that can have left the warehouse; others have no tracking to show.
STATUSES = "processing,completed,on-hold"


class WooCommerceClient:
    """Reads orders from one WooCommerce site; the `httpx.AsyncClient` is injected."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        url: str,
        consumer_key: str,
        consumer_secret: str,
        sleep: Sleep = real_sleep,
    ) -> None:
        if not url or not consumer_key or not consumer_secret:
            raise ShopError(
                "set PARCELDESK_WOOCOMMERCE_URL, PARCELDESK_WOOCOMMERCE_CONSUMER_KEY and "
                "PARCELDESK_WOOCOMMERCE_CONSUMER_SECRET",
                permanent=True,
            )
        self._base = url.rstrip("/")
        self._client = client
        self._auth = httpx.BasicAuth(consumer_key, consumer_secret)
        self._sleep = sleep

    async def recent_orders(self, *, days: int, now: datetime | None = None) -> list[OrderIn]:
        """Orders modified in the last `days` days, every page, each with its tracking items."""
        since = (now or datetime.now(timezone.utc)) - timedelta(days=days)
        orders: list[OrderIn] = []
        page = 1
        while True:
            response = await self._get(
                "/wp-json/wc/v3/orders",
                {
                    "per_page": PAGE_SIZE,
                    "page": page,
                    "modified_after": since.strftime("%Y-%m-%dT%H:%M:%S"),
                    "status": STATUSES,
                    "orderby": "id",
                    "order": "asc",
                },
            )
            for raw in response.json():
                items = await self._tracking_items(raw.get("id"))
                order = order_from_json(raw, items)
                if order is not None:
                    orders.append(order)
            pages = int(response.headers.get("X-WP-TotalPages") or 1)
            if page >= pages:
                return orders
            page += 1

    async def _tracking_items(self, order_id: Any) -> list[dict[str, Any]]:
        response = await self._get(
            f"/wp-json/wc-shipment-tracking/v3/orders/{int(order_id)}/shipment-trackings", {}
        )
        body = response.json()
        return body if isinstance(body, list) else []

    async def _get(self, path: str, params: dict[str, Any]) -> httpx.Response:
        for _attempt in range(MAX_RETRIES + 1):
            try:
                response = await self._client.get(self._base + path, params=params, auth=self._auth)
            except httpx.HTTPError as exc:
                raise ShopError(f"WooCommerce unreachable: {exc!r}") from exc
            if response.status_code == 429:
                await self._sleep(retry_after(response.headers.get("Retry-After"), 2.0))
                continue
            if response.status_code in (401, 403):
                raise ShopError(
                    f"WooCommerce refused the API keys: {_error_code(response)}", permanent=True
                )
            if response.status_code == 404:
                raise ShopError(
                    f"WooCommerce has no {path} ({_error_code(response)}); is the Shipment "
                    "Tracking extension active?",
                    permanent=True,
                )
            if response.status_code >= 400:
                raise ShopError(f"WooCommerce answered HTTP {response.status_code}")
            return response
        raise ShopError(f"WooCommerce kept rate-limiting after {MAX_RETRIES} waits")


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json().get("code"))
    except (ValueError, AttributeError):
        return f"HTTP {response.status_code}"


def order_from_json(raw: dict[str, Any], items: list[dict[str, Any]]) -> OrderIn | None:
    """One WooCommerce order as ParcelDesk stores it; None when it cannot be checked."""
    number = normalise_order_number(str(raw.get("number") or raw.get("id") or ""))
    billing = raw.get("billing") or {}
    shipping = raw.get("shipping") or {}
    email = normalise_email(billing.get("email"))
    postcode = normalise_postcode(shipping.get("postcode") or billing.get("postcode"))
    if number is None or (email is None and postcode is None):
        return None
    shipments: dict[str, ShipmentIn] = {}
    for item in items:
        tracking = "".join(str(item.get("tracking_number") or "").split()).upper()
        if not tracking:
            continue
        carrier = item.get("tracking_provider") or item.get("custom_tracking_provider") or None
        shipments.setdefault(tracking, ShipmentIn(tracking, carrier, _date(item)))
    customer = raw.get("customer_id")
    return OrderIn(
        order_number=number,
        email=email,
        postcode=postcode,
        customer_id=str(customer) if customer else None,
        shipments=tuple(shipments.values()),
        source="woocommerce",
    )


def _date(item: dict[str, Any]) -> datetime | None:
    value = item.get("date_shipped")
    if not value:
        return None
    try:
        if str(value).isdigit():  # older versions give a Unix timestamp
            return datetime.fromtimestamp(int(value), tz=timezone.utc)
        return datetime.fromisoformat(str(value)).replace(tzinfo=timezone.utc)
    except ValueError:
        return None
