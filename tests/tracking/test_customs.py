"""Customs facts per destination (docs/customs.md)."""

from __future__ import annotations

import pytest

from bot.tracking.customs import REGIONS, customs_facts, customs_region


@pytest.mark.parametrize(
    ("country", "region"),
    [("DE", "EU"), ("fr", "EU"), ("GB", "GB"), ("UK", "GB"), ("US", "US"), ("BR", "BR")],
)
def test_it_maps_a_destination_to_its_customs_region(country: str, region: str) -> None:
    assert customs_region(country) == region


@pytest.mark.parametrize("region", [r for r in REGIONS if r != "EU"] + ["DE"])
def test_it_says_what_is_charged_who_collects_how_to_pay_and_warns_of_scams(region: str) -> None:
    lines = customs_facts(region)
    assert len(lines) == 4
    assert "scam" in lines[-1]


def test_it_names_the_country_when_it_has_no_documented_facts() -> None:
    lines = customs_facts("JP")
    assert "Japan" in lines[0] and "scam" in lines[-1]
