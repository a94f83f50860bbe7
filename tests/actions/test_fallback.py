"""Misses: a helpful answer first, a person on the second miss in a row."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionHandleMiss
from tests.actions.trackers import make_tracker, user_event


async def responses(tracker, domain) -> list[str]:
    dispatcher = CollectingDispatcher()
    await ActionHandleMiss().run(dispatcher, tracker, domain)
    return [m["response"] for m in dispatcher.messages]


async def test_an_out_of_scope_message_gets_what_the_bot_can_do(domain) -> None:
    tracker = make_tracker("tell me a joke", "out_of_scope", before=[user_event("hi", "greet")])
    assert await responses(tracker, domain) == ["utter_out_of_scope"]


async def test_a_low_confidence_message_gets_the_default_answer(domain) -> None:
    tracker = make_tracker("qqq zz", "nlu_fallback")
    assert await responses(tracker, domain) == ["utter_default"]


async def test_the_second_miss_in_a_row_offers_a_person(domain) -> None:
    tracker = make_tracker(
        "blah", "nlu_fallback", before=[user_event("what is the weather", "out_of_scope")]
    )
    assert await responses(tracker, domain) == ["utter_offer_human"]


async def test_a_good_message_in_between_resets_the_count(domain) -> None:
    before = [
        user_event("banana", "out_of_scope"),
        user_event("where is my parcel", "track_parcel"),
    ]
    tracker = make_tracker("blah", "out_of_scope", before=before)
    assert await responses(tracker, domain) == ["utter_out_of_scope"]
