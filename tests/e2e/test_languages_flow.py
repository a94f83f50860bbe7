"""Buyers are answered in their language, through the real stack (HTTP API)."""

from __future__ import annotations

import uuid

import pytest

from tests.support.stack import Stack, running_stack, say


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("languages")) as running:
        yield running


def _text(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


def test_it_tracks_in_german_with_a_german_date_and_country(stack: Stack) -> None:
    conversation = f"de-{uuid.uuid4().hex[:8]}"
    reply = _text(say(stack, conversation, "wo ist mein paket RR123456785CN"))
    assert "Sendung RR123456785CN (China Post): unterwegs" in reply
    assert "Deutschland" in reply
    assert ". November" in reply or ". Dezember" in reply or "vor " in reply


def test_a_rasa_response_comes_from_the_catalogue_in_the_conversations_language(
    stack: Stack,
) -> None:
    conversation = f"de-{uuid.uuid4().hex[:8]}"
    assert "Hallo!" in _text(say(stack, conversation, "hallo, wo ist mein paket?"))


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
