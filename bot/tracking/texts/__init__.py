"""The one home of every user-facing sentence about a parcel, per language.

Callers (explanations, the tracking action, the notifier, the console's canned replies) ask for
a sentence by key: `text("reason.delivered.next_step", lang="en")`. A language that lacks a key
falls back to English, so a partial translation never breaks a reply. To add a language, write
a module like `en.py` exposing `CATALOGUE` and register it in `_CATALOGUES` below.
"""

from __future__ import annotations

from datetime import date

from bot.tracking.texts import en
from bot.tracking.texts.catalogue import Catalogue

DEFAULT_LANG = "en"

_CATALOGUES: dict[str, Catalogue] = {en.CATALOGUE.lang: en.CATALOGUE}


def languages() -> tuple[str, ...]:
    """The language codes that have a catalogue."""
    return tuple(_CATALOGUES)


def catalogue(lang: str = DEFAULT_LANG) -> Catalogue:
    """The catalogue for `lang` (`"de"`, `"de-AT"`, ...); English when the language is unknown."""
    code = (lang or DEFAULT_LANG).lower()
    if code in _CATALOGUES:
        return _CATALOGUES[code]
    return _CATALOGUES.get(code.split("-")[0].split("_")[0], _CATALOGUES[DEFAULT_LANG])


def has_text(key: str, lang: str = DEFAULT_LANG) -> bool:
    """Whether `key` exists in `lang` or in the English fallback."""
    return key in catalogue(lang).messages or key in _CATALOGUES[DEFAULT_LANG].messages


def text(key: str, lang: str = DEFAULT_LANG, **fields: object) -> str:
    """The sentence for `key` in `lang` with `fields` filled in.

    Falls back to English when the language lacks the key. Raises KeyError for a key no
    catalogue has, and for a template field the caller did not supply: both are bugs.
    """
    messages = catalogue(lang).messages
    template = messages.get(key)
    if template is None:
        template = _CATALOGUES[DEFAULT_LANG].messages[key]
    return template.format(**fields)


def format_date(value: date, lang: str = DEFAULT_LANG, *, today: date | None = None) -> str:
    """A date as people write it ("12 November"); the year is added when it is not this year."""
    cat = catalogue(lang)
    month = cat.months[value.month - 1]
    if today is not None and value.year != today.year:
        return cat.date_pattern_with_year.format(day=value.day, month=month, year=value.year)
    return cat.date_pattern.format(day=value.day, month=month, year=value.year)


def days_ago(days: int, lang: str = DEFAULT_LANG) -> str:
    """An elapsed whole number of days in words ("8 days ago", "less than a day ago")."""
    return catalogue(lang).days_ago(max(days, 0))


def country_name(
    code: str | None, lang: str = DEFAULT_LANG, *, unknown_key: str = "country.your_country"
) -> str:
    """A country's name from its two-letter code; the code itself when no name is known, and
    the sentence under `unknown_key` ("your country") when there is no code at all."""
    if not code:
        return text(unknown_key, lang)
    return catalogue(lang).countries.get(code.upper(), code.upper())


__all__ = [
    "DEFAULT_LANG",
    "Catalogue",
    "catalogue",
    "country_name",
    "days_ago",
    "format_date",
    "has_text",
    "languages",
    "text",
]
