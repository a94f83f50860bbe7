"""The CSV format shops load orders with."""

from __future__ import annotations

from bot.conversations.order_csv import parse


def test_it_groups_split_shipments_and_normalises() -> None:
    parsed = parse(
        "order_number,email,tracking_number,carrier,shipped_at\n"
        "#1001, Jane@Example.com ,rr 123 456 785 cn,China Post,2024-11-20\n"
        "1001,jane@example.com,CP110000008CN,,\n"
        "1002,bob@example.com,,,\n"
    )
    assert parsed.problems == []
    first, second = parsed.orders
    assert (first.order_number, first.email) == ("1001", "jane@example.com")
    assert [s.tracking_number for s in first.shipments] == ["RR123456785CN", "CP110000008CN"]
    assert second.shipments == ()  # not shipped yet


def test_it_names_every_bad_row_by_line() -> None:
    parsed = parse(
        "order_number,email,tracking_number\n"
        "1001,jane@example.com,RR123456785CN\n"
        "1001,other@example.com,CP110000008CN\n"
        "1002,bob@example.com,RR123456786CN\n"
        "1003,,RR123456785CN\n"
        "10 03,x@example.com,RR123456785CN\n"
    )
    assert parsed.orders == []
    assert [str(p) for p in parsed.problems] == [
        "line 3: order 1001 has another e-mail or postcode on line 2",
        "line 4: tracking number RR123456786CN fails its check digit",
        "line 5: needs an e-mail (or a postcode) to check the buyer",
        "line 6: order number '10 03' is not valid",
    ]


def test_a_missing_column_is_reported_on_the_header() -> None:
    parsed = parse("order,email\n1,a@b.cd\n")
    assert [str(p) for p in parsed.problems] == [
        "line 1: missing column(s): order_number, tracking_number"
    ]
