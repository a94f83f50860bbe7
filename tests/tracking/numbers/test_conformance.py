"""Conformance: every valid and invalid number of the shared tracking_number_data set.

The data set (jkeen/tracking_number_data, MIT, copied to tests/data/conformance with its licence
and source) is test input only; the recogniser's own format table lives in
bot/tracking/numbers/formats/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.tracking.numbers import check_number, find_numbers, normalise
from bot.tracking.numbers.formats import FORMATS_BY_ID
from tests.support.conformance import couriers_dir

REPO_ROOT = Path(__file__).resolve().parents[3]
DATA_DIR = couriers_dir()

# The data set's format ids (or names where it has none) -> ours.
FORMAT_IDS = {
    "amazon_logistics": "amazon_logistics",
    "amazon_international": "amazon_international",
    "canada_post": "canada_post",
    "canpar_22": "canpar",
    "dhl_express": "dhl_express",
    "dhl_express_piece_id": "dhl_express_piece",
    "dhl_ecommerce": "dhl_ecommerce",
    "dhl_ecommerce_14": "dhl_ecommerce_14",
    "dpd": "dpd_28",
    "dpd_14": "dpd_14",
    "fedex_12": "fedex_12",
    "fedex_34": "fedex_34",
    "fedex_astra_32": "fedex_astra_32",
    "fedex_ground": "fedex_ground",
    "fedex_ground_sscc_18": "fedex_sscc_18",
    "fedex_ground_96": "fedex_ground_96",
    "fedex_ground_gsn": "fedex_ground_gsn",
    "gofo_us": "gofo_us",
    "landmark_global": "landmark",
    "lasership_lx": "lasership_lx",
    "lasership_1ls7": "lasership_1ls7",
    "LaserShip 1LS7 (18)": "lasership_1ls7_18",
    "lasership_1lscx": "lasership_1lscx",
    "Old Dominion": "old_dominion",
    "Old Dominion Guaranteed Shipment": "old_dominion_guaranteed",
    "ontrac_c": "ontrac_c",
    "ontrac_d": "ontrac_d",
    "purolator_numeric": "purolator_12",
    "purolator_alpha": "purolator_alpha",
    "s10": "s10",
    "speedee": "speedee",
    "usps_20": "usps_20",
    "usps_impb_n": "usps_impb",
    "usps_legacy": "usps_legacy",
    "usps_impb_c": "usps_impb",
    "ups": "ups",
    "UPS Waybill": "ups_waybill",
    "yodel": "yodel",
    "yunexpress": "yunexpress",
}


def _load() -> list[tuple[str, str, str, str]]:
    """(kind, courier code, our format id, number as written) for every test number."""
    rows = []
    for path in sorted(DATA_DIR.glob("*.json")):
        courier = json.loads(path.read_text(encoding="utf-8"))
        for fmt in courier["tracking_numbers"]:
            ours = FORMAT_IDS[fmt.get("id", fmt["name"])]
            for kind in ("valid", "invalid"):
                for raw in fmt["test_numbers"][kind]:
                    rows.append((kind, courier["courier_code"], ours, raw))
    return rows


ROWS = _load()
VALID = [r for r in ROWS if r[0] == "valid"]
INVALID = [r for r in ROWS if r[0] == "invalid"]
VALID_NUMBERS = {normalise(r[3]): r[2] for r in VALID}


def _ids(rows: list[tuple[str, str, str, str]]) -> list[str]:
    return [f"{fmt}:{raw.strip()}" for _, _, fmt, raw in rows]


def test_the_set_has_all_192_valid_and_88_invalid_numbers() -> None:
    assert (len(VALID), len(INVALID)) == (192, 88)


def _assert_recognised(match, courier: str, fmt_id: str) -> None:
    assert match is not None
    assert match.valid
    assert courier in [c.courier for c in match.candidates]
    fmt = FORMATS_BY_ID[fmt_id]
    if not match.ambiguous:
        assert match.courier == courier
    else:
        # Genuinely ambiguous: several couriers pass a check digit, or none has one.
        checked = {c.courier for c in match.candidates if c.checksum}
        assert len(checked) > 1 or not checked
        if fmt.check is not None:
            assert any(c.courier == courier and c.checksum for c in match.candidates)


@pytest.mark.parametrize(("kind", "courier", "fmt_id", "raw"), VALID, ids=_ids(VALID))
def test_every_valid_number_is_recognised_with_its_courier(
    kind: str, courier: str, fmt_id: str, raw: str
) -> None:
    match = check_number(raw)
    _assert_recognised(match, courier, fmt_id)
    assert match.number == normalise(raw)
    assert match.corrected_from is None


@pytest.mark.parametrize(("kind", "courier", "fmt_id", "raw"), VALID, ids=_ids(VALID))
def test_every_valid_number_is_found_inside_a_chat_message(
    kind: str, courier: str, fmt_id: str, raw: str
) -> None:
    text = f"Hello! My tracking number is {raw.strip()}, where is the parcel?"
    matches = find_numbers(text)
    assert len(matches) == 1, matches
    match = matches[0]
    _assert_recognised(match, courier, fmt_id)
    assert match.number == normalise(raw)
    assert match.raw == raw.strip()


def test_when_a_check_digit_decides_the_right_courier_ranks_first() -> None:
    decided = 0
    for _, courier, _fmt, raw in VALID:
        match = check_number(raw)
        assert match is not None
        checked = {c.courier for c in match.candidates if c.checksum}
        if checked == {courier}:
            decided += 1
            assert not match.ambiguous
            assert match.courier == courier
            assert match.candidates[0].courier == courier
    # 114 of the 192 (data set v2.0.0) carry a check digit that settles the courier alone.
    assert decided >= 110


@pytest.mark.parametrize(("kind", "courier", "fmt_id", "raw"), INVALID, ids=_ids(INVALID))
def test_every_invalid_number_is_rejected(kind: str, courier: str, fmt_id: str, raw: str) -> None:
    match = check_number(raw)
    number = normalise(raw)
    if match is None or not match.valid:
        return
    # Accepted only as another format that the same data set lists as valid.
    assert fmt_id not in [c.format for c in match.candidates if not c.check_failed]
    assert VALID_NUMBERS.get(number) not in (None, fmt_id), match


@pytest.mark.parametrize(("kind", "courier", "fmt_id", "raw"), INVALID, ids=_ids(INVALID))
def test_no_invalid_number_is_reported_valid_in_a_message(
    kind: str, courier: str, fmt_id: str, raw: str
) -> None:
    text = f"tracking: {raw} - can you check?"
    for match in find_numbers(text):
        if match.valid:
            assert fmt_id not in [c.format for c in match.candidates]
            assert VALID_NUMBERS.get(match.number) not in (None, fmt_id), match
