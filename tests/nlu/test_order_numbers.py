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


@pytest.mark.parametrize(
    "text",
    [
        # German: compounds and their abbreviations
        "Bestellnummer 1001",
        "Bestellnr. 1001",
        "Bestell-Nr. 1001",
        "Auftragsnummer 1001",
        "meine Bestellnummer lautet 1001",
        "Bestellung Nr. 1001",
        # Spanish: the number sign in its many spellings, and "es el"
        "pedido número 1001",
        "pedido nro 1001",
        "pedido nº 1001",
        "pedido n.º 1001",
        "n° de pedido 1001",
        "mi pedido es el 1001",
        "número de orden: 1001",
        # French (the colon after a no-break space, as French typography writes it)
        "commande n° 1001",
        "commande numéro 1001",
        "numéro de commande 1001",
        "N° de commande\u00a0: 1001",
        # Portuguese, with and without the accent on "é"
        "Pedido Nº 1001",
        "número do pedido 1001",
        "meu pedido é o 1001",
        "meu pedido e 1001",
        # Russian, in Cyrillic and transliterated
        "заказ № 1001",
        "заказ №1001",
        "номер заказа 1001",
        "номер заказа — 1001",
        "заказ под номером 1001",
        "zakaz 1001",
        "nomer zakaza 1001",
    ],
)
def test_it_finds_the_order_number_after_keywords_in_every_language(text: str) -> None:
    [found] = find_order_numbers(text)
    assert (found.value, text[found.span[0] : found.span[1]]) == ("1001", "1001")


@pytest.mark.parametrize(
    "text",
    ["99minutos", "99Minutos.", "4-72", "4PX", "5Post", "pedido 99minutos", "заказ 5post"],
)
def test_a_carrier_name_with_digits_is_not_an_order_number(text: str) -> None:
    assert find_order_numbers(text) == []


@pytest.mark.parametrize(
    "text",
    ["lo mandaron con 99minutos", "Bestellung storniert", "ich habe 1001 bestellt", "заказал 1001"],
)
def test_it_takes_no_number_that_no_keyword_introduces(text: str) -> None:
    assert find_order_numbers(text) == []
