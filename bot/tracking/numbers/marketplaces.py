"""Order numbers that follow a big marketplace's own numbering, recognisable by shape alone.

A buyer who pastes an Amazon or eBay order number into a shop's chat should hear that this
assistant cannot see that marketplace's orders, not "I only help with parcels".
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Marketplace:
    # Where the buyer finds the order on the marketplace itself is a sentence of each
    # catalogue (`marketplace.<code>.where`), in the marketplace's own words per language.
    code: str
    name: str
    pattern: re.Pattern[str]


# Shapes as the marketplaces print them in order confirmations and order pages.
MARKETPLACES: tuple[Marketplace, ...] = (
    Marketplace("amazon", "Amazon", re.compile(r"^\d{3}-\d{7}-\d{7}$")),
    Marketplace("ebay", "eBay", re.compile(r"^\d{2}-\d{5}-\d{5}$")),
    Marketplace("temu", "Temu", re.compile(r"^PO-\d{3}-\d{8,20}$")),
)

# The same shapes, findable inside free text (no keyword needed: they are distinctive).
IN_TEXT = re.compile(
    r"(?<![\w-])(?P<id>\d{3}-\d{7}-\d{7}|\d{2}-\d{5}-\d{5}|PO-\d{3}-\d{8,20})(?![\w-])",
    re.IGNORECASE,
)


def marketplace_of(order_number: str) -> Marketplace | None:
    """The marketplace whose numbering `order_number` (normalised) follows, if any."""
    value = order_number.strip().lstrip("#").upper()
    for market in MARKETPLACES:
        if market.pattern.match(value):
            return market
    return None
