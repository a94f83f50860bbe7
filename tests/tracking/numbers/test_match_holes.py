"""Recognition holes found in testing (issue 16, point 6)."""

from __future__ import annotations

import pytest

from bot.tracking.numbers import check_number, find_numbers


def numbers(text: str) -> list[str]:
    return [m.number for m in find_numbers(text)]


@pytest.mark.parametrize(
    "text",
    [
        "sent LX300000009CN 3 weeks ago",
        "sent LX300000009CN 3weeks ago",
        "LX 300 000 009 CN 8 days and nothing",
        "lx300000009cn, 2 weeks ago",
    ],
)
def test_it_does_not_glue_a_following_count_onto_a_confirmed_number(text: str) -> None:
    assert numbers(text) == ["LX300000009CN"]


@pytest.mark.parametrize(
    "text",
    [
        "call me on 0044 20 7946 0958",
        "my number is 0049 30 12345678",
        "00 44 20 7946 0958 after 6pm",
    ],
)
def test_it_reads_a_phone_number_with_an_international_prefix_as_no_parcel(text: str) -> None:
    assert numbers(text) == []


@pytest.mark.parametrize("invisible", ["\u200b", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u200e"])
def test_it_removes_invisible_characters_inside_a_number(invisible: str) -> None:
    text = f"where is RR12345{invisible}6785CN?"
    [match] = find_numbers(text)
    assert match.number == "RR123456785CN"
    assert match.valid
    assert text[match.span[0] : match.span[1]] == f"RR12345{invisible}6785CN"
    assert check_number(f"RR123{invisible}456785CN").number == "RR123456785CN"


@pytest.mark.parametrize(
    "text",
    [
        "items 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",
        "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5",
        "rooms 3 4 5 6 7 8 9 10 11 12 14",
    ],
)
def test_it_does_not_join_a_run_of_short_tokens_into_one_number(text: str) -> None:
    assert numbers(text) == []
