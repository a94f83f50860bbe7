"""Contract: the WooCommerce connector against a local server replaying the REST API v3 and
the Shipment Tracking extension's documented shapes (docs/orders.md): X-WP-TotalPages
pagination, tracking items, 401 woocommerce_rest_cannot_view, 429 Retry-After."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.conversations import orders
from bot.shops.base import ShopError
from bot.shops.woocommerce import WooCommerceClient
from tests.shops.conftest import Waits
from tests.support.servers import serve

KEY, SECRET = "ck_test", "cs_test"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def _order(order_id: int, number: str, email: str, postcode: str = "10115") -> dict[str, Any]:
    return {
        "id": order_id,
        "number": number,
        "status": "completed",
        "customer_id": 42 if order_id == 501 else 0,
        "billing": {"email": email, "postcode": postcode},
        "shipping": {"postcode": postcode},
    }


PAGES = {
    1: [_order(501, "1001", "Jane@Example.com"), _order(502, "1002", "bob@example.com")],
    2: [_order(503, "1003", "ann@example.com", "75001")],
}
TRACKING = {
    501: [
        {
            "tracking_id": "7f4978c390ee633c6294ae0f258656f9",
            "tracking_provider": "China Post",
            "tracking_link": "https://example.invalid/RR123456785CN",
            "tracking_number": "RR123456785CN",
            "date_shipped": "2026-11-20",
        },
        {
            "tracking_id": "8a1",
            "tracking_provider": "",
            "custom_tracking_provider": "Local courier",
            "tracking_number": "CP110000008CN",
            "date_shipped": "1795824000",
        },
    ],
    502: [],
    503: [{"tracking_id": "9b2", "tracking_provider": "USPS", "tracking_number": "EA220000005CN"}],
}


def replay(*, limit_first: bool = False) -> tuple[Starlette, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []
    state = {"limited": not limit_first}

    def authorised(request: Request) -> bool:
        expected = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
        return request.headers.get("authorization") == expected

    def refused() -> JSONResponse:
        return JSONResponse(
            {
                "code": "woocommerce_rest_cannot_view",
                "message": "Sorry, you cannot list resources.",
                "data": {"status": 401},
            },
            status_code=401,
        )

    async def list_orders(request: Request) -> JSONResponse:
        seen.append({"path": request.url.path, "params": dict(request.query_params)})
        if not authorised(request):
            return refused()
        if not state["limited"]:
            state["limited"] = True
            return JSONResponse(
                {"code": "rate_limited", "message": "Too many requests", "data": {"status": 429}},
                status_code=429,
                headers={"Retry-After": "3"},
            )
        page = int(request.query_params.get("page", "1"))
        return JSONResponse(
            PAGES.get(page, []), headers={"X-WP-Total": "3", "X-WP-TotalPages": "2"}
        )

    async def trackings(request: Request) -> JSONResponse:
        seen.append({"path": request.url.path, "params": dict(request.query_params)})
        if not authorised(request):
            return refused()
        return JSONResponse(TRACKING[int(request.path_params["order_id"])])

    app = Starlette(
        routes=[
            Route("/wp-json/wc/v3/orders", list_orders),
            Route(
                "/wp-json/wc-shipment-tracking/v3/orders/{order_id}/shipment-trackings", trackings
            ),
        ]
    )
    return app, seen


async def test_it_reads_every_page_with_each_orders_tracking_items(sessions) -> None:
    app, seen = replay()
    with serve(app) as url:
        async with httpx.AsyncClient() as client:
            shop = WooCommerceClient(client, url=url, consumer_key=KEY, consumer_secret=SECRET)
            loaded = await shop.recent_orders(days=30, now=NOW)
    listing = [s for s in seen if s["path"] == "/wp-json/wc/v3/orders"]
    assert [s["params"]["page"] for s in listing] == ["1", "2"]
    assert listing[0]["params"] == {
        "per_page": "100",
        "page": "1",
        "modified_after": "2026-11-01T12:00:00",
        "status": "processing,completed,on-hold",
        "orderby": "id",
        "order": "asc",
    }
    assert [s["path"] for s in seen if "shipment-trackings" in s["path"]] == [
        f"/wp-json/wc-shipment-tracking/v3/orders/{i}/shipment-trackings" for i in (501, 502, 503)
    ]

    async with sessions() as session, session.begin():
        await orders.replace_orders(loaded, session=session)
    async with sessions() as session:
        jane = await orders.find("1001", session=session)
        bob = await orders.find("1002", session=session)
        ann = await orders.find("1003", session=session)
    assert jane is not None and jane.email == "jane@example.com" and jane.customer_id == "42"
    assert [(s.tracking_number, s.carrier) for s in jane.shipments] == [
        ("RR123456785CN", "China Post"),
        ("CP110000008CN", "Local courier"),
    ]
    assert jane.shipments[0].shipped_at is not None
    assert bob is not None and bob.shipments == [] and bob.source == "woocommerce"
    assert ann is not None and ann.postcode == "75001"
    assert [s.tracking_number for s in ann.shipments] == ["EA220000005CN"]


async def test_it_waits_for_retry_after_then_goes_on() -> None:
    app, seen = replay(limit_first=True)
    waits = Waits()
    with serve(app) as url:
        async with httpx.AsyncClient() as client:
            shop = WooCommerceClient(
                client, url=url, consumer_key=KEY, consumer_secret=SECRET, sleep=waits
            )
            loaded = await shop.recent_orders(days=30, now=NOW)
    assert waits.seconds == [3.0]
    assert [s["params"].get("page") for s in seen if s["path"].endswith("/orders")] == [
        "1",
        "1",
        "2",
    ]
    assert len(loaded) == 3


async def test_wrong_keys_are_a_permanent_error_naming_the_code() -> None:
    app, seen = replay()
    with serve(app) as url:
        async with httpx.AsyncClient() as client:
            shop = WooCommerceClient(client, url=url, consumer_key=KEY, consumer_secret="nope")
            with pytest.raises(ShopError) as refused:
                await shop.recent_orders(days=30, now=NOW)
    assert refused.value.permanent
    assert "woocommerce_rest_cannot_view" in str(refused.value)
    assert len(seen) == 1
