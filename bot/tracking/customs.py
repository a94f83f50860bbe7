"""Customs facts per destination: what is charged, who collects it, how to pay, what to ignore.

Pure domain code. The facts are sentences in `bot.texts` under `customs.<region>.*`;
docs/customs.md cites the official source of each one. A destination outside the documented
regions gets the general facts only.
"""

from __future__ import annotations

from bot import texts

# EU member states share one VAT and customs regime for low-value imports.
EU = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
REGIONS = ("EU", "GB", "US", "CA", "AU", "BR", "RU")
FACTS = ("charges", "collector", "payment")


def customs_region(country: str | None) -> str | None:
    """The documented customs regime for a destination country code, or None."""
    code = (country or "").upper()
    if code in EU:
        return "EU"
    if code == "UK":
        return "GB"
    return code if code in REGIONS else None


def customs_facts(country: str | None, lang: str = "en") -> list[str]:
    """The sentences a buyer needs about customs for parcels to `country`, scam warning last."""
    region = customs_region(country)
    if region is None:
        name = texts.country_name(country, lang)
        lines = [texts.text("customs.general.charges", lang, country=name)]
    else:
        lines = [texts.text(f"customs.{region}.{fact}", lang) for fact in FACTS]
    lines.append(texts.text("customs.scam_warning", lang))
    return lines
