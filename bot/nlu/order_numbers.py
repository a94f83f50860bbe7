"""Find shop order numbers ("order #100234", "order no 112-4567890-1234567") in free text.

Also recognised without a keyword: marketplace-shaped numbers (123-1234567-1234567) and a
message that is nothing but a short id ("1001", "#1001"), the usual answer to "what is your
tracking or order number?". Tracking numbers win over all of these (bot.nlu.spans)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.tracking.numbers.marketplaces import IN_TEXT as _MARKETPLACE

# A keyword ("order", "order no", "order number"...), then an id holding at least one digit.
_AFTER_KEYWORD = re.compile(
    r"\b(?:order|ord|pedido|commande|bestellung)\b\s*"
    r"(?:(?:no|nr|num|number|id|ref|reference)\b\.?\s*)?(?:is\s+)?:?\s*"
    r"(?P<id>#?[A-Za-z0-9](?:[A-Za-z0-9-]{1,30})[A-Za-z0-9])",
    re.IGNORECASE,
)
# A bare "#123456" anywhere is an order reference in shop speak.
_HASH_ID = re.compile(r"(?<![\w#])(?P<id>#\d{4,12})\b")
# The whole message is one id with a digit in it: "1001", "#1001", "A-2024-7788."
_BARE = re.compile(
    r"^\s*(?P<id>#?(?=[A-Za-z0-9-]*\d)[A-Za-z0-9](?:[A-Za-z0-9-]{1,30})[A-Za-z0-9])\s*[.!]?\s*$"
)


@dataclass(frozen=True)
class OrderNumber:
    """An order number as typed (`raw`, with its `span`) and its normalised `value`."""

    value: str
    raw: str
    span: tuple[int, int]


def _normalise(raw: str) -> str:
    return raw.lstrip("#").upper()


def find_order_numbers(text: str) -> list[OrderNumber]:
    """Every order number in `text`, left to right, without duplicates or overlaps."""
    found: dict[int, OrderNumber] = {}
    for pattern in (_AFTER_KEYWORD, _MARKETPLACE, _HASH_ID, _BARE):
        for m in pattern.finditer(text):
            raw = m.group("id")
            if not any(ch.isdigit() for ch in raw):
                continue
            start, end = m.span("id")
            if any(start < o.span[1] and o.span[0] < end for o in found.values()):
                continue
            found[start] = OrderNumber(value=_normalise(raw), raw=raw, span=(start, end))
    return [found[k] for k in sorted(found)]
