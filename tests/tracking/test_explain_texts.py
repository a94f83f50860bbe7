"""The sentence catalogue and the threshold settings behind the explanations."""

from __future__ import annotations

import string
from datetime import date

import pytest

from bot import texts
from bot.tracking.explain import REASONS
from bot.tracking.thresholds import Thresholds

# Every field a template may use, as explain.py and the other callers fill them in.
ALL_FIELDS = {
    "evidence": "E.",
    "scan": "'S'",
    "date": "1 May",
    "ago": "1 day ago",
    "destination": "Germany",
    "origin": "China",
    "country": "Germany",
    "days": 7,
    "number": "RR123456785CN",
    "suggestion": "RR123456785CN",
    "status": "in transit",
    "shipped_date": "1 May",
    "shipped_ago": "2 days ago",
    "label": "L",
    # Answers in context (texts/en_answers.py) and the gateway's handoff/console sentences.
    "start": "2 May",
    "end": "9 May",
    "leg": "between China and Germany",
    "check": "3 May",
    "limit": 5,
    "rest": "RR123456785CN",
    "carrier": "China Post",
    "url": "https://example.org/track",
    "summary": "S.",
    "when": "9:00",
    "name": "Ana",
    "agent": "Ana",
    "next_step": "N.",
    # Rasa responses (utter_*): slots and the arguments actions pass.
    "order": "#1001",
    "marketplace": "AliExpress",
    "where": "My orders",
    "count": 2,
    "numbers": "RR123456785CN",
    "languages": "English, Deutsch",
    # The widget's own words (filled in by the browser).
    "title": "Parcel help",
    # Office hours (bot/conversations/office_hours.py), written with Babel per language.
    "weekday": "Monday",
    "time": "09:00",
    "zone": "Europe/Berlin",
    # The command line's labels (bot/commands/track.py, explain.py).
    "reason": "stalled",
    "step": "N.",
    "minutes": 5,
    "error": "timeout",
    "answer": "no",
}


def test_every_english_template_uses_only_known_fields():
    for key, template in texts.catalogue("en").messages.items():
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert names <= set(ALL_FIELDS), (key, names - set(ALL_FIELDS))
        assert texts.text(key, "en", **ALL_FIELDS)


@pytest.mark.parametrize("reason", REASONS)
def test_every_reason_has_a_title_and_at_least_one_worded_variant(reason):
    assert texts.has_text(f"reason.{reason}.title")
    variants = {
        key.split(".")[2]
        for key in texts.catalogue("en").messages
        if key.startswith(f"reason.{reason}.") and key.count(".") == 3
    }
    assert variants
    for variant in variants:
        assert texts.has_text(f"reason.{reason}.{variant}.summary")
        assert texts.has_text(f"reason.{reason}.{variant}.next_step")


def test_an_unknown_language_falls_back_to_english():
    assert texts.text("reply.offer_human", "xx") == texts.text("reply.offer_human", "en")
    assert texts.catalogue("en-GB") is texts.catalogue("en")


def test_a_missing_key_is_a_bug_not_a_blank_sentence():
    with pytest.raises(KeyError):
        texts.text("reason.no_such_reason.summary")


def test_a_missing_field_is_a_bug():
    with pytest.raises(KeyError):
        texts.text("reply.check_again")


def test_dates_are_written_in_words_with_the_year_only_when_it_differs():
    assert texts.format_date(date(2024, 11, 12), today=date(2024, 11, 20)) == "12 November"
    assert texts.format_date(date(2023, 12, 30), today=date(2024, 1, 2)) == "30 December 2023"


@pytest.mark.parametrize(
    ("days", "words"),
    [(-3, "less than a day ago"), (0, "less than a day ago"), (1, "1 day ago"), (8, "8 days ago")],
)
def test_ages_are_written_in_words(days, words):
    assert texts.days_ago(days) == words


def test_country_names_fall_back_to_the_code_or_a_phrase():
    assert texts.country_name("de") == "Germany"
    assert texts.country_name("ZZ") == "ZZ"
    assert texts.country_name(None) == "your country"


def test_thresholds_default_to_the_documented_values():
    t = Thresholds()
    assert (t.international_days, t.stalled_days, t.postal_sync_days) == (10, 30, 3)


def test_thresholds_are_read_from_wait_settings():
    t = Thresholds.from_mapping(
        {
            "PARCELDESK_WAIT_INTERNATIONAL_DAYS": "20",
            "PARCELDESK_WAIT_STALLED_DAYS": " 45 ",
            "X": "1",
        }
    )
    assert (t.international_days, t.stalled_days, t.customs_days) == (20, 45, 7)
    assert Thresholds.from_mapping({"PARCELDESK_WAIT_CUSTOMS_DAYS": ""}) == Thresholds()


@pytest.mark.parametrize("value", ["ten", "1.5", "-1"])
def test_a_bad_threshold_setting_names_the_setting(value):
    with pytest.raises(ValueError, match="PARCELDESK_WAIT_CUSTOMS_DAYS"):
        Thresholds.from_mapping({"PARCELDESK_WAIT_CUSTOMS_DAYS": value})


def test_every_threshold_has_a_setting_and_a_documented_default():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "reasons.md").read_text("utf-8")
    for name, days in Thresholds().as_dict().items():
        key = Thresholds.env_key(name)
        assert f"`{key}`" in doc, key
        assert f"| `{key}` | {days} |" in doc, (key, days)
