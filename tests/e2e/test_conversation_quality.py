"""Issue 16 through the real stack (gateway HTTP API -> Rasa -> actions -> demo carrier):
answers in context, several things in one message, number recognition holes, and typed
intent payloads. Each test asserts what the reply says."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.support.stack import Stack, say

pytestmark = pytest.mark.e2e


def _conversation() -> str:
    return f"q16-{uuid.uuid4().hex[:8]}"


def _text(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


def _payloads(messages: list[dict]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def _tracked(stack: Stack, number: str) -> str:
    conversation = _conversation()
    assert f"Parcel {number}" in _text(say(stack, conversation, f"where is my parcel {number}"))
    return conversation


# --- point 3: answers in context ---------------------------------------------------------


def test_a_customs_question_gets_the_destinations_facts_not_the_status_again(stack: Stack) -> None:
    conversation = _tracked(stack, "RR400000001CN")
    reply = _text(say(stack, conversation, "will I have to pay duties on it?"))
    assert "RR400000001CN is with customs now" in reply
    assert "About customs for parcels to Germany" in reply
    assert "Import VAT is due" in reply and "scam" in reply
    assert "Check again after" not in reply  # not the status block again


def test_i_paid_already_is_answered_for_the_parcel_in_customs(stack: Stack) -> None:
    conversation = _tracked(stack, "RR500000004CN")
    reply = _text(say(stack, conversation, "I paid already"))
    assert "After payment, customs usually releases a parcel" in reply


def test_when_will_it_arrive_gets_a_date_range_from_the_leg(stack: Stack) -> None:
    conversation = _tracked(stack, "RR123456785CN")
    reply = _text(say(stack, conversation, "when will it arrive"))
    assert "For RR123456785CN, my estimate is between" in reply
    assert "between China and Germany" in reply


def test_any_news_rechecks_the_last_parcel_and_says_nothing_changed(stack: Stack) -> None:
    conversation = _tracked(stack, "RR123456785CN")
    reply = _text(say(stack, conversation, "any news?"))
    assert reply.startswith("Nothing new for RR123456785CN since I last looked")
    assert "Check again after" in reply
    assert "tracking number" not in reply.lower()  # never asks for the number again


def test_delivered_but_not_received_is_answered_for_that_parcel(stack: Stack) -> None:
    conversation = _tracked(stack, "EA220000005CN")
    messages = say(stack, conversation, "it says delivered but I don't have it")
    assert "EA220000005CN shows delivered on" in _text(messages)
    assert "/request_human" in _payloads(messages)


def test_a_refund_for_it_names_the_parcel(stack: Stack) -> None:
    conversation = _tracked(stack, "RR800000002CN")
    reply = _text(say(stack, conversation, "can I get a refund for it"))
    assert "About a refund for RR800000002CN" in reply
    assert "Refunds come from the seller" in reply


def test_frustration_gets_an_apology_and_a_person_never_a_bot_introduction(stack: Stack) -> None:
    conversation = _tracked(stack, "RR600000007CN")
    messages = say(stack, conversation, "this is useless!!")
    reply = _text(messages)
    assert reply.startswith("I'm sorry")
    assert "a bot" not in reply
    assert "/request_human" in _payloads(messages)


# --- point 4: several things in one message ----------------------------------------------


def test_a_number_and_an_address_question_get_both_answers(stack: Stack) -> None:
    reply = _text(say(stack, _conversation(), "RR123456785CN can I change the delivery address?"))
    assert "Parcel RR123456785CN (China Post): in transit" in reply
    assert "About changing the address of RR123456785CN" in reply
    assert "Only the sender can change the address" in reply


def test_several_numbers_get_a_short_answer_each_at_most_five(stack: Stack) -> None:
    numbers = [
        "RR123456785CN",
        "RR400000001CN",
        "RR500000004CN",
        "RR600000007CN",
        "RR800000002CN",
        "RR900000005CN",
        "CP110000008CN",
    ]
    messages = say(stack, _conversation(), "where are " + " ".join(numbers))
    for number in numbers[:5]:
        assert any(m["text"].startswith(f"Parcel {number}") for m in messages), number
    assert "I looked up the first 5" in messages[-1]["text"]
    assert "RR900000005CN, CP110000008CN" in messages[-1]["text"]
    assert not any(m["text"].startswith("Parcel RR900000005CN") for m in messages)


def test_a_greeting_followed_by_a_number_tracks_the_parcel(stack: Stack) -> None:
    reply = _text(say(stack, _conversation(), "hi RR123456785CN"))
    assert "Parcel RR123456785CN (China Post): in transit" in reply


# --- point 6: number recognition holes ---------------------------------------------------


def test_a_count_in_words_after_a_number_is_not_glued_on(stack: Stack) -> None:
    reply = _text(say(stack, _conversation(), "my parcel LX300000009CN was sent 3 weeks ago"))
    assert "Parcel LX300000009CN" in reply
    assert "LX300000009CN3" not in reply


def test_a_phone_number_with_an_international_prefix_is_not_tracked(stack: Stack) -> None:
    reply = _text(say(stack, _conversation(), "call me on 0044 20 7946 0958"))
    assert "Parcel" not in reply and "0044" not in reply


def test_invisible_characters_inside_a_number_are_removed(stack: Stack) -> None:
    reply = _text(say(stack, _conversation(), "where is RR12345\u200b6785CN"))
    assert "Parcel RR123456785CN (China Post): in transit" in reply


def test_a_run_of_short_tokens_is_not_one_number(stack: Stack) -> None:
    reply = _text(say(stack, _conversation(), "1 2 3 4 5 6 7 8 9 10 11 12 13"))
    assert "Parcel" not in reply


# --- point 7: buyers cannot drive Rasa directly ------------------------------------------


def test_a_typed_intent_payload_is_text_and_invents_no_history(stack: Stack) -> None:
    typed = "/track_parcel" + json.dumps({"tracking_number": "ZZ999999999ZZ"})
    reply = _text(say(stack, _conversation(), typed))
    assert "Parcel ZZ999999999ZZ:" not in reply
    assert "in transit" not in reply


def test_the_payload_of_a_button_the_bot_offered_is_accepted(stack: Stack) -> None:
    conversation = _conversation()
    messages = say(stack, conversation, "RR123456784CN")
    offered = [p for p in _payloads(messages) if p.startswith("/inform")]
    assert offered, _text(messages)
    reply = _text(say(stack, conversation, offered[0]))
    assert "Parcel RR123456785CN (China Post): in transit" in reply
