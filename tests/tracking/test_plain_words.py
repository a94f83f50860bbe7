"""Carrier links and postal jargon in plain words."""

from __future__ import annotations

from bot import texts
from bot.tracking.carrier_links import tracking_url
from bot.tracking.jargon import jargon_key


def test_it_links_the_carriers_own_tracking_page_with_the_number() -> None:
    assert tracking_url("1Z5R89390357567127", "ups") == (
        "https://www.ups.com/track?tracknum=1Z5R89390357567127"
    )
    assert tracking_url(
        "RR123456785CN",
        "s10",
        "GB",
    ).startswith("https://www.royalmail.com/")
    assert tracking_url("RR123456785CN", "s10", "ZZ") is None
    assert tracking_url("X", None) is None


def test_it_puts_exchange_office_jargon_in_plain_words() -> None:
    key = jargon_key("Departure from outward office of exchange, Guangzhou")
    assert key == "jargon.outward_exchange"
    assert "export hub in China" in texts.text(key, origin="China", destination="Germany")
    assert jargon_key("Arrival at inward office of exchange") == "jargon.inward_exchange"
    assert jargon_key("Delivered") is None
