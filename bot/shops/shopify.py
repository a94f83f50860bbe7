"""Shopify: recent orders and their fulfillments' tracking numbers (Admin GraphQL API).

Documented shapes this follows (docs/orders.md lists the sources): POST
`{store}/admin/api/{version}/graphql.json` with `X-Shopify-Access-Token`; the `orders`
connection paginates by cursor (`first`, `after`, `pageInfo { hasNextPage endCursor }`, at
most 250 per page); `Fulfillment.trackingInfo` holds `number`, `company`, `url`. A throttled
call answers `errors: [{extensions: {code: "THROTTLED"}}]` with the bucket in
`extensions.cost.throttleStatus` (or HTTP 429); bad credentials answer HTTP 401.
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

PAGE_SIZE = 50
QUERY = """
query RecentOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      name
      email
      customer { id email }
      shippingAddress { zip }
      fulfillments(first: 20) {
        createdAt
        trackingInfo(first: 10) { number company }
      }
    }
  }
}
""".strip()


class ShopifyClient:
    """Reads orders from one store. The `httpx.AsyncClient` is injected and owned by the caller."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        store_url: str,
        access_token: str,
        api_version: str,
        sleep: Sleep = real_sleep,
    ) -> None:
        if not store_url or not access_token:
            raise ShopError(
                "set PARCELDESK_SHOPIFY_STORE_URL and PARCELDESK_SHOPIFY_ACCESS_TOKEN",
                permanent=True,
            )
        base = store_url if "://" in store_url else f"https://{store_url}"
        self._url = f"{base.rstrip('/')}/admin/api/{api_version}/graphql.json"
        self._client = client
        self._token = access_token
        self._sleep = sleep

    async def recent_orders(self, *, days: int, now: datetime | None = None) -> list[OrderIn]:
        """Orders updated in the last `days` days, every page."""
        since = (now or datetime.now(timezone.utc)) - timedelta(days=days)
        variables: dict[str, Any] = {
            "first": PAGE_SIZE,
            "after": None,
            "query": f"updated_at:>='{since.strftime('%Y-%m-%dT%H:%M:%SZ')}'",
        }
        orders: list[OrderIn] = []
        while True:
            data = await self._query(variables)
            connection = data["orders"]
            for node in connection.get("nodes") or []:
                order = order_from_node(node)
                if order is not None:
                    orders.append(order)
            page = connection.get("pageInfo") or {}
            if not page.get("hasNextPage"):
                return orders
            variables = {**variables, "after": page.get("endCursor")}

    async def _query(self, variables: dict[str, Any]) -> dict[str, Any]:
        for _attempt in range(MAX_RETRIES + 1):
            try:
                response = await self._client.post(
                    self._url,
                    json={"query": QUERY, "variables": variables},
                    headers={"X-Shopify-Access-Token": self._token},
                )
            except httpx.HTTPError as exc:
                raise ShopError(f"Shopify unreachable: {exc!r}") from exc
            if response.status_code in (401, 403):
                raise ShopError(
                    f"Shopify refused the access token (HTTP {response.status_code})",
                    permanent=True,
                )
            if response.status_code == 429:
                await self._sleep(retry_after(response.headers.get("Retry-After"), 2.0))
                continue
            if response.status_code >= 400:
                raise ShopError(f"Shopify answered HTTP {response.status_code}")
            body = response.json()
            errors = body.get("errors")
            if errors:
                if _throttled(errors):
                    await self._sleep(_throttle_wait(body))
                    continue
                raise ShopError(f"Shopify query failed: {_messages(errors)}", permanent=True)
            return body["data"]
        raise ShopError(f"Shopify kept throttling after {MAX_RETRIES} waits")


def _throttled(errors: Any) -> bool:
    return isinstance(errors, list) and any(
        (e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors
    )


def _messages(errors: Any) -> str:
    if isinstance(errors, list):
        return "; ".join(str(e.get("message")) for e in errors)
    return str(errors)


def _throttle_wait(body: dict[str, Any]) -> float:
    """Seconds until the bucket holds the cost this query asked for."""
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    need = float(cost.get("requestedQueryCost") or 0)
    have = float(status.get("currentlyAvailable") or 0)
    rate = float(status.get("restoreRate") or 0)
    if rate <= 0:
        return 1.0
    return min(60.0, max(0.5, (need - have) / rate))


def order_from_node(node: dict[str, Any]) -> OrderIn | None:
    """One Shopify order as ParcelDesk stores it; None when it cannot be checked (no e-mail)."""
    number = normalise_order_number(node.get("name"))
    customer = node.get("customer") or {}
    email = normalise_email(node.get("email") or customer.get("email"))
    postcode = normalise_postcode((node.get("shippingAddress") or {}).get("zip"))
    if number is None or (email is None and postcode is None):
        return None
    shipments: dict[str, ShipmentIn] = {}
    for fulfillment in node.get("fulfillments") or []:
        shipped = _time(fulfillment.get("createdAt"))
        for info in fulfillment.get("trackingInfo") or []:
            tracking = "".join(str(info.get("number") or "").split()).upper()
            if tracking:
                shipments.setdefault(
                    tracking, ShipmentIn(tracking, info.get("company") or None, shipped)
                )
    customer_id = str(customer.get("id") or "") or None
    return OrderIn(
        order_number=number,
        email=email,
        postcode=postcode,
        customer_id=customer_id,
        shipments=tuple(shipments.values()),
        source="shopify",
    )


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
