"""Recognised couriers become slugs the providers accept, or nothing."""

from __future__ import annotations

from bot.carriers.couriers import carrier_slug
from bot.tracking.numbers import check_number


def test_s10_numbers_map_to_the_issuing_post() -> None:
    china = check_number("RR123456785CN")
    assert china is not None and china.courier == "s10"
    assert carrier_slug(china.courier, country=china.country, service=china.service) == "china_post"
    assert carrier_slug("s10", country="CN", service="EMS") == "china_ems"


def test_unknown_codes_and_countries_let_providers_detect_the_carrier() -> None:
    assert carrier_slug("s10", country="TW") is None
    assert carrier_slug("old_dominion") is None
    assert carrier_slug(None) is None


def test_express_couriers_keep_their_slug() -> None:
    assert carrier_slug("ups") == "ups"
    assert carrier_slug("fedex") == "fedex"
