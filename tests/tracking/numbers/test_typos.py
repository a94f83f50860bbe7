"""Did-you-mean suggestions for a failed check digit."""

from __future__ import annotations

from bot.tracking.numbers.typos import did_you_mean


def test_it_suggests_the_unique_neighbouring_digit_fix() -> None:
    assert did_you_mean("RR123456784CN") == "RR123456785CN"
    assert did_you_mean("LP526018153HK") == "LP526018152HK"


def test_it_suggests_nothing_when_several_fixes_are_valid() -> None:
    assert did_you_mean("1Z5R89390357567128") is None


def test_it_suggests_nothing_for_a_valid_number_or_no_number() -> None:
    assert did_you_mean("RR123456785CN") is None
    assert did_you_mean("hello") is None
