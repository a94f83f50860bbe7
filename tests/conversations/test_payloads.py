"""Typed "/intent{...}" text is text; only offered buttons and channel commands are intents."""

from __future__ import annotations

from bot.conversations.payloads import button_payloads, rasa_text

OFFERED = {'/inform{"tracking_number":"RR123456785CN"}', "/request_human"}


def test_it_reads_a_typed_intent_payload_as_text() -> None:
    typed = '/track_parcel{"tracking_number":"ZZ999999999ZZ"}'
    assert rasa_text(typed, "web", OFFERED) == 'track_parcel{"tracking_number":"ZZ999999999ZZ"}'


def test_it_passes_the_payload_of_a_button_the_bot_offered() -> None:
    payload = '/inform{"tracking_number":"RR123456785CN"}'
    assert rasa_text(payload, "web", OFFERED) == payload
    assert rasa_text(" /request_human ", "api", OFFERED) == "/request_human"


def test_it_does_not_pass_an_offered_payload_with_other_entities() -> None:
    forged = '/inform{"tracking_number":"RR123456785CN","carrier":"x"}'
    assert not rasa_text(forged, "web", OFFERED).startswith("/")


def test_it_passes_the_telegram_channel_commands_only_on_telegram() -> None:
    assert rasa_text("/greet", "telegram", set()) == "/greet"
    assert rasa_text("/greet", "web", set()) == "greet"
    assert rasa_text("//request_human", "telegram", set()) == "request_human"


def test_it_leaves_ordinary_text_alone() -> None:
    assert rasa_text("where is RR123456785CN / thanks", "web", set()) == (
        "where is RR123456785CN / thanks"
    )


def test_it_reads_button_payloads_from_a_stored_reply() -> None:
    stored = {"text": "t", "buttons": [{"title": "a", "payload": "/affirm"}, {"title": "b"}]}
    assert button_payloads(stored) == ["/affirm"]
    assert button_payloads(None) == []
