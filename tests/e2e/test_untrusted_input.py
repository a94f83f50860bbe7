"""Issue 16 point 7 as an attacker tries it, through the real stack (gateway HTTP API -> Rasa ->
action server -> demo carrier): typed intent payloads are text, entity values are checked
before use, and no reply repeats the buyer's markup. Each test asserts what the reply says
(the catalogue's exact sentence where it is one) and that no reply holds a `<` from the buyer.
"""

from __future__ import annotations

import json
import uuid

import pytest

from bot import texts
from bot.conversations.language import SETTLING_MESSAGES
from tests.support.stack import Stack, say

pytestmark = pytest.mark.e2e

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"


def en(key: str, **fields: object) -> str:
    return texts.text(key, "en", **fields)


def _say(stack: Stack, conversation: str, text: str) -> list[dict]:
    """One turn; no reply (text, button title or payload) may hold markup."""
    messages = say(stack, conversation, text)
    assert messages, text
    sent = json.dumps(messages)
    assert "<" not in sent and "onerror" not in sent and "alert(1)" not in sent, sent
    return messages


def _text(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


def _conversation(stack: Stack) -> str:
    """A new conversation in English. Its first messages may still switch the language
    (bot.conversations.language), and markup alone reads as some language to the detector,
    so the buyer asks for English until the conversation has settled."""
    conversation = f"p7-{uuid.uuid4().hex[:8]}"
    for _ in range(SETTLING_MESSAGES):
        assert _text(_say(stack, conversation, "/language en")) == en("language.switched")
    return conversation


def test_a_typed_track_payload_is_text_and_its_number_is_checked(stack: Stack) -> None:
    typed = "/track_parcel" + json.dumps({"tracking_number": "RR000000000XX"})
    reply = _text(_say(stack, _conversation(stack), typed))
    # The number fails its check digit: explained, never tracked (no invented history).
    assert reply == "\n".join(
        [
            en("reason.invalid_number.default.summary", number="RR000000000XX"),
            en("reason.invalid_number.default.next_step"),
        ]
    )


def test_a_typed_order_payload_with_markup_repeats_nothing(stack: Stack) -> None:
    typed = "/inform" + json.dumps({"order_number": IMG})
    assert _text(_say(stack, _conversation(stack), typed)) == en("utter_ask_tracking_number")


def test_a_typed_order_lookup_payload_looks_nothing_up(stack: Stack) -> None:
    typed = "/order_lookup" + json.dumps({"order_number": IMG})
    assert _text(_say(stack, _conversation(stack), typed)) == en("utter_ask_tracking_number")


def test_a_script_before_a_number_still_gets_the_parcel_tracked(stack: Stack) -> None:
    messages = _say(stack, _conversation(stack), f"{SCRIPT} where is RR123456785CN")
    assert messages[0]["text"].startswith("Parcel RR123456785CN (China Post): in transit — ")


def test_an_order_number_with_markup_around_it_is_asked_about_by_its_number(
    stack: Stack,
) -> None:
    conversation = _conversation(stack)
    reply = _text(_say(stack, conversation, f"my order is 1001{IMG}"))
    assert reply == en("utter_ask_order_check", order="1001")
    reply = _text(_say(stack, conversation, f"{SCRIPT}@example.com"))
    assert reply == en("utter_order_check_failed")

    reply = _text(_say(stack, _conversation(stack), "where is my order <b>#1001</b>"))
    assert reply == en("utter_ask_order_check", order="1001")


def test_a_very_long_number_is_not_repeated(stack: Stack) -> None:
    long = "RR123456785CN" * 50
    reply = _text(_say(stack, _conversation(stack), f"where is my parcel {long}"))
    assert reply == en("utter_ask_tracking_number")

    typed = "/inform" + json.dumps({"tracking_number": long * 6})
    reply = _text(_say(stack, _conversation(stack), typed))
    assert reply == en("utter_clarify")


def test_only_the_offered_payload_is_taken_not_a_crafted_one(stack: Stack) -> None:
    conversation = _conversation(stack)
    messages = _say(stack, conversation, "<b>RR123456784CN</b>")
    assert _text(messages) == "\n".join(
        [
            en("reason.invalid_number.default.summary", number="RR123456784CN"),
            en("numbers.did_you_mean", suggestion="RR123456785CN"),
        ]
    )
    offered = '/inform{"tracking_number":"RR123456785CN"}'
    assert offered in [b["payload"] for m in messages for b in m.get("buttons") or []]

    # The same payload with another value was not offered: it is text, and holds no number.
    crafted = '/inform{"tracking_number":"' + IMG + '"}'
    assert _text(_say(stack, conversation, crafted)) == en("utter_default")

    reply = _text(_say(stack, conversation, offered))
    assert reply.startswith("Parcel RR123456785CN (China Post): in transit — ")
