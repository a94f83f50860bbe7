"""Small conversions shared by the provider clients: times, countries, courier names."""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo

# ISO 3166 alpha-3 -> alpha-2 for the countries parcels most often travel between; AfterShip
# reports alpha-3, the model keeps alpha-2 like 17TRACK and DHL. Unknown codes pass through.
_ALPHA3_TO_ALPHA2 = {
    "ARE": "AE",
    "ARG": "AR",
    "AUS": "AU",
    "AUT": "AT",
    "BEL": "BE",
    "BGR": "BG",
    "BRA": "BR",
    "CAN": "CA",
    "CHE": "CH",
    "CHL": "CL",
    "CHN": "CN",
    "COL": "CO",
    "CZE": "CZ",
    "DEU": "DE",
    "DNK": "DK",
    "EGY": "EG",
    "ESP": "ES",
    "EST": "EE",
    "FIN": "FI",
    "FRA": "FR",
    "GBR": "GB",
    "GRC": "GR",
    "HKG": "HK",
    "HRV": "HR",
    "HUN": "HU",
    "IDN": "ID",
    "IND": "IN",
    "IRL": "IE",
    "ISR": "IL",
    "ITA": "IT",
    "JPN": "JP",
    "KOR": "KR",
    "LTU": "LT",
    "LUX": "LU",
    "LVA": "LV",
    "MAC": "MO",
    "MEX": "MX",
    "MYS": "MY",
    "NGA": "NG",
    "NLD": "NL",
    "NOR": "NO",
    "NZL": "NZ",
    "PAK": "PK",
    "PER": "PE",
    "PHL": "PH",
    "POL": "PL",
    "PRT": "PT",
    "ROU": "RO",
    "RUS": "RU",
    "SAU": "SA",
    "SGP": "SG",
    "SRB": "RS",
    "SVK": "SK",
    "SVN": "SI",
    "SWE": "SE",
    "THA": "TH",
    "TUR": "TR",
    "TWN": "TW",
    "UKR": "UA",
    "USA": "US",
    "VNM": "VN",
    "ZAF": "ZA",
}


def country_code(value: object) -> str | None:
    """An upper-case country code (alpha-2 where known) or None for empty input."""
    if not value or not isinstance(value, str):
        return None
    code = value.strip().upper()
    if len(code) == 3:
        return _ALPHA3_TO_ALPHA2.get(code, code)
    return code or None


def parse_time(value: object, *, assume: tzinfo = timezone.utc) -> datetime | None:
    """An aware datetime from an ISO 8601 string; a time without offset is taken in `assume`."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=assume)
    return parsed


def courier_slug(courier: str | None) -> str | None:
    """A courier name in one spelling: lower case, `_` between words (DHL-Express: dhl_express)."""
    if not courier:
        return None
    return re.sub(r"[^a-z0-9]+", "_", courier.strip().lower()).strip("_") or None


def normalize_number(number: str) -> str:
    """The tracking number as providers expect it: no spaces or dashes, upper case."""
    return re.sub(r"[\s-]+", "", number).upper()
