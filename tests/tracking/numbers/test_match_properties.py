"""Property tests: generated valid numbers in random chat text, robustness, idempotence."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.tracking.numbers import check_number, find_numbers, normalise
from bot.tracking.numbers import checksums as cs
from bot.tracking.numbers.s10_countries import COUNTRIES

DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FEDEX_WEIGHTS = (3, 1, 7, 3, 1, 7, 3, 1, 7, 3, 1)


def _complete(data: str, passes) -> str:
    """data + the one check digit that makes `passes(data, digit)` true."""
    return data + next(d for d in DIGITS if passes(data, d))


@st.composite
def s10_numbers(draw: st.DrawFn) -> str:
    service = draw(st.text(LETTERS, min_size=2, max_size=2))
    serial = draw(st.text(DIGITS, min_size=8, max_size=8))
    country = draw(st.sampled_from(sorted(COUNTRIES)))
    return service + serial + cs.s10_check_digit(serial) + country


@st.composite
def ups_numbers(draw: st.DrawFn) -> str:
    # Shipper account (alphanumeric, as issued it always carries digits), service, package.
    shipper = draw(
        st.text(LETTERS + DIGITS, min_size=6, max_size=6).filter(
            lambda s: sum(c.isdigit() for c in s) >= 2
        )
    )
    rest = draw(st.text(DIGITS, min_size=9, max_size=9))
    serial = shipper + rest
    return "1Z" + _complete(serial, lambda d, c: cs.mod10(d, c, evens=1, odds=2))


@st.composite
def fedex_numbers(draw: st.DrawFn) -> str:
    data = draw(st.text(DIGITS, min_size=11, max_size=11).filter(lambda s: len(set(s)) > 1))
    return _complete(data, lambda d, c: cs.weighted_mod11_mod10(d, c, FEDEX_WEIGHTS))


@st.composite
def usps_numbers(draw: st.DrawFn) -> str:
    data = "94" + draw(st.text(DIGITS, min_size=19, max_size=19))
    return _complete(data, cs.gs1_mod10)


FILLER = st.lists(
    st.sampled_from(
        [
            "hello",
            "where",
            "is",
            "my",
            "parcel",
            "please",
            "thanks",
            "Hi",
            "waiting",
            "since",
            "weeks",
            "?",
            "!",
            ",",
            "still",
            "nothing",
            "the",
            "number",
        ]
    ),
    max_size=8,
).map(" ".join)


@st.composite
def typed(draw: st.DrawFn, number: str, separators: tuple[str, ...]) -> str:
    """The number as a buyer might type it: random case and separators."""
    out = []
    for index, char in enumerate(number):
        if index and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(separators)))
        out.append(char.lower() if draw(st.booleans()) else char)
    return "".join(out)


def _embedded(numbers: st.SearchStrategy[str], separators: tuple[str, ...]):
    return numbers.flatmap(lambda n: st.tuples(st.just(n), FILLER, typed(n, separators), FILLER))


def _assert_found(number: str, before: str, written: str, after: str, courier: str) -> None:
    text = f"{before} {written} {after}"
    found = [m for m in find_numbers(text) if m.number == number]
    assert len(found) == 1, (text, find_numbers(text))
    match = found[0]
    assert match.valid
    assert courier in [c.courier for c in match.candidates]
    assert match.raw == written
    assert text[match.span[0] : match.span[1]] == written


ANY_SEPARATOR = (" ", "-", ".", "  ")


@given(_embedded(s10_numbers(), ANY_SEPARATOR))
def test_a_generated_s10_number_is_found_in_random_text(case: tuple[str, str, str, str]) -> None:
    number, before, written, after = case
    _assert_found(number, before, written, after, "s10")


@given(_embedded(ups_numbers(), ANY_SEPARATOR))
def test_a_generated_ups_number_is_found_in_random_text(case: tuple[str, str, str, str]) -> None:
    number, before, written, after = case
    _assert_found(number, before, written, after, "ups")


# Digits-only numbers are written with spaces: "12.05.2024"-like dot groups are dates.
@given(_embedded(fedex_numbers(), (" ", "  ")))
def test_a_generated_fedex_number_is_found_in_random_text(
    case: tuple[str, str, str, str],
) -> None:
    number, before, written, after = case
    _assert_found(number, before, written, after, "fedex")


@given(_embedded(usps_numbers(), (" ", "-", "  ")))
def test_a_generated_usps_number_is_found_in_random_text(
    case: tuple[str, str, str, str],
) -> None:
    number, before, written, after = case
    _assert_found(number, before, written, after, "usps")


@settings(max_examples=300)
@given(st.text())
def test_nothing_raises_on_arbitrary_unicode(text: str) -> None:
    for match in find_numbers(text):
        assert match.raw == text[match.span[0] : match.span[1]]
        assert normalise(match.raw) == (match.corrected_from or match.number)
    check_number(text)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("0123456789 -.ABZ")))
def test_digit_heavy_unicode_never_breaks_spans(text: str) -> None:
    for match in find_numbers(text):
        assert match.raw == text[match.span[0] : match.span[1]]


@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
