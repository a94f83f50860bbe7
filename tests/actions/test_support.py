"""Handoff to a person, and "yes" to the bot's offers."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.support import ActionHandleAffirm, ActionHandoff
from tests.actions.trackers import make_tracker, user_event

OFFER = {
    "event": "bot",
    "text": "Would you like to talk to a person?",
    "data": {"buttons": [{"title": "Talk to a person", "payload": "/request_human"}]},
}


def handoff_marker(dispatcher: CollectingDispatcher) -> dict:
    [message] = dispatcher.messages
    assert message["response"] == "utter_handoff"
    return message["custom"]["handoff"]


async def test_a_request_for_a_person_is_honoured_with_a_marker(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("human", "request_human", slots={"last_tracked": "RR123456785CN"})
    await ActionHandoff().run(dispatcher, tracker, domain)
    assert handoff_marker(dispatcher) == {
        "reason": "buyer_request",
        "tracking_number": "RR123456785CN",
    }


async def test_the_handoff_reason_is_the_topic_before_the_request(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "yes", "affirm", before=[user_event("it never arrived", "not_received"), OFFER]
    )
    await ActionHandoff().run(dispatcher, tracker, domain)
    assert handoff_marker(dispatcher) == {"reason": "not_received"}


async def test_misses_before_the_request_are_the_reason(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("agent", "request_human", before=[user_event("banana", "out_of_scope")])
    await ActionHandoff().run(dispatcher, tracker, domain)
    assert handoff_marker(dispatcher) == {"reason": "bot_did_not_understand"}


async def test_yes_after_an_offer_of_a_person_hands_over(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "yes please", "affirm", before=[user_event("i want a refund", "refund_or_claim"), OFFER]
    )
    await ActionHandleAffirm().run(dispatcher, tracker, domain)
    assert handoff_marker(dispatcher) == {"reason": "refund_or_claim"}


async def test_yes_after_anything_else_does_not_hand_over(domain) -> None:
    dispatcher = CollectingDispatcher()
    greeting = {"event": "bot", "text": "Hi!", "data": {"buttons": None}}
    tracker = make_tracker("ok", "affirm", before=[user_event("hi", "greet"), greeting])
    await ActionHandleAffirm().run(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_anything_else"]
    assert "custom" not in dispatcher.messages[0] or not dispatcher.messages[0]["custom"]
