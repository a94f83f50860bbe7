"""PUT/DELETE /api/v1/orders/{order_number}: a shop's backend keeps an order up to date."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.channels.gateway_app import API_HEADERS, gateway

BODY = {
    "email": "Jane@Example.com",
    "shipments": [{"tracking_number": "RR123456785CN", "carrier": "China Post"}],
}


def test_it_creates_replaces_and_deletes_an_order(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        order = f"{url}/api/v1/orders/%231001"
        assert httpx.put(order, json=BODY, timeout=10).status_code == 401
        created = httpx.put(order, json=BODY, headers=API_HEADERS, timeout=10)
        assert created.status_code == 201
        assert created.json()["order_number"] == "1001"
        assert created.json()["email"] == "jane@example.com"
        replaced = httpx.put(
            order,
            json={**BODY, "shipments": [{"tracking_number": "CP110000008CN"}]},
            headers=API_HEADERS,
            timeout=10,
        )
        assert replaced.status_code == 200
        assert [s["tracking_number"] for s in replaced.json()["shipments"]] == ["CP110000008CN"]
        assert httpx.delete(order, headers=API_HEADERS, timeout=10).status_code == 204
        assert httpx.delete(order, headers=API_HEADERS, timeout=10).status_code == 404


def test_it_refuses_orders_it_could_not_check_or_track(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        order = f"{url}/api/v1/orders/1001"
        cases = [
            ({"shipments": []}, "email"),
            ({"email": "nope"}, "e-mail"),
            ({**BODY, "shipments": [{"tracking_number": "RR123456786CN"}]}, "check digit"),
            ({**BODY, "shipments": "RR123456785CN"}, "shipments"),
        ]
        for body, said in cases:
            refused = httpx.put(order, json=body, headers=API_HEADERS, timeout=10)
            assert refused.status_code == 422 and said in refused.json()["error"]
        assert httpx.put(order, content=b"{", headers=API_HEADERS, timeout=10).status_code == 400
