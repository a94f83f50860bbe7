"""Choosing a conversation's language from what the buyer writes."""

from __future__ import annotations

import pytest

from bot.conversations.language import LanguagePolicy, requested

POLICY = LanguagePolicy()


@pytest.mark.parametrize(
    ("message", "lang"),
    [
        ("wo ist mein paket", "de"),
        ("donde esta mi paquete RR123456785CN", "es"),
        ("ou est mon colis", "fr"),
        ("cade meu pacote", "pt"),
        ("где моя посылка", "ru"),
        ("gde moya posylka", "ru"),
        ("where is my parcel", "en"),
    ],
)
def test_it_takes_the_language_of_the_first_messages(message, lang):
    assert POLICY.choose(message, current="en", prior=None, earlier_messages=0).lang == lang


def test_it_does_not_flip_on_a_number_or_one_word():
    assert POLICY.choose("RR123456785CN", current="de", prior=None, earlier_messages=1).lang == "de"
    assert POLICY.choose("ok", current="es", prior=None, earlier_messages=1).lang == "es"


def test_a_button_payload_or_command_does_not_choose_the_language():
    # "/request_human" reads as Portuguese to the identifier; it is no language at all.
    for payload in ("/request_human", "/subscribe_updates", "/affirm"):
        choice = POLICY.choose(payload, current="en", prior=None, earlier_messages=1)
        assert (choice.lang, choice.changed) == ("en", False)
    # A command as the first message still takes the channel's hint (Telegram's /start).
    assert POLICY.choose("/greet", current="en", prior="de", earlier_messages=0).lang == "de"


@pytest.mark.parametrize(
    "message",
    [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script> buyer@example.com",
        "RR123456785CNRR123456785CNRR123456785CN 100234 2026-11-20",
        "https://www.deutschepost.de/de/s/sendungsverfolgung.html?piececode=RR123456785CN",
    ],
)
def test_markup_links_addresses_and_numbers_say_nothing_about_the_language(message):
    choice = POLICY.choose(message, current="en", prior=None, earlier_messages=0)
    assert (choice.lang, choice.changed, choice.unsupported) == ("en", False, None)


def test_the_words_around_markup_still_count():
    message = "<b>hola</b>, dónde está mi paquete RR123456785CN?"
    assert POLICY.choose(message, current="en", prior=None, earlier_messages=0).lang == "es"


def test_it_sticks_after_the_first_messages():
    choice = POLICY.choose("where is my parcel now", current="es", prior=None, earlier_messages=5)
    assert choice.lang == "es"
    assert not choice.changed


def test_a_channel_hint_is_the_prior():
    assert POLICY.choose("hi", current="en", prior="de-AT", earlier_messages=0).lang == "de"


@pytest.mark.parametrize(
    ("message", "lang"),
    [
        ("in English please", "en"),
        ("auf Deutsch", "de"),
        ("en español por favor", "es"),
        ("/language ru", "ru"),
        ("по-русски пожалуйста", "ru"),
        ("em português", "pt"),
    ],
)
def test_an_explicit_request_switches_at_any_time(message, lang):
    choice = POLICY.choose(message, current="fr", prior=None, earlier_messages=9)
    assert (choice.lang, choice.requested) == (lang, True)


def test_an_unoffered_language_is_named_not_guessed():
    choice = POLICY.choose(
        "ciao, dove si trova il mio pacco?", current="en", prior=None, earlier_messages=0
    )
    assert choice.unsupported == "it"
    assert choice.lang == "en"


def test_a_setting_limits_the_offered_languages():
    policy = LanguagePolicy(offered=("en", "de"), default="en")
    assert (
        policy.choose("in English please", current="de", prior=None, earlier_messages=0).lang
        == "en"
    )
    assert requested("auf deutsch") == "de"


def test_a_language_the_buyer_chose_is_not_guessed_again_while_settling():
    # "/language ru" as the first message, then English words: the choice holds.
    choice = POLICY.choose(
        "where is my parcel please", current="ru", prior=None, earlier_messages=1, chosen=True
    )
    assert (choice.lang, choice.changed) == ("ru", False)
    # Without the choice the same message would still set English (the first messages settle).
    guessed = POLICY.choose(
        "where is my parcel please", current="ru", prior=None, earlier_messages=1
    )
    assert guessed.lang == "en"


def test_a_new_request_still_switches_a_chosen_language():
    choice = POLICY.choose(
        "auf Deutsch bitte", current="ru", prior=None, earlier_messages=1, chosen=True
    )
    assert (choice.lang, choice.requested) == ("de", True)
