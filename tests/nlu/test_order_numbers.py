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
