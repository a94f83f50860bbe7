"""Shop orders: how they are stored (CSV import, the HTTP API, shop connectors) and how a buyer
proves an order is theirs before the bot reveals anything about it.

Every way of loading orders ends in `replace_orders`: one order number, its buyer's e-mail or
postcode, and the full list of its shipments (a later load replaces the earlier one). Buyers
get in with the e-mail or postcode, or as the shop's signed-in user (widget `setUser`); every
try is recorded, so guessing is limited per conversation and per client.

Callers use the names re-exported here (`from bot.conversations import orders`); the modules
below are the parts:

- `records`: the normalisers (order number, e-mail, postcode) and the order as it comes in
  (`OrderIn`, `ShipmentIn`) and goes out (`OrderView`).
- `loading`: `replace_orders` (in chunks of `CHUNK`) and `delete_order`.
- `lookup`: `find` an order, `count` them, `orders_of_numbers`, `shop_sells_on`.
- `verification`: `verify` a buyer's answer within `Limits` (`failures`, `is_locked`),
  `verified_before`, `owned_by_signed_in_buyer`, and `asked_about` for the console.
- `subscriptions`: `subscribe_order`, and the extension to shipments a later load adds.
"""

from __future__ import annotations

from bot.conversations.orders.loading import CHUNK, delete_order, replace_orders
from bot.conversations.orders.lookup import count, find, orders_of_numbers, shop_sells_on
from bot.conversations.orders.records import (
    OrderIn,
    OrderView,
    ShipmentIn,
    normalise_email,
    normalise_order_number,
    normalise_postcode,
)
from bot.conversations.orders.subscriptions import subscribe_order
from bot.conversations.orders.verification import (
    Limits,
    Verdict,
    asked_about,
    failures,
    is_locked,
    owned_by_signed_in_buyer,
    verified_before,
    verify,
)

__all__ = [
    "CHUNK",
    "Limits",
    "OrderIn",
    "OrderView",
    "ShipmentIn",
    "Verdict",
    "asked_about",
    "count",
    "delete_order",
    "failures",
    "find",
    "is_locked",
    "normalise_email",
    "normalise_order_number",
    "normalise_postcode",
    "orders_of_numbers",
    "owned_by_signed_in_buyer",
    "replace_orders",
    "shop_sells_on",
    "subscribe_order",
    "verified_before",
    "verify",
]
