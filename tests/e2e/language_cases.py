"""One tracking conversation per offered language, and what its answer must say: the status
line from that language's catalogue, the destination country and the scan date in that
language (Babel's locale data), never the English ones."""

from __future__ import annotations

from datetime import date, timedelta

from bot import texts

NUMBER = "RR123456785CN"  # demo: left Guangzhou 3 days ago, in the air to Germany

# How a buyer in each language asks (written for these tests, not taken from training data).
ASK = {
    "en": f"hello, where is my parcel {NUMBER}?",
    "es": f"hola, dónde está mi paquete {NUMBER}?",
    "de": f"hallo, wo ist mein paket {NUMBER}?",
    "fr": f"bonjour, où est mon colis {NUMBER} ?",
    "pt": f"oi, cadê minha encomenda {NUMBER}?",
    "ru": f"здравствуйте, где моя посылка {NUMBER}?",
}


def status_prefix(lang: str) -> str:
    """The answer's status line up to the quoted scan ("Sendung RR… (China Post): unterwegs — ")."""
    template = texts.catalogue(lang).messages["plain.status_line"].split("{scan}")[0]
    return template.format(
        number=NUMBER, carrier="China Post", status=texts.text("status.in_transit", lang)
    )


def scan_dates(lang: str, today: date | None = None) -> set[str]:
    """The scan's date as the answer may write it (3 days ago, give or take a day for time
    zones and midnight)."""
    today = today or date.today()
    return {texts.format_date(today - timedelta(days=d), lang) for d in range(1, 6)}


def problems(reply: str, lang: str) -> list[str]:
    """What is wrong with a tracking answer in `lang` (empty when it is right)."""
    found = []
    if status_prefix(lang) not in reply:
        found.append(f"no status line {status_prefix(lang)!r}")
    country = texts.country_name("DE", lang)
    if country not in reply:
        found.append(f"no country name {country!r}")
    if not any(d in reply for d in scan_dates(lang)):
        found.append(f"no scan date among {sorted(scan_dates(lang))}")
    if lang != "en" and texts.country_name("DE", "en") in reply:
        found.append("the English country name")
    return found
