"""action_track_parcel and action_answer_followup against the demo provider."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import deps
from actions.tracking import ActionAnswerFollowup, ActionTrackParcel
from bot.storage.models import Subscription
from bot.tracking.explain import diagnose, render_reply
from bot.tracking.numbers import check_number
from tests.actions.trackers import make_tracker, number_entity, user_event


async def expected_reply(number: str) -> tuple[str, str]:
    """The domain's own rendering of `number` right now, and its reason code."""
    check = check_number(number)
    shipment = await (await deps.tracking_service()).track(number) if check.valid else None
    diagnosis = diagnose(shipment, deps.now(), number_check=check)
    return render_reply(shipment, diagnosis), diagnosis.reason


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_it_answers_the_showcase_parcel_with_its_status_and_reason(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "where is my parcel RR123456785CN",
        "track_parcel",
        entities=[number_entity("RR123456785CN")],
        slots={"tracking_number": "RR123456785CN"},
    )
    events = await ActionTrackParcel().run(dispatcher, tracker, domain)
    [reply] = dispatcher.messages
    text, reason = await expected_reply("RR123456785CN")
    assert reply["text"] == text
    # The demo showcase is between countries: the reply explains the silence, with a date.
    assert reason == "international_transit"
    assert "RR123456785CN" in text and "\n" in text
    slots = slot_values(events)
    assert slots["last_tracked"] == "RR123456785CN"
    assert slots["tracking_number"] is None


async def test_it_answers_every_number_of_a_message_labelled(domain) -> None:
    dispatcher = CollectingDispatcher()
    numbers = ["UA242731678SG", "1Z879E930346834440"]
    tracker = make_tracker(
        "i have two parcels UA242731678SG and 1Z879E930346834440",
        entities=[number_entity(n) for n in numbers],
        slots={"tracking_number": numbers[-1]},
    )
    events = await ActionTrackParcel().run(dispatcher, tracker, domain)
    texts = [m["text"] for m in dispatcher.messages]
    assert texts == [(await expected_reply(n))[0] for n in numbers]
    assert slot_values(events)["last_tracked"] == numbers[-1]


async def test_a_wrong_check_digit_in_a_second_number_is_named_not_tracked(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "RR123456785CN and RR123456784CN",
        entities=[number_entity("RR123456785CN"), number_entity("RR123456784CN")],
        slots={"tracking_number": "RR123456784CN"},
    )
    await ActionTrackParcel().run(dispatcher, tracker, domain)
    first, second = (m["text"] for m in dispatcher.messages)
    assert first == (await expected_reply("RR123456785CN"))[0]
    assert second == (await expected_reply("RR123456784CN"))[0]
    assert "check digit" in second and "RR123456784CN" in second


async def test_followups_use_the_parcel_tracked_last(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "why no update", "why_no_update", slots={"last_tracked": "RR123456785CN"}
    )
    events = await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    [reply] = dispatcher.messages
    assert reply["text"] == (await expected_reply("RR123456785CN"))[0]
    assert slot_values(events)["last_tracked"] == "RR123456785CN"


async def test_a_customs_question_says_when_the_parcel_is_not_in_customs(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "is it in customs", "customs_question", slots={"last_tracked": "RR123456785CN"}
    )
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    assert [m.get("response") for m in dispatcher.messages] == [None, "utter_not_in_customs"]


async def test_a_delivery_question_adds_why_there_is_no_fixed_date(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "when will it arrive", "delivery_estimate", slots={"last_tracked": "RR123456785CN"}
    )
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    assert dispatcher.messages[-1]["response"] == "utter_estimate_note"


async def test_a_followup_without_any_parcel_asks_which_one(domain) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerFollowup().run(
        dispatcher, make_tracker("why no update", "why_no_update"), domain
    )
    assert dispatcher.messages[0]["response"] == "utter_ask_which_parcel"
    assert events == []


async def test_keep_me_updated_before_a_number_subscribes_once_tracked(domain, sessions) -> None:
    dispatcher = CollectingDispatcher()
    before = [
        user_event("keep me updated", "subscribe_updates"),
        {"event": "action", "name": "tracking_form"},
        {"event": "active_loop", "name": "tracking_form"},
    ]
    tracker = make_tracker(
        "RR123456785CN",
        entities=[number_entity("RR123456785CN")],
        slots={"tracking_number": "RR123456785CN"},
        before=before,
    )
    await ActionTrackParcel().run(dispatcher, tracker, domain)
    assert dispatcher.messages[-1]["response"] == "utter_subscribed"
    async with sessions() as session:
        rows = (await session.execute(select(Subscription))).scalars().all()
    assert [(r.conversation_id, r.tracking_number, r.active) for r in rows] == [
        ("buyer-1", "RR123456785CN", True)
    ]
