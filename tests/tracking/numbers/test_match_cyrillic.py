"""Numbers typed with Cyrillic letters that look exactly like Latin ones (a Russian keyboard)."""

from __future__ import annotations

import pytest

from bot.tracking.numbers import check_number, find_numbers, normalise
from bot.tracking.numbers.read import latin_lookalikes


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("СР116372651IT", "CP116372651IT"),  # Cyrillic С and Р
        ("ЕА220000005СN", "EA220000005CN"),  # Cyrillic Е, А and С
        ("RR123456785СN", "RR123456785CN"),  # only the С is Cyrillic
        ("ср116372651it", "CP116372651IT"),  # lower case
        ("ЕЕ 290 222 794 GB", "EE290222794GB"),  # typed in groups
        ("ЕЕ-290-222-794-GB", "EE290222794GB"),
        ("ЅР116372651ІТ", "SP116372651IT"),  # Macedonian Ѕ, Ukrainian І
    ],
)
def test_a_cyrillic_typed_s10_is_found_and_read_as_latin(typed: str, number: str) -> None:
    assert _cyrillic(typed)
    text = f"добрый день, вот мой трек {typed}, где посылка?"
    matches = find_numbers(text)
    assert len(matches) == 1, matches
    match = matches[0]
    assert match.number == number
    assert match.valid and match.checksum and match.format == "s10"
    assert match.corrected_from is None  # the same number, not a repair
    assert match.raw == typed  # as the buyer typed it
    assert text[match.span[0] : match.span[1]] == typed
    assert normalise(match.raw) == number


def test_cyrillic_r_is_latin_p_by_its_look() -> None:
    # "РР" on a Russian keyboard is the Latin "PP" it looks like, never "RR".
    match = find_numbers("РР123456785СN")[0]
    assert match.number == "PP123456785CN"
    assert match.number.isascii()


def test_a_slot_value_typed_in_cyrillic_is_one_latin_number() -> None:
    match = check_number("  СР116372651IT ")
    assert match is not None
    assert (match.number, match.valid, match.raw) == ("CP116372651IT", True, "СР116372651IT")


def test_a_cyrillic_typed_number_with_a_wrong_check_digit_is_reported_like_a_latin_one() -> None:
    (match,) = find_numbers("трек СР116372652IT")
    assert (match.number, match.valid, match.problem) == ("CP116372652IT", False, "check_digit")


def test_a_cyrillic_o_for_zero_is_repaired_when_the_check_digit_confirms_it() -> None:
    (match,) = find_numbers("ЕА2200000О5СN")  # Cyrillic О typed for the digit 0
    assert match.number == "EA220000005CN"
    assert match.corrected_from == "EA2200000O5CN"


@pytest.mark.parametrize(
    "text",
    [
        "ГДЕ МОЯ ПОСЫЛКА",
        "ТАМ УЖЕ 12 ДНЕЙ НИЧЕГО",
        "жду уже 45 дней, заказ на 3000 рублей",
        "НА СКЛАДЕ 2 ДНЯ, ЖДУ С 12.03.2024",
        "5шт по 300р, вес 10кг",
        "АВТО 1234 5678 МОСКВА",
        "тел 8 916 123 45 67",
    ],
)
def test_ordinary_russian_words_are_not_turned_into_numbers(text: str) -> None:
    assert find_numbers(text) == []


def test_words_around_a_cyrillic_number_stay_outside_it() -> None:
    (match,) = find_numbers("ВОТ ТРЕК ЕА220000005СN СРОЧНО")
    assert (match.number, match.raw) == ("EA220000005CN", "ЕА220000005СN")


@pytest.mark.parametrize(
    "text",
    [
        "ВОТ ТАК ОНО И ЕСТЬ",  # every letter has a Latin twin, but there are no digits
        "где моя посылка",
        "10кг и 5шт",  # к and ш have no Latin twin in lower case
        "Москва2024",
    ],
)
def test_text_without_a_number_candidate_keeps_its_cyrillic(text: str) -> None:
    assert latin_lookalikes(text) == text
    assert normalise(text) == text.replace(" ", "")


def test_only_letters_drawn_the_same_are_folded() -> None:
    # У is not U or Y, И is not N: a run holding one of them is left as typed, whole.
    assert latin_lookalikes("УА242731678SG") == "УА242731678SG"
    assert latin_lookalikes("ИР116372651IT") == "ИР116372651IT"
    assert find_numbers("трек УА242731678SG") == []


def test_folding_is_one_character_for_one() -> None:
    text = "ВОТ ОНО ТАМ: ЕЕ 290 222 794 GB и СР116372651IT, пришла?"
    folded = latin_lookalikes(text)
    assert len(folded) == len(text)
    # Only the number's parts change; "ВОТ ОНО ТАМ" has Latin twins too but no digits beside.
    assert folded == "ВОТ ОНО ТАМ: EE 290 222 794 GB и CP116372651IT, пришла?"


def test_small_words_beside_digits_stay_cyrillic() -> None:
    # Lower-case words and single capitals are prepositions ("с", "о", "В"), not number parts.
    for text in ("с 12 марта по 15", "о 123456785 рублях", "В 123456785 СЛОВ"):
        assert latin_lookalikes(text) == text


def test_normalise_folds_a_cyrillic_number_and_is_idempotent() -> None:
    once = normalise("ЕЕ 290 222 794 gb")
    assert once == "EE290222794GB"
    assert normalise(once) == once
