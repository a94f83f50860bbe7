"""Order numbers in free text."""

from __future__ import annotations

import pytest

from bot.nlu.order_numbers import find_order_numbers


@pytest.mark.parametrize(
    ("text", "value", "raw"),
    [
        ("where is my order 112-4567890-1234567", "112-4567890-1234567", "112-4567890-1234567"),
        ("order no 58392011", "58392011", "58392011"),
        ("Order number: A-2024-7788 pls", "A-2024-7788", "A-2024-7788"),
        ("track order #100234", "100234", "#100234"),
        ("it was #77120", "77120", "#77120"),
        ("my order is 5566778", "5566778", "5566778"),
    ],
)
def test_it_finds_the_order_number(text: str, value: str, raw: str) -> None:
    [found] = find_order_numbers(text)
    assert (found.value, found.raw, text[found.span[0] : found.span[1]]) == (value, raw, raw)


@pytest.mark.parametrize(
    "text", ["i ordered shoes", "where is my order", "order status please", "issue #12"]
)
def test_it_ignores_orders_without_an_id(text: str) -> None:
    assert find_order_numbers(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1001", "1001"),
        ("#1001", "1001"),
        (" A-2024-7788. ", "A-2024-7788"),
        ("where is 123-1234567-1234567 please", "123-1234567-1234567"),
        ("PO-211-12345678901234 from temu", "PO-211-12345678901234"),
    ],
)
def test_it_finds_bare_and_marketplace_numbers(text: str, value: str) -> None:
    assert [o.value for o in find_order_numbers(text)] == [value]


def test_a_marketplace_shape_is_an_order_not_a_parcel() -> None:
    from bot.nlu.spans import number_spans

    [span] = number_spans("ebay 12-34567-89012")
    assert (span.entity, span.value) == ("order_number", "12-34567-89012")
