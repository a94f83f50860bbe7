"""action_track_parcel and action_answer_followup against the demo provider."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.parcels import explain_number
from actions.tracking import ActionAnswerFollowup, ActionTrackParcel
from bot.storage.models import Subscription
from tests.actions.trackers import make_tracker, number_entity, user_event


async def expected_reply(number: str) -> tuple[str, str]:
    """The reply explain_number gives for `number` right now, and its reason code."""
    answer = await explain_number(number)
    return answer.text, answer.reason


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
    lines = text.split("\n")
    assert lines[0].startswith("Parcel RR123456785CN (China Post): in transit — 'Departure from")
    # The scan is quoted once, its jargon in plain words; carrier's own page last.
    assert text.count("outward office of exchange") == 1
    assert "left the export hub in China" in lines[0]
    assert (
        lines[1]
        == "While a parcel is between countries it is not scanned, so this silence is normal."
    )
    assert lines[3].startswith("Check again after")
    assert lines[4].startswith("Official tracking (Deutsche Post): https://www.deutschepost.de/")
    slots = slot_values(events)
    assert slots["last_tracked"] == "RR123456785CN"
    assert slots["tracking_number"] is None


async def test_it_answers_every_number_of_a_message_in_short(domain) -> None:
    dispatcher = CollectingDispatcher()
    numbers = ["UA242731678SG", "1Z879E930346834440"]
    tracker = make_tracker(
        "i have two parcels UA242731678SG and 1Z879E930346834440",
        entities=[number_entity(n) for n in numbers],
        slots={"tracking_number": numbers[-1]},
    )
    events = await ActionTrackParcel().run(dispatcher, tracker, domain)
    replies = [m["text"] for m in dispatcher.messages]
    assert len(replies) == 2
    for number, reply in zip(numbers, replies, strict=True):
        full = (await expected_reply(number))[0].split("\n")
        # Status line and reason only: the next step and date are left for a follow-up.
        assert reply.split("\n") == full[:2]
    assert slot_values(events)["last_tracked"] == numbers[-1]


async def test_it_looks_up_at_most_five_numbers_and_lists_the_rest(domain) -> None:
    dispatcher = CollectingDispatcher()
    numbers = [
        "RR123456785CN",
        "RR400000001CN",
        "RR500000004CN",
        "RR600000007CN",
        "RR800000002CN",
        "RR900000005CN",
        "CP110000008CN",
    ]
    tracker = make_tracker(
        " ".join(numbers), entities=[number_entity(n) for n in numbers], slots={}
    )
    await ActionTrackParcel().run(dispatcher, tracker, domain)
    replies = [m["text"] for m in dispatcher.messages]
    assert len(replies) == 6
    assert all(n in r for n, r in zip(numbers[:5], replies, strict=False))
    assert "first 5" in replies[-1] and "RR900000005CN, CP110000008CN" in replies[-1]


async def test_a_wrong_check_digit_in_a_second_number_is_named_not_tracked(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "RR123456785CN and RR123456784CN",
        entities=[number_entity("RR123456785CN"), number_entity("RR123456784CN")],
        slots={"tracking_number": "RR123456784CN"},
    )
    await ActionTrackParcel().run(dispatcher, tracker, domain)
    first, second = (m["text"] for m in dispatcher.messages)
    assert first.startswith("Parcel RR123456785CN")
    assert "check digit" in second and "RR123456784CN" in second


async def test_why_no_update_explains_the_parcel_tracked_last(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "why no update", "why_no_update", slots={"last_tracked": "RR123456785CN"}
    )
    events = await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    [reply] = dispatcher.messages
    assert reply["text"] == (await expected_reply("RR123456785CN"))[0]
    assert slot_values(events)["last_tracked"] == "RR123456785CN"
    assert slot_values(events)["last_seen"].startswith("in_transit|")


async def test_any_news_says_nothing_changed_since_the_last_answer(domain) -> None:
    first = await ActionAnswerFollowup().run(
        CollectingDispatcher(),
        make_tracker("why no update", "why_no_update", slots={"last_tracked": "RR123456785CN"}),
        domain,
    )
    seen = slot_values(first)["last_seen"]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "any news?",
        "why_no_update",
        slots={"last_tracked": "RR123456785CN", "last_seen": seen},
    )
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    [reply] = dispatcher.messages
    assert reply["text"].startswith("Nothing new for RR123456785CN since I last looked")
    assert "Check again after" in reply["text"]


async def test_any_news_after_a_change_says_what_is_new(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "any news?",
        "why_no_update",
        slots={"last_tracked": "RR123456785CN", "last_seen": "info_received|"},
    )
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    news, full = (m["text"] for m in dispatcher.messages)
    assert news == "News for RR123456785CN:"
    assert full == (await expected_reply("RR123456785CN"))[0]


async def test_a_customs_question_gets_the_destinations_facts_not_the_status(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "will I pay duties", "customs_question", slots={"last_tracked": "RR123456785CN"}
    )
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    [reply] = dispatcher.messages
    text = reply["text"]
    assert text.startswith("Your parcel RR123456785CN is not at customs yet")
    assert "Germany" in text and "Import VAT is due" in text and "scam" in text
    assert "Check again after" not in text


async def test_a_customs_question_on_a_held_uk_parcel_says_how_to_pay(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "do i have to pay", "customs_question", slots={"last_tracked": "RR500000004CN"}
    )
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert "Customs is waiting for a payment" in text
    assert "135 pounds" in text and "Royal Mail" in text


async def test_i_paid_already_gets_when_customs_releases_it(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "I paid already", "customs_question", slots={"last_tracked": "RR500000004CN"}
    )
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"].startswith("Thanks. After payment")


async def test_when_will_it_arrive_gets_a_date_range(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "when will it arrive", "delivery_estimate", slots={"last_tracked": "RR123456785CN"}
    )
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    [reply] = dispatcher.messages
    assert "my estimate is between" in reply["text"]
    assert "between China and Germany" in reply["text"]


async def test_delivered_but_not_received_is_answered_for_that_parcel(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "it says delivered but I don't have it",
        "not_received",
        slots={"last_tracked": "EA220000005CN"},
    )
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    first, offer = dispatcher.messages
    assert first["text"].startswith("EA220000005CN shows delivered on")
    assert offer["response"] == "utter_offer_help"


async def test_a_refund_question_names_the_parcel(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "can I get a refund for it", "refund_or_claim", slots={"last_tracked": "RR800000002CN"}
    )
    await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    first, general = dispatcher.messages
    assert first["text"].startswith("About a refund for RR800000002CN")
    assert general["response"] == "utter_refund_or_claim"


async def test_a_number_and_an_address_question_get_both_answers(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "RR123456785CN can I change the address",
        "change_address",
        entities=[number_entity("RR123456785CN")],
        slots={"tracking_number": "RR123456785CN"},
    )
    await ActionTrackParcel().run(dispatcher, tracker, domain)
    status, focus, general = dispatcher.messages
    assert status["text"] == (await expected_reply("RR123456785CN"))[0]
    assert focus["text"].startswith("About changing the address of RR123456785CN")
    assert general["response"] == "utter_change_address"


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
