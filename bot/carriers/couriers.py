"""Maps what the number recogniser says (bot.tracking.numbers courier codes) onto the courier
slugs the provider clients understand, so an aggregator is never sent a code it rejects."""

from __future__ import annotations

# Number-format courier codes that are also provider slugs.
_DIRECT = {
    "ups": "ups",
    "fedex": "fedex",
    "usps": "usps",
    "dhl": "dhl",
    "canada_post": "canada_post",
    "purolator": "purolator",
    "yunexpress": "yunexpress",
    "cainiao": "cainiao",
    "sf_express": "sf_express",
}

# S10 numbers name a country, not a carrier: the country's postal operator.
_S10_BY_COUNTRY = {
    "CN": "china_post",
    "US": "usps",
    "DE": "deutsche_post",
    "GB": "royal_mail",
    "AU": "australia_post",
    "CA": "canada_post",
}


def carrier_slug(
    courier: str | None, *, country: str | None = None, service: str | None = None
) -> str | None:
    """The provider slug for a recognised number, or None to let providers detect it."""
    if courier == "s10":
        if country == "CN" and service == "EMS":
            return "china_ems"
        return _S10_BY_COUNTRY.get(country or "")
    return _DIRECT.get(courier or "")
