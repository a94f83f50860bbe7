"""The tracking form's validation: numbers in any turn, check digits, repairs, carriers, orders."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ActionAskCarrier, ActionAskTrackingNumber, ValidateTrackingForm
from tests.actions.trackers import make_tracker, number_entity

AMBIGUOUS = "60120172242323"  # DHL eCommerce shape, but not a distinctive format


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def validate(tracker, domain) -> tuple[dict[str, Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await ValidateTrackingForm().run(dispatcher, tracker, domain)
    return slots_of(events), dispatcher


async def test_an_unambiguous_number_never_asks_for_the_carrier(domain) -> None:
    tracker = make_tracker("RR123456785CN", slots={"tracking_number": "RR123456785CN"})
    required = await ValidateTrackingForm().required_slots(
        ["tracking_number", "carrier"], CollectingDispatcher(), tracker, domain
    )
    assert required == ["tracking_number"]


async def test_a_valid_number_completes_the_form(domain) -> None:
    tracker = make_tracker(
        "where is my parcel rr 123 456 785 cn",
        "track_parcel",
        entities=[number_entity("RR123456785CN")],
        slots={"tracking_number": "RR123456785CN"},
        after=[slot("tracking_number", "RR123456785CN")],
        active_loop="tracking_form",
    )
    slots, dispatcher = await validate(tracker, domain)
    assert slots["tracking_number"] == "RR123456785CN"
    assert slots["requested_slot"] is None
    assert dispatcher.messages == []


async def test_it_rejects_a_wrong_check_digit_and_asks_again(domain) -> None:
    tracker = make_tracker(
        "RR123456786CN",
        entities=[number_entity("RR123456786CN")],
        slots={"tracking_number": "RR123456786CN", "requested_slot": "tracking_number"},
        after=[slot("tracking_number", "RR123456786CN")],
        active_loop="tracking_form",
    )
    slots, dispatcher = await validate(tracker, domain)
    assert slots["tracking_number"] is None
    assert slots["number_misses"] == 1
    assert slots["requested_slot"] == "tracking_number"
    [message] = dispatcher.messages
    assert "RR123456786CN" in message["text"] and "check digit" in message["text"]


async def test_a_unique_neighbouring_digit_fix_is_offered_as_did_you_mean(domain) -> None:
    tracker = make_tracker(
        "RR123456784CN",
        entities=[number_entity("RR123456784CN")],
        slots={"tracking_number": "RR123456784CN", "requested_slot": "tracking_number"},
        after=[slot("tracking_number", "RR123456784CN")],
        active_loop="tracking_form",
    )
    slots, dispatcher = await validate(tracker, domain)
    assert slots["suggested_number"] == "RR123456785CN"
    [message] = dispatcher.messages
    assert "Did you mean RR123456785CN?" in message["text"]
    assert message["buttons"][0] == {
        "title": "Yes, RR123456785CN",
        "payload": '/inform{"tracking_number":"RR123456785CN"}',
    }


async def test_the_second_wrong_number_in_a_row_offers_a_person(domain) -> None:
    tracker = make_tracker(
        "RR123456786CN",
        entities=[number_entity("RR123456786CN")],
        slots={"tracking_number": "RR123456786CN", "number_misses": 1},
        after=[slot("tracking_number", "RR123456786CN")],
        active_loop="tracking_form",
    )
    slots, dispatcher = await validate(tracker, domain)
    assert slots["number_misses"] == 2
    assert {"title": "Talk to a person", "payload": "/request_human"} in dispatcher.messages[0][
        "buttons"
    ]


async def test_it_offers_the_repaired_number_and_yes_accepts_it(domain) -> None:
    # "S" typed for "5": the extractor repairs it (the check digit confirms the repair) and
    # says what was typed; the form asks before using a number the buyer did not type.
    typed = {**number_entity("RR123456785CN"), "corrected_from": "RR12345678SCN"}
    tracker = make_tracker(
        "track rr12345678scn",
        "track_parcel",
        entities=[typed],
        slots={"tracking_number": "RR123456785CN"},
        after=[slot("tracking_number", "RR123456785CN")],
        active_loop="tracking_form",
    )
    slots, dispatcher = await validate(tracker, domain)
    assert slots["tracking_number"] is None
    assert slots["suggested_number"] == "RR123456785CN"
    [offer] = dispatcher.messages
    assert "RR12345678SCN" in offer["text"] and "RR123456785CN" in offer["text"]
    assert offer["buttons"][0]["payload"] == '/inform{"tracking_number":"RR123456785CN"}'

    yes = make_tracker(
        "yes",
        "affirm",
        slots={"suggested_number": "RR123456785CN", "requested_slot": "tracking_number"},
        active_loop="tracking_form",
    )
    slots, _ = await validate(yes, domain)
    assert slots["tracking_number"] == "RR123456785CN"
    assert slots["requested_slot"] is None


async def test_the_repair_button_payload_is_accepted_at_once(domain) -> None:
    tracker = make_tracker(
        '/inform{"tracking_number":"RR123456785CN"}',
        entities=[number_entity("RR123456785CN")],
        slots={"tracking_number": "RR123456785CN", "suggested_number": "RR123456785CN"},
        after=[slot("tracking_number", "RR123456785CN")],
        active_loop="tracking_form",
    )
    slots, dispatcher = await validate(tracker, domain)
    assert slots["tracking_number"] == "RR123456785CN"
    assert dispatcher.messages == []


async def test_i_dont_have_it_gets_help_and_the_form_keeps_asking(domain) -> None:
    tracker = make_tracker(
        "i dont have it",
        "deny",
        slots={"requested_slot": "tracking_number"},
        active_loop="tracking_form",
    )
    slots, dispatcher = await validate(tracker, domain)
    # A SlotSet for the requested slot means Rasa does not reject the turn: no fallback.
    assert "tracking_number" in slots and slots["tracking_number"] is None
    assert [m["response"] for m in dispatcher.messages] == ["utter_number_help"]


async def test_text_without_any_number_is_not_accepted(domain) -> None:
    tracker = make_tracker(
        "hello",
        "greet",
        slots={"tracking_number": "hello"},
        after=[slot("tracking_number", "hello")],
        active_loop="tracking_form",
    )
    slots, dispatcher = await validate(tracker, domain)
    assert slots["tracking_number"] is None
    assert dispatcher.messages[0]["response"] == "utter_not_a_number"


async def test_an_ambiguous_number_makes_the_form_ask_for_the_carrier(domain) -> None:
    tracker = make_tracker(
        AMBIGUOUS,
        entities=[number_entity(AMBIGUOUS)],
        slots={"tracking_number": AMBIGUOUS},
        after=[slot("tracking_number", AMBIGUOUS)],
        active_loop="tracking_form",
    )
    slots, _ = await validate(tracker, domain)
    assert slots["tracking_number"] == AMBIGUOUS
    # The domain's own slot list (with carrier) applies: Rasa asks for the empty carrier slot.
    assert "requested_slot" not in slots
    required = await ValidateTrackingForm().required_slots(
        ["tracking_number", "carrier"], CollectingDispatcher(), tracker, domain
    )
    assert required == ["tracking_number", "carrier"]

    dispatcher = CollectingDispatcher()
    ask = make_tracker(AMBIGUOUS, slots={"tracking_number": AMBIGUOUS})
    await ActionAskCarrier().run(dispatcher, ask, domain)
    [question] = dispatcher.messages
    assert question["response"] == "utter_ask_carrier"
    assert [b["payload"] for b in question["buttons"]] == ["dhl", "not sure"]


async def test_the_named_carrier_is_kept_and_anything_else_means_all(domain) -> None:
    base = {"tracking_number": AMBIGUOUS, "requested_slot": "carrier"}
    named = make_tracker(
        "its DHL", slots=base, after=[slot("carrier", "its DHL")], active_loop="tracking_form"
    )
    slots, _ = await validate(named, domain)
    assert slots["carrier"] == "dhl"

    unsure = make_tracker(
        "no idea",
        "deny",
        slots=base,
        after=[slot("carrier", "no idea")],
        active_loop="tracking_form",
    )
    slots, dispatcher = await validate(unsure, domain)
    assert slots["carrier"] == "any"
    assert dispatcher.messages[0]["response"] == "utter_carrier_any"


async def test_an_order_number_is_left_to_the_order_check(domain) -> None:
    # Never straight to the tracking number: the order rules ask who the buyer is first.
    tracker = make_tracker(
        "order number 58392011",
        "order_lookup",
        entities=[number_entity("58392011", "order_number")],
        slots={"requested_slot": "tracking_number", "order_number": "58392011"},
        active_loop="tracking_form",
    )
    slots, dispatcher = await validate(tracker, domain)
    assert slots.get("tracking_number") is None
    assert dispatcher.messages == []


async def test_the_number_is_asked_once_per_turn(domain) -> None:
    dispatcher = CollectingDispatcher()
    fresh = make_tracker("where is my parcel", "track_parcel", active_loop="tracking_form")
    await ActionAskTrackingNumber().run(dispatcher, fresh, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_tracking_number"]

    dispatcher = CollectingDispatcher()
    explained = make_tracker(
        "RR123456786CN",
        after=[{"event": "bot", "text": "RR123456786CN is not a valid tracking number."}],
        active_loop="tracking_form",
    )
    await ActionAskTrackingNumber().run(dispatcher, explained, domain)
    assert dispatcher.messages == []
