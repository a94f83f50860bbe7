"""Find shop order numbers ("order #100234", "order no 112-4567890-1234567") in free text.

The keyword may be in any catalogue language ("Bestellnr. 1001", "pedido nº 1001", "numéro de
commande 1001", "номер заказа 1001"). A carrier whose name holds digits ("99minutos") is
never an order number.

Also recognised without a keyword: marketplace-shaped numbers (123-1234567-1234567) and a
message that is nothing but a short id ("1001", "#1001"), the usual answer to "what is your
tracking or order number?". Tracking numbers win over all of these (bot.nlu.spans)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.tracking.numbers.marketplaces import IN_TEXT as _MARKETPLACE

# The word for "order" in each catalogue language, with the compounds and case endings buyers
# type ("Bestellnummer", "Bestellnr.", "номер заказа", transliterated "zakaz").
_KEYWORD = (
    r"(?:order|ord|pedido|orden|commande|bestellung"
    r"|bestell(?:ungs)?-?(?:nummer|nr)|auftrag|auftrags-?(?:nummer|nr)"
    r"|заказ(?:а|у|ом|е|ы|ов)?|zakaz(?:a|u|om|e|y|ov)?)"
)
# "number" between the keyword and the id: "no", "Nr.", "nº", "n°", "n.º", "№", "número",
# "под номером". It must not run into a letter, so "no" in "order now" is not one.
_MARKER = (
    r"(?:n\.?\s?[º°]|no|nr|nro|n|num|núm|number|número|numero|numéro|nummer|id|ref"
    r"|reference|référence|referencia|referência|№|(?:под\s+)?номер(?:ом)?"
    r"|(?:pod\s+)?nomer(?:om)?)\.?(?![^\W\d_])"
)
# "is" before the id: "my order is 1001", "mi pedido es el 1001", "meu pedido é (o) 1001" (and
# "e", the same without its accent), "Bestellnummer lautet 1001", "ma commande est 1001".
_COPULA = r"(?:is|es|ist|lautet|est|é|e|это)(?:\s+(?:el|la|le|o))?(?!\w)"
# A keyword, then an id holding at least one digit.
_AFTER_KEYWORD = re.compile(
    rf"(?<!\w){_KEYWORD}(?!\w)\.?\s*(?:{_MARKER}\s*)?(?:{_COPULA}\s*)?[:=\-–—]?\s*"
    r"(?P<id>#?(?=[A-Za-z0-9-]*\d)[A-Za-z0-9](?:[A-Za-z0-9-]{1,30})[A-Za-z0-9])",
    re.IGNORECASE,
)
# Carriers whose names hold digits: "lo mandaron con 99minutos" names who carries the parcel,
# not an order, even as the whole message or after "pedido".
_CARRIER_NAMES = frozenset({"99MINUTOS", "4-72", "4PX", "5POST", "17TRACK"})
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
            if not any(ch.isdigit() for ch in raw) or _normalise(raw) in _CARRIER_NAMES:
                continue
            start, end = m.span("id")
            if any(start < o.span[1] and o.span[0] < end for o in found.values()):
                continue
            found[start] = OrderNumber(value=_normalise(raw), raw=raw, span=(start, end))
    return [found[k] for k in sorted(found)]
