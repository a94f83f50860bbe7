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


def ranked_tracker(ranking: list[tuple[str, float]]):
    tracker = make_tracker("hmm customs or not", "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [
        {"name": name, "confidence": confidence} for name, confidence in ranking
    ]
    return tracker


async def test_it_asks_which_likely_meaning_with_buttons(domain) -> None:
    tracker = ranked_tracker(
        [
            ("nlu_fallback", 0.35),
            ("customs_question", 0.31),
            ("why_no_update", 0.28),
            ("greet", 0.2),
            ("refund_or_claim", 0.05),
        ]
    )
    dispatcher = CollectingDispatcher()
    await ActionHandleMiss().run(dispatcher, tracker, domain)
    [message] = dispatcher.messages
    assert message["response"] == "utter_clarify"
    assert [b["payload"] for b in message["buttons"]] == ["/customs_question", "/why_no_update"]


async def test_it_never_offers_the_same_meaning_twice(domain) -> None:
    tracker = ranked_tracker([("inform", 0.3), ("track_parcel", 0.3), ("frustration", 0.2)])
    dispatcher = CollectingDispatcher()
    await ActionHandleMiss().run(dispatcher, tracker, domain)
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        "/track_parcel",
        "/request_human",
    ]
