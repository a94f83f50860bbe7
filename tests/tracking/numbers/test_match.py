"""Behaviour of bot.tracking.numbers on chat messages and slot values."""

from __future__ import annotations

import json

import pytest

from bot.tracking.numbers import check_number, find_numbers, normalise
from bot.tracking.numbers.checksums import s10_check_digit


def only(text: str):
    matches = find_numbers(text)
    assert len(matches) == 1, matches
    return matches[0]


def test_it_finds_the_china_post_showcase_number() -> None:
    match = only("where is my parcel RR123456785CN")
    assert match.number == "RR123456785CN"
    assert match.valid and match.checksum and not match.ambiguous
    assert (match.courier, match.courier_name, match.format) == ("s10", "China Post", "s10")
    assert (match.country, match.operator, match.service) == ("CN", "China Post", "registered")
    assert match.span == (19, 32)
    assert match.raw == "RR123456785CN"


@pytest.mark.parametrize(
    "typed",
    [
        "rr123456785cn",
        "RR 1234 5678 5 CN",
        "RR-123-456-785-CN",
        "rr.123.456.785.cn",
        "(RR123456785CN)",
        "«RR123456785CN»",
        "ＲＲ１２３４５６７８５ＣＮ",
    ],
)
def test_it_reads_separators_case_and_punctuation(typed: str) -> None:
    text = f"Hi, my number: {typed}. Thanks"
    match = only(text)
    assert match.number == "RR123456785CN"
    assert match.valid
    assert text[match.span[0] : match.span[1]] == match.raw
    assert normalise(match.raw.strip("()«»")) == "RR123456785CN"


def test_it_names_the_s10_service_and_operator() -> None:
    ems = only(f"EMS: EE12345678{s10_check_digit('12345678')}JP")
    assert (ems.service, ems.country, ems.operator) == ("EMS", "JP", "Japan Post")
    parcel = only(f"CP12345678{s10_check_digit('12345678')}DE")
    assert (parcel.service, parcel.operator) == ("parcel", "Deutsche Post")


@pytest.mark.parametrize("country", ["TW", "MO", "CI", "AX"])
def test_it_accepts_s10_numbers_from_any_iso_country(country: str) -> None:
    match = only(f"LZ12345678{s10_check_digit('12345678')}{country}")
    assert match.valid and match.country == country and match.operator


def test_it_reports_a_wrong_check_digit_as_invalid_not_as_not_found() -> None:
    match = only("my parcel RR123456786CN never arrived")
    assert not match.valid
    assert match.problem == "check_digit"
    assert (match.courier, match.courier_name) == ("s10", "China Post")
    assert match.candidates[0].check_failed


def test_it_rejects_an_s10_country_code_that_does_not_exist() -> None:
    match = only("RB123456785XX")
    assert not match.valid
    assert match.problem == "unknown_country"
    assert match.country is None


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("RR12345678SCN", "RR123456785CN"),  # S for 5
        ("RRI23456785CN", "RR123456785CN"),  # I for 1
        ("RR1234567B5CN", "RR123456785CN"),  # B for 8
        ("1Z879E93034683444O", "1Z879E930346834440"),  # O for the UPS check digit 0
        ("IZ5R89390357567127", "1Z5R89390357567127"),  # I for the leading 1
        ("98657878885S", "986578788855"),  # FedEx 12, S for 5
    ],
)
def test_it_repairs_look_alike_characters_when_the_check_digit_then_passes(
    typed: str, number: str
) -> None:
    match = only(f"number is {typed}")
    assert match.valid and match.number == number
    assert match.corrected_from == normalise(typed)


def test_it_does_not_repair_when_the_repaired_number_fails_its_check_digit() -> None:
    # O -> 0 would give RR123456780CN, whose check digit is wrong.
    assert not [m for m in find_numbers("RR12345678OCN") if m.valid]


def test_it_does_not_repair_letters_where_the_format_expects_letters() -> None:
    # A UPS serial is alphanumeric, so an "l" in it stays an L (and the check fails).
    ups = only("1Z5R89390357567l27")
    assert not ups.valid and ups.corrected_from is None
    # "5S" as a country code is not read as "SS" or "55": no S10 number here.
    assert find_numbers("RR1234567855S") == []


def test_it_does_not_turn_a_neighbouring_word_into_digits() -> None:
    match = only("my number is 3318810014")
    assert match.number == "3318810014" and match.corrected_from is None


def test_it_finds_several_numbers_in_order() -> None:
    text = (
        "two parcels: 1Z 5R8 939 0357 5671 27 and rr123456785cn, plus 9400 1112 0108 0805 4830 16"
    )
    matches = find_numbers(text)
    assert [m.number for m in matches] == [
        "1Z5R89390357567127",
        "RR123456785CN",
        "9400111201080805483016",
    ]
    assert [m.courier for m in matches] == ["ups", "s10", "usps"]
    assert all(text[m.span[0] : m.span[1]] == m.raw for m in matches)


def test_two_digit_only_numbers_separated_by_a_space_are_two_numbers() -> None:
    matches = find_numbers("986578788855 477179081230")
    assert [m.number for m in matches] == ["986578788855", "477179081230"]


def test_a_checksum_match_beats_a_pattern_only_match() -> None:
    # CN + 11 characters also fits DHL eCommerce's pattern; the S10 check digit decides.
    match = only(f"CN12345678{s10_check_digit('12345678')}CN")
    assert match.courier == "s10" and not match.ambiguous
    assert [c.format for c in match.candidates] == ["s10", "dhl_ecommerce"]
    assert match.candidates[0].checksum and not match.candidates[1].checksum


def test_digit_only_numbers_without_a_check_digit_are_ambiguous() -> None:
    match = only("tracking 60120172242323")
    assert match.valid and match.ambiguous
    assert match.courier is None and match.format is None
    assert [c.courier for c in match.candidates] == ["dhl"]


def test_when_two_couriers_pass_their_check_digits_both_are_candidates() -> None:
    match = only("287809468872")  # Purolator (Luhn) and FedEx Express (mod 11) both pass
    assert match.ambiguous and match.courier is None
    assert {c.courier for c in match.candidates if c.checksum} == {"fedex", "purolator"}


def test_a_carrier_prefix_decides_between_equal_check_digits() -> None:
    # A DHL Paket SSCC also passes the USPS (20) check; the 340434 prefix names DHL.
    match = only("Sendungsnummer: 00340434161094042557")
    assert (match.courier, match.courier_name, match.format) == ("dhl", "DHL Paket", "dhl_paket")
    assert not match.ambiguous
    assert [c.courier for c in match.candidates] == ["dhl", "usps"]


def test_a_digits_only_number_with_a_wrong_check_digit_is_not_a_tracking_number_in_chat() -> None:
    assert find_numbers("is 996578788855 ok") == []


@pytest.mark.parametrize(
    ("number", "courier"),
    [
        ("LP00123456789012", "cainiao"),
        ("YT2229521272164446", "yunexpress"),
        ("SF1234567890123", "sf_express"),
        ("JT3001234567890", "jt_express"),
        ("YT1234567890123", "yto"),
    ],
)
def test_it_knows_the_chinese_cross_border_and_express_formats(number: str, courier: str) -> None:
    match = only(f"seller gave me {number.lower()} yesterday")
    assert match.valid and not match.checksum
    assert match.courier == courier


NOT_TRACKING = [
    "Call me on +1 415-555-0132 or +44 20 7946 0958 please",
    "my phone is 4155550132",
    "add me on WeChat 138 0013 8000",
    "ok 13912345678",
    "(415) 555-0132 is my number",
    "whatsapp 07700 900123",
    "Order #1123456789 was placed on 2024-05-12 at 10:30",
    "order number 112-1234567-1234567",
    "Amazon order 1234567890123 from 12.05.2024",
    "It cost $1,299.99, or 1299.99 EUR, 23/06/2024",
    "Send to 10115 Berlin, or SW1A 1AA London, or 94105-1234",
    "IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX",
    "pay to GB29 NWBK 6016 1331 9268 19",
    "email me at buyer.1234567890@example.com",
    "see https://shop.example.com/orders/986578788855?ref=1234567890",
    "SKU 986578788855 is out of stock",
    "EAN 4006381333931, item 8712345678906",
    "the invoice 2024000123 is attached",
    "I waited 3 weeks and 2 days for 4 items",
    "card ending 4242 4242 4242 4242",
]


@pytest.mark.parametrize("text", NOT_TRACKING)
def test_ordinary_chat_numbers_are_not_tracking_numbers(text: str) -> None:
    assert find_numbers(text) == []


def test_check_number_reads_a_slot_value_as_one_number() -> None:
    match = check_number("  rr 123 456 785 cn. ")
    assert match is not None and match.valid and match.number == "RR123456785CN"
    assert match.span == (2, 19)


def test_check_number_reports_weak_numbers_with_a_wrong_check_digit() -> None:
    match = check_number("996578788855")
    assert match is not None and not match.valid and match.ambiguous
    assert "fedex" in [c.courier for c in match.candidates]


def test_check_number_falls_back_to_searching_the_text() -> None:
    match = check_number("it is RR123456785CN I think")
    assert match is not None and match.number == "RR123456785CN"


def test_check_number_returns_none_for_text_without_a_number() -> None:
    assert check_number("hello, where is my parcel?") is None
    assert check_number("") is None


def test_normalise_drops_separators_and_upper_cases() -> None:
    assert normalise(" rr-123.456 785_cn ") == "RR123456785CN"
    assert normalise("１ｚ") == "1Z"


def test_matches_serialise_to_json() -> None:
    data = json.loads(json.dumps([m.to_dict() for m in find_numbers("RR12345678SCN")]))
    assert data[0]["span"] == [0, 13]
    assert data[0]["corrected_from"] == "RR12345678SCN"
    assert data[0]["candidates"][0]["courier"] == "s10"
    assert data[0]["country"] == "CN"
