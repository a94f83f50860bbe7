"""The one home of every user-facing sentence, per language (a leaf package: anything may
import it, it imports nothing of the project).

Sentences live in gettext catalogues, `locale/<lang>/LC_MESSAGES/messages.po`, one per
language; the msgid is a dotted key (`reason.delivered.default.next_step`, `utter_greet`),
the English catalogue holds the English sentences. `make texts` compiles them to `.mo` with
`pybabel compile`; they are loaded with Babel's `support.Translations`. Callers ask by key:
`text("reason.delivered.default.next_step", lang="de")`. Templates use `str.format` fields
(`{number}`). A language that lacks a key falls back to English, so a partial translation
never breaks a reply (tests/texts/test_catalogues.py fails the build when one does).

Dates, ages and country names come from Babel's CLDR locale data, not from tables here.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_skeleton, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

log = logging.getLogger(__name__)

DEFAULT_LANG = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# The languages with a catalogue, in the order they are offered to buyers.
LANGUAGES: tuple[str, ...] = ("en", "es", "de", "fr", "pt", "ru")
# The CLDR locale behind each catalogue, for dates and country names: English is written the
# British way ("12 November"), Portuguese is Brazilian.
_CLDR = {"en": "en_GB", "es": "es", "de": "de", "fr": "fr", "pt": "pt_BR", "ru": "ru"}
# Each language's own name, for menus and the "which languages" answer.
NATIVE_NAMES = {
    "en": "English",
    "es": "Español",
    "de": "Deutsch",
    "fr": "Français",
    "pt": "Português",
    "ru": "Русский",
}


@dataclass(frozen=True)
class Catalogue:
    """One language's sentences: key -> `str.format` template (plural entries excluded)."""

    lang: str
    messages: Mapping[str, str]
    translations: Translations


def _load(lang: str) -> Translations:
    """The compiled `.mo` when it is at least as new as the `.po`; otherwise the `.po` compiled
    in memory (a checkout before `make texts`), so a stale `.mo` never hides an edit."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        loaded = Translations.load(str(LOCALE_DIR), [lang], DOMAIN)
        if isinstance(loaded, Translations):
            return loaded
    with po.open("rb") as handle:
        parsed = read_po(handle, locale=_CLDR[lang])
    buffer = io.BytesIO()
    write_mo(buffer, parsed)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@cache
def _catalogue(lang: str) -> Catalogue:
    translations = _load(lang)
    raw = translations._catalog  # msgid -> msgstr; plural entries have tuple keys
    messages = {k: v for k, v in raw.items() if isinstance(k, str) and k and v}
    return Catalogue(lang=lang, messages=messages, translations=translations)


def normalise(lang: str | None) -> str:
    """`"de-AT"`, `"pt_BR"`, `"RU"` -> a catalogue code; English for anything unknown."""
    code = (lang or DEFAULT_LANG).lower().replace("_", "-").split("-")[0]
    return code if code in _available() else DEFAULT_LANG


@lru_cache(maxsize=1)
def _available() -> tuple[str, ...]:
    return tuple(c for c in LANGUAGES if (LOCALE_DIR / c / "LC_MESSAGES" / f"{DOMAIN}.po").exists())


def languages() -> tuple[str, ...]:
    """The language codes that have a catalogue."""
    return _available()


def catalogue(lang: str = DEFAULT_LANG) -> Catalogue:
    """The catalogue for `lang` (`"de"`, `"de-AT"`, ...); English when the language is unknown."""
    return _catalogue(normalise(lang))


def has_text(key: str, lang: str = DEFAULT_LANG) -> bool:
    """Whether `key` exists in `lang` or in the English fallback."""
    return key in catalogue(lang).messages or key in _catalogue(DEFAULT_LANG).messages


def text(key: str, lang: str = DEFAULT_LANG, **fields: object) -> str:
    """The sentence for `key` in `lang` with `fields` filled in.

    Falls back to English when the language lacks the key. Raises KeyError for a key no
    catalogue has, and for a template field the caller did not supply: both are bugs.
    """
    template = catalogue(lang).messages.get(key)
    if template is None:
        template = _catalogue(DEFAULT_LANG).messages[key]
    return template.format(**fields)


def plural(key: str, count: int, lang: str = DEFAULT_LANG, **fields: object) -> str:
    """A sentence with a number in it, in the plural form the language's rules pick for
    `count` (Russian has three); the msgid and msgid_plural are both `key`."""
    chosen = catalogue(lang).translations.ngettext(key, key, count)
    if chosen == key:
        chosen = _catalogue(DEFAULT_LANG).translations.ngettext(key, key, count)
    return chosen.format(count=count, **fields)


def cldr_locale(lang: str) -> Locale:
    return Locale.parse(_CLDR[normalise(lang)])


def format_date(value: date, lang: str = DEFAULT_LANG, *, today: date | None = None) -> str:
    """A date as people write it ("12 November", "12. November", "12 de noviembre"); the year
    is added when it is not this year."""
    skeleton = "yMMMMd" if today is not None and value.year != today.year else "MMMMd"
    return format_skeleton(skeleton, value, locale=cldr_locale(lang))


def days_ago(days: int, lang: str = DEFAULT_LANG) -> str:
    """An elapsed whole number of days in words ("8 days ago", "vor 8 Tagen")."""
    if days <= 0:
        return text("ago.today", lang)
    # A high threshold keeps whole days ("45 days ago", not "2 months ago").
    return format_timedelta(
        timedelta(days=-days),
        granularity="day",
        threshold=10_000,
        add_direction=True,
        locale=cldr_locale(lang),
    )


def country_name(
    code: str | None, lang: str = DEFAULT_LANG, *, unknown_key: str = "country.your_country"
) -> str:
    """A country's name from its two-letter code ("Alemania", "Германия"); the code itself when
    no name is known, and the sentence under `unknown_key` ("your country") when there is no
    code at all."""
    if not code:
        return text(unknown_key, lang)
    code = code.upper()
    # CLDR names stand alone ("United States"); a catalogue may say how a name reads inside a
    # sentence where its grammar needs it ("the United States").
    in_sentence = catalogue(lang).messages.get(f"country.in_sentence.{code}")
    if in_sentence:
        return in_sentence
    # "ZZ" is CLDR's "Unknown Region": show the code, as for any code CLDR does not name.
    names = cldr_locale(lang).territories
    return str(names[code]) if code in names and code != "ZZ" else code


def language_names(lang: str = DEFAULT_LANG) -> list[str]:
    """The offered languages' names, each in its own language ("Deutsch", "Русский")."""
    del lang  # each name is written in its own language, whatever the reader's
    return [NATIVE_NAMES[code] for code in languages()]


__all__ = [
    "DEFAULT_LANG",
    "LANGUAGES",
    "NATIVE_NAMES",
    "Catalogue",
    "catalogue",
    "cldr_locale",
    "country_name",
    "days_ago",
    "format_date",
    "has_text",
    "language_names",
    "languages",
    "normalise",
    "plural",
    "text",
]
