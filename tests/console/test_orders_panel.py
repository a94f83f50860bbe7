"""The parcel panel shows the orders a conversation asked about, with every shipment, and
subscribes the buyer to all parcels of an order."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bot.conversations import orders
from tests.console.helpers import console

CONV = "/console/api/conversations/"


def test_the_panel_shows_the_order_and_subscribes_to_all_its_parcels(tmp_path: Path) -> None:
    with console(tmp_path) as desk:
        desk.add_agent("order-ola")
        desk.pending("api:ord", "where is my order 1001")

        async def load(session):  # type: ignore[no-untyped-def]
            await orders.replace_orders(
                [
                    orders.OrderIn(
                        "1001",
                        "jane@example.com",
                        (orders.ShipmentIn("RR400000001CN"), orders.ShipmentIn("EA220000005CN")),
                    )
                ],
                session=session,
            )
            await orders.verify(
                "1001",
                "jane@example.com",
                conversation_id="api:ord",
                client="api:ord",
                session=session,
                now=datetime.now(timezone.utc),
                limits=orders.Limits(),
            )

        desk.run(load)
        client, csrf = desk.login("order-ola")
        data = client.get(CONV + "api:ord").json()
        [order] = data["orders"]
        assert order["order_number"] == "1001" and order["verified"] is True
        assert [s["tracking_number"] for s in order["shipments"]] == [
            "RR400000001CN",
            "EA220000005CN",
        ]
        cards = {p["number"]: p for p in data["parcels"]}
        assert cards["EA220000005CN"]["order"] == "1001"
        assert cards["EA220000005CN"]["status"] == "delivered"

        headers = {"X-CSRF-Token": csrf}
        client.post(CONV + "api:ord/claim", headers=headers)
        done = client.post(CONV + "api:ord/subscribe", json={"order": "1001"}, headers=headers)
        assert done.json() == {"subscribed": ["RR400000001CN", "EA220000005CN"], "order": "1001"}
        assert client.get(CONV + "api:ord").json()["orders"][0]["subscribed"] is True
        other = client.post(CONV + "api:ord/subscribe", json={"order": "9999"}, headers=headers)
        assert other.status_code == 400
