"""Every catalogue says everything English says, with no field English does not fill."""

from __future__ import annotations

import string
from datetime import date

import pytest

from bot import texts


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


ENGLISH = texts.catalogue("en").messages


@pytest.mark.parametrize("lang", texts.languages())
def test_it_has_every_key_english_has(lang):
    missing = sorted(set(ENGLISH) - set(texts.catalogue(lang).messages))
    assert not missing, f"{lang} lacks {missing}"


@pytest.mark.parametrize("lang", texts.languages())
def test_it_uses_no_field_english_lacks(lang):
    for key, template in texts.catalogue(lang).messages.items():
        extra = _fields(template) - _fields(ENGLISH.get(key, ""))
        assert not extra, f"{lang} {key} uses {extra}"


@pytest.mark.parametrize("lang", texts.languages())
def test_it_has_the_plural_forms(lang):
    assert "3" in texts.plural("parcels.count", 3, lang)


# 12 November 2024 and Germany as CLDR writes them in each catalogue's language.
LOCALE_DATA = [
    ("en", "12 November", "Germany"),
    ("es", "12 de noviembre", "Alemania"),
    ("de", "12. November", "Deutschland"),
    ("fr", "12 novembre", "Allemagne"),
    ("pt", "12 de novembro", "Alemanha"),
    ("ru", "12 ноября", "Германия"),
]


def test_the_locale_data_check_covers_every_language():
    assert sorted(lang for lang, _, _ in LOCALE_DATA) == sorted(texts.languages())


@pytest.mark.parametrize(("lang", "expected_date", "expected_country"), LOCALE_DATA)
def test_it_writes_dates_and_countries_from_locale_data(lang, expected_date, expected_country):
    assert lang in texts.languages()
    assert texts.format_date(date(2024, 11, 12), lang) == expected_date
    assert texts.country_name("DE", lang) == expected_country


def test_it_counts_days_with_the_languages_plural_rules():
    assert texts.days_ago(1, "en") == "1 day ago"
    assert texts.days_ago(5, "en") == "5 days ago"
    assert texts.days_ago(0, "en") == texts.text("ago.today", "en")


def test_english_names_take_their_article_inside_a_sentence():
    assert texts.country_name("US", "en") == "the United States"
    assert texts.country_name("ZZ", "en") == "ZZ"
