"""Buyers are answered in their language, through the real stack (HTTP API; the session's
shared `stack` fixture: conversations are kept apart by id)."""

from __future__ import annotations

import uuid

import pytest

from bot import texts
from tests.e2e.language_cases import ASK, problems
from tests.support.stack import Stack, say


def _text(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


@pytest.mark.parametrize("lang", sorted(ASK))
def test_it_tracks_in_each_language_with_its_date_and_country_name(stack: Stack, lang: str) -> None:
    conversation = f"{lang}-{uuid.uuid4().hex[:8]}"
    reply = _text(say(stack, conversation, ASK[lang]))
    assert problems(reply, lang) == [], reply


def test_every_offered_language_has_a_case() -> None:
    assert set(ASK) == set(texts.languages())


def test_a_rasa_response_comes_from_the_catalogue_in_the_conversations_language(
    stack: Stack,
) -> None:
    conversation = f"de-{uuid.uuid4().hex[:8]}"
    # A question without a number: Rasa's `utter_ask_tracking_number`, from the catalogue.
    reply = _text(say(stack, conversation, "hallo, wo ist mein paket?"))
    assert reply == texts.text("utter_ask_tracking_number", "de")


def test_the_buyer_can_switch_language_mid_conversation(stack: Stack) -> None:
    conversation = f"sw-{uuid.uuid4().hex[:8]}"
    say(stack, conversation, "wo ist mein paket RR123456785CN")
    assert "Deutsch" in _text(say(stack, conversation, "auf Deutsch bitte"))
    assert "English" in _text(say(stack, conversation, "in English please"))
    reply = _text(say(stack, conversation, "RR123456785CN"))
    assert "Parcel RR123456785CN (China Post): in transit" in reply
    assert "Germany" in reply


def test_an_unoffered_language_gets_an_honest_english_answer(stack: Stack) -> None:
    conversation = f"it-{uuid.uuid4().hex[:8]}"
    reply = _text(say(stack, conversation, "ciao, dove si trova il mio pacco?"))
    assert "I can only write in these languages" in reply
    assert "Deutsch" in reply and "Русский" in reply


def test_a_language_the_buyer_picked_first_is_kept_while_they_write_another(
    stack: Stack,
) -> None:
    """`/language ru` as the first message, then questions in English: the answers stay in
    Russian (the pick is not undone by guessing from the next messages); only another request
    changes it."""
    conversation = f"pick-{uuid.uuid4().hex[:8]}"
    say(stack, conversation, "/language ru")
    reply = _text(say(stack, conversation, "hello, where is my parcel RR123456785CN please"))
    assert problems(reply, "ru") == [], reply
    assert "in transit" not in reply
    assert "English" in _text(say(stack, conversation, "in English please"))
    reply = _text(say(stack, conversation, "RR123456785CN"))
    assert "Parcel RR123456785CN (China Post): in transit" in reply
