"""Contract: the Shopify connector against a local server replaying the Admin GraphQL API's
documented shapes (docs/orders.md): cursor pages, fulfillments' trackingInfo, THROTTLED, 401."""

from __future__ import annotations

import json
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
from bot.shops.shopify import ShopifyClient
from tests.shops.conftest import Waits
from tests.support.servers import serve

TOKEN = "shpat_test_token"
VERSION = "2025-01"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def _order(name: str, email: str | None, numbers: list[list[str]], zip_: str = "10115") -> dict:
    return {
        "name": name,
        "email": email,
        "customer": {"id": f"gid://shopify/Customer/{name[1:]}", "email": email},
        "shippingAddress": {"zip": zip_},
        "fulfillments": [
            {
                "createdAt": "2026-11-28T09:30:00Z",
                "trackingInfo": [{"number": n, "company": "China Post", "url": None} for n in f],
            }
            for f in numbers
        ],
    }


PAGES = {
    None: {
        "orders": {
            "pageInfo": {"hasNextPage": True, "endCursor": "cursor-1"},
            "nodes": [
                _order("#1001", "Jane@Example.com", [["RR123456785CN"], ["CP110000008CN"]]),
                _order("#1002", None, [], zip_="sw1a 1aa"),
            ],
        }
    },
    "cursor-1": {
        "orders": {
            "pageInfo": {"hasNextPage": False, "endCursor": "cursor-2"},
            "nodes": [_order("#1003", "bob@example.com", [["EA220000005CN", "RR400000001CN"]])],
        }
    },
}
THROTTLED = {
    "errors": [
        {
            "message": "Throttled",
            "extensions": {
                "code": "THROTTLED",
                "documentation": "https://shopify.dev/api/usage/rate-limits",
            },
        }
    ],
    "extensions": {
        "cost": {
            "requestedQueryCost": 752,
            "actualQueryCost": None,
            "throttleStatus": {
                "maximumAvailable": 1000.0,
                "currentlyAvailable": 352,
                "restoreRate": 50.0,
            },
        }
    },
}


def replay(*, throttle_first: bool = False) -> tuple[Starlette, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []
    state = {"throttled": not throttle_first}

    async def graphql(request: Request) -> JSONResponse:
        body = json.loads(await request.body())
        seen.append({"headers": dict(request.headers), "body": body, "path": request.url.path})
        if request.headers.get("x-shopify-access-token") != TOKEN:
            return JSONResponse(
                {
                    "errors": "[API] Invalid API key or access token (unrecognized login or wrong "
                    "password)"
                },
                status_code=401,
            )
        if not state["throttled"]:
            state["throttled"] = True
            return JSONResponse(THROTTLED)
        page = PAGES[body["variables"].get("after")]
        return JSONResponse({"data": page, "extensions": {"cost": {"actualQueryCost": 12}}})

    app = Starlette(routes=[Route(f"/admin/api/{VERSION}/graphql.json", graphql, methods=["POST"])])
    return app, seen


async def test_it_reads_every_page_and_stores_each_fulfillment_number(sessions) -> None:
    app, seen = replay()
    with serve(app) as url:
        async with httpx.AsyncClient() as client:
            shop = ShopifyClient(client, store_url=url, access_token=TOKEN, api_version=VERSION)
            loaded = await shop.recent_orders(days=30, now=NOW)
    # What was sent: the token header, the query, 50 a page, the date filter, the cursor.
    assert [s["path"] for s in seen] == [f"/admin/api/{VERSION}/graphql.json"] * 2
    assert all(s["headers"]["x-shopify-access-token"] == TOKEN for s in seen)
    first, second = (s["body"]["variables"] for s in seen)
    assert first == {"first": 50, "after": None, "query": "updated_at:>='2026-11-01T12:00:00Z'"}
    assert second["after"] == "cursor-1"
    assert "trackingInfo" in seen[0]["body"]["query"]

    async with sessions() as session, session.begin():
        await orders.replace_orders(loaded, session=session)
    async with sessions() as session:
        jane = await orders.find("1001", session=session)
        postcode_only = await orders.find("1002", session=session)
        bob = await orders.find("1003", session=session)
    assert jane is not None and jane.email == "jane@example.com" and jane.source == "shopify"
    assert [s.tracking_number for s in jane.shipments] == ["RR123456785CN", "CP110000008CN"]
    assert jane.shipments[0].carrier == "China Post"
    assert jane.customer_id == "gid://shopify/Customer/1001"
    assert postcode_only is not None and postcode_only.postcode == "SW1A1AA"
    assert postcode_only.shipments == []
    assert bob is not None and [s.tracking_number for s in bob.shipments] == [
        "EA220000005CN",
        "RR400000001CN",
    ]


async def test_it_waits_out_a_throttle_for_as_long_as_the_bucket_needs() -> None:
    app, seen = replay(throttle_first=True)
    waits = Waits()
    with serve(app) as url:
        async with httpx.AsyncClient() as client:
            shop = ShopifyClient(
                client, store_url=url, access_token=TOKEN, api_version=VERSION, sleep=waits
            )
            loaded = await shop.recent_orders(days=30, now=NOW)
    # (752 requested - 352 available) / 50 restored per second = 8 s, then the same page again.
    assert waits.seconds == [8.0]
    assert [s["body"]["variables"]["after"] for s in seen] == [None, None, "cursor-1"]
    assert len(loaded) == 3


async def test_a_wrong_token_is_a_permanent_error() -> None:
    app, seen = replay()
    with serve(app) as url:
        async with httpx.AsyncClient() as client:
            shop = ShopifyClient(client, store_url=url, access_token="wrong", api_version=VERSION)
            with pytest.raises(ShopError) as refused:
                await shop.recent_orders(days=30, now=NOW)
    assert refused.value.permanent and "401" in str(refused.value)
    assert len(seen) == 1  # no retry on bad credentials
