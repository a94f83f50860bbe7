"""What an order is, in and out of storage: the normalised order number, e-mail and postcode,
the order a loader hands over (`OrderIn`, `ShipmentIn`) and the one callers read (`OrderView`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

_ORDER_NUMBER = re.compile(r"^[A-Z0-9](?:[A-Z0-9._/-]{0,62}[A-Z0-9])?$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_POSTCODE = re.compile(r"^[A-Z0-9]{3,10}$")


def normalise_order_number(raw: str | None) -> str | None:
    """`#1001 ` -> `1001`; None when it cannot be an order number."""
    value = (raw or "").strip().lstrip("#").strip().upper()
    return value if _ORDER_NUMBER.match(value) else None


def normalise_email(raw: str | None) -> str | None:
    """Trimmed and lower-cased (shops and buyers disagree on case); None when not an address."""
    value = (raw or "").strip().strip("<>").strip().lower()
    return value if len(value) <= 191 and _EMAIL.match(value) else None


def normalise_postcode(raw: str | None) -> str | None:
    """Upper case without spaces or dashes ("sw1a 1aa" -> "SW1A1AA"); None when not one."""
    value = re.sub(r"[\s-]", "", (raw or "").upper())
    return value if _POSTCODE.match(value) else None


@dataclass(frozen=True)
class ShipmentIn:
    tracking_number: str
    carrier: str | None = None
    shipped_at: datetime | None = None


@dataclass(frozen=True)
class OrderIn:
    """One order as a loader hands it over (already normalised and checked)."""

    order_number: str
    email: str | None
    shipments: tuple[ShipmentIn, ...] = ()
    postcode: str | None = None
    customer_id: str | None = None
    shop: str | None = None
    source: str = "csv"


@dataclass(frozen=True)
class OrderView:
    """An order with its shipments, for the bot's answer and the console."""

    order_number: str
    email: str | None
    postcode: str | None
    customer_id: str | None
    source: str
    shipments: list[ShipmentIn] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "order_number": self.order_number,
            "email": self.email,
            "postcode": self.postcode,
            "source": self.source,
            "shipments": [
                {
                    "tracking_number": s.tracking_number,
                    "carrier": s.carrier,
                    "shipped_at": s.shipped_at.isoformat() if s.shipped_at else None,
                }
                for s in self.shipments
            ],
        }
