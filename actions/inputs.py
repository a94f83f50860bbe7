"""What the actions accept from the buyer: entity and slot values, checked before use.

An entity reaches an action from the NLU extractor (already a normalised number) or from a
button's payload (`/inform{"tracking_number": "..."}`), whose values Rasa takes as sent: any
JSON, any length. The gateway passes only payloads the bot offered
(bot/conversations/payloads.py), but an action does not rely on that. Each value is checked
here before it is tracked, looked up or put into a reply, and comes back in a safe alphabet
(letters, digits and a few separators); anything else is None: dropped, never echoed.
"""

from __future__ import annotations

import re

from bot.conversations.orders import normalise_order_number
from bot.tracking.numbers import Match, check_number, normalise

# Longer than this is not one number: a chat message is scanned for numbers by the NLU, and
# check_number would otherwise search a pasted essay for one.
MAX_VALUE = 100
# A shop's tracking number of a shape ParcelDesk does not know (bot/conversations/order_csv.py
# keeps those): tracked as it is, but only in this alphabet.
_PLAIN_NUMBER = re.compile(r"^[A-Z0-9]{8,40}$")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and len(value) <= MAX_VALUE else None


def number_check(value: object) -> Match | None:
    """The tracking number `value` holds, with the verdict on it (bot.tracking.numbers), or
    None when it holds none."""
    text = _text(value)
    return check_number(text) if text else None


def tracking_number(value: object) -> str | None:
    """The normalised tracking number in `value` (one whose check digit fails included: the
    reply explains that), or None when `value` holds no tracking number."""
    match = number_check(value)
    return match.number if match is not None else None


def shipment_number(value: object) -> str | None:
    """A number to ask the carriers about: a tracking number, or a shop's number of a shape
    ParcelDesk does not know but that can be one (8-40 letters and digits); else None."""
    number = tracking_number(value)
    if number is not None:
        return number
    text = _text(value)
    plain = normalise(text) if text else ""
    return plain if _PLAIN_NUMBER.match(plain) else None


def order_number(value: object) -> str | None:
    """The normalised order number in `value` (the shape shops use: letters, digits and
    . _ / -, at most 64 characters), or None."""
    text = _text(value)
    return normalise_order_number(text) if text else None


def courier(value: object, number: str | None) -> str | None:
    """`value` when it is the code of a courier `number` may belong to, else None."""
    match = number_check(number)
    if match is None or not isinstance(value, str):
        return None
    return value if any(c.courier == value for c in match.candidates) else None
