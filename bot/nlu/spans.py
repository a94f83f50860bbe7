"""The number spans both NLU components agree on: tracking numbers first, then order numbers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.nlu.order_numbers import find_order_numbers
from bot.tracking.numbers import find_numbers
from bot.tracking.numbers.marketplaces import marketplace_of

TRACKING_NUMBER = "tracking_number"
ORDER_NUMBER = "order_number"


@dataclass(frozen=True)
class NumberSpan:
    """One entity-to-be: its type, normalised value and character span in the text."""

    entity: str
    value: str
    start: int
    end: int
    valid: bool = True
    # The number as typed (normalised) when a look-alike repair produced `value`.
    corrected_from: str | None = None


def number_spans(text: str) -> list[NumberSpan]:
    """Tracking and order numbers in `text`, left to right, never overlapping.

    Tracking numbers win over order numbers when both claim the same characters, because
    `bot.tracking.numbers` knows the formats and check digits; order ids are a loose pattern.
    """
    return list(_number_spans(text))


# The tokenizer and the extractor both ask about the same message in turn: scan it once.
@lru_cache(maxsize=256)
def _number_spans(text: str) -> tuple[NumberSpan, ...]:
    spans = [
        NumberSpan(TRACKING_NUMBER, m.number, m.span[0], m.span[1], bool(m.valid), m.corrected_from)
        for m in find_numbers(text)
    ]
    for order in find_order_numbers(text):
        start, end = order.span
        if marketplace_of(order.value) is not None:
            # A marketplace's dashed shape (eBay's 12-34567-89012) is an order, not a parcel.
            spans = [s for s in spans if not (start <= s.start and s.end <= end)]
        if any(start < s.end and s.start < end for s in spans):
            continue
        spans.append(NumberSpan(ORDER_NUMBER, order.value, start, end))
    return tuple(sorted(spans, key=lambda s: s.start))
