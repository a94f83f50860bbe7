"""Entity and slot values the actions use are checked first (actions/inputs.py): a value from a
crafted payload (`/inform{"tracking_number": "<img src=x onerror=alert(1)>"}`), any JSON of
any length, is never tracked, looked up or repeated; valid values get the same answers."""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import deps, inputs
from actions.forms import ActionAskCarrier, ValidateTrackingForm
from actions.orders import (
    ASK,
    MISSING,
    UNKNOWN,
    ActionAskOrderCheck,
    ActionOrderAnswer,
    ActionOrderLookup,
    ValidateOrderForm,
)
from actions.parcels import NOT_A_NUMBER, explain_number
from actions.subscriptions import ActionSubscribeUpdates, ActionUnsubscribeUpdates
from actions.support import ActionHandoff
from actions.tracking import ActionAnswerFollowup, ActionTrackParcel
from bot import nlg, texts
from bot.storage.models import Subscription
from tests.actions.conftest import ROOT
from tests.actions.trackers import make_tracker, number_entity

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
AMBIGUOUS = "60120172242323"  # DHL eCommerce shape; the carrier is asked
NOT_NUMBERS = [IMG, SCRIPT, "", "RR123456785CN" * 8, {"tracking_number": "RR123456785CN"}, 42]


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def rendered(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[str]:
    """What the buyer reads: texts as sent, responses worded by the NLG endpoint."""
    said = []
    for message in dispatcher.messages:
        if not message.get("response"):
            said.append(message["text"])
            continue
        arguments = {k: v for k, v in message.items() if k not in ("response", "text")}
        body = {
            "response": message["response"],
            "tracker": tracker.current_state(),
            "arguments": arguments,
        }
        said.append(str(nlg.render(body)["text"]))
    return said


def assert_no_markup(dispatcher: CollectingDispatcher) -> None:
    sent = json.dumps(dispatcher.messages)
    assert "<" not in sent and "onerror" not in sent and "alert(1)" not in sent, sent


async def never_tracked() -> Any:
    raise AssertionError("a carrier was asked")


# --- the checks themselves ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("rr 123 456 785 cn", "RR123456785CN"),
        (f"{SCRIPT}RR123456785CN", "RR123456785CN"),
        ("RR123456786CN", "RR123456786CN"),  # a failed check digit is kept: the reply says so
    ],
)
def test_a_tracking_number_comes_back_normalised(value: str, number: str) -> None:
    assert inputs.tracking_number(value) == number


@pytest.mark.parametrize("value", [*NOT_NUMBERS, None, ["RR123456785CN"]])
def test_anything_else_is_no_tracking_number(value: object) -> None:
    assert inputs.tracking_number(value) is None


def test_a_shops_number_of_an_unknown_shape_may_still_be_tracked() -> None:
    assert inputs.shipment_number("zz-abcd-efgh-12") == "ZZABCDEFGH12"
    assert inputs.shipment_number("RR123456785CN") == "RR123456785CN"
    assert inputs.shipment_number("ZZ12") is None  # too short
    assert inputs.shipment_number(IMG) is None
    assert inputs.shipment_number("A" * 41) is None


@pytest.mark.parametrize(
    ("value", "order"),
    [
        ("#1001", "1001"),
        ("a-2024-7788", "A-2024-7788"),
        ("123-1234567-1234567", "123-1234567-1234567"),
    ],
)
def test_an_order_number_comes_back_normalised(value: str, order: str) -> None:
    assert inputs.order_number(value) == order


@pytest.mark.parametrize("value", [IMG, "1001<b>", "<b>1001</b>", "1" * 65, "1001 " * 30, 1001])
def test_anything_else_is_no_order_number(value: object) -> None:
    assert inputs.order_number(value) is None


def test_a_carrier_must_be_one_the_number_may_belong_to() -> None:
    assert inputs.courier("dhl", AMBIGUOUS) == "dhl"
    assert inputs.courier("any", AMBIGUOUS) is None
    assert inputs.courier(SCRIPT, AMBIGUOUS) is None
    assert inputs.courier("dhl", IMG) is None
    assert inputs.courier("dhl", None) is None


# --- tracking ------------------------------------------------------------------------------


async def test_a_value_that_is_no_number_is_neither_tracked_nor_repeated(monkeypatch) -> None:
    monkeypatch.setattr(deps, "tracking_service", never_tracked)
    answer = await explain_number(IMG, lang="de")
    assert answer.text == texts.text("utter_not_a_number", "de")
    assert (answer.number, answer.reason, answer.shipment) == ("", NOT_A_NUMBER, None)


async def test_a_shops_number_of_an_unknown_shape_is_still_tracked_normalised() -> None:
    answer = await explain_number("zz-abcd-efgh-12")
    assert answer.number == "ZZABCDEFGH12"
    assert answer.text.startswith("Parcel ZZABCDEFGH12:")


async def test_a_crafted_entity_beside_a_number_is_dropped(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        f'/inform{{"tracking_number": ["{IMG}", "RR123456785CN"]}}',
        entities=[number_entity(IMG), number_entity("RR123456785CN")],
    )
    events = await ActionTrackParcel().run(dispatcher, tracker, domain)
    [reply] = dispatcher.messages
    assert reply["text"] == (await explain_number("RR123456785CN")).text
    assert slot_values(events)["last_tracked"] == "RR123456785CN"
    assert_no_markup(dispatcher)


async def test_the_numbers_left_over_are_listed_without_crafted_values(domain) -> None:
    numbers = [
        "RR123456785CN",
        "RR400000001CN",
        "RR500000004CN",
        "RR600000007CN",
        "RR800000002CN",
        "RR900000005CN",
    ]
    values: list[Any] = [*numbers[:5], SCRIPT, numbers[5], "RR123456785CN" * 8, {"x": 1}]
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "tracking_number", "value": v, "start": 0, "end": 1} for v in values]
    await ActionTrackParcel().run(dispatcher, make_tracker("...", entities=entities), domain)
    assert dispatcher.messages[-1]["text"] == texts.text(
        "several.more", "en", limit=5, rest="RR900000005CN"
    )
    assert len(dispatcher.messages) == 6
    assert_no_markup(dispatcher)


async def test_a_crafted_slot_value_gets_the_question_for_the_number(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("x", slots={"tracking_number": IMG})
    events = await ActionTrackParcel().run(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_tracking_number"]
    assert events == []


async def test_a_carrier_the_number_cannot_have_is_not_asked_for(domain) -> None:
    chosen = CollectingDispatcher()
    slots = {"tracking_number": AMBIGUOUS, "carrier": "dhl"}
    await ActionTrackParcel().run(chosen, make_tracker("dhl", slots=slots), domain)
    crafted = CollectingDispatcher()
    slots = {"tracking_number": AMBIGUOUS, "carrier": SCRIPT}
    events = await ActionTrackParcel().run(crafted, make_tracker(SCRIPT, slots=slots), domain)
    [reply] = crafted.messages
    assert reply["text"] == (await explain_number(AMBIGUOUS)).text
    assert chosen.messages[0]["text"] == (await explain_number(AMBIGUOUS, "dhl")).text
    assert slot_values(events)["last_courier"] is None


async def test_a_followup_ignores_a_crafted_parcel_and_carrier(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("why no update", "why_no_update", slots={"last_tracked": IMG})
    assert await ActionAnswerFollowup().run(dispatcher, tracker, domain) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_which_parcel"]

    dispatcher = CollectingDispatcher()
    slots = {"last_tracked": "RR123456785CN", "last_courier": SCRIPT}
    tracker = make_tracker("when will it arrive", "delivery_estimate", slots=slots)
    events = await ActionAnswerFollowup().run(dispatcher, tracker, domain)
    assert slot_values(events)["last_courier"] is None
    assert_no_markup(dispatcher)


# --- the tracking form ---------------------------------------------------------------------


@pytest.mark.parametrize("value", NOT_NUMBERS)
async def test_the_form_says_what_a_number_looks_like_and_repeats_nothing(
    domain, value: object
) -> None:
    tracker = make_tracker(
        "x",
        slots={"tracking_number": value, "requested_slot": "tracking_number"},
        after=[{"event": "slot", "name": "tracking_number", "value": value}],
        active_loop="tracking_form",
    )
    dispatcher = CollectingDispatcher()
    events = await ValidateTrackingForm().run(dispatcher, tracker, domain)
    assert slot_values(events)["tracking_number"] is None
    assert [m["response"] for m in dispatcher.messages] == ["utter_not_a_number"]
    assert rendered(dispatcher, tracker) == [texts.text("utter_not_a_number", "en")]
    assert_no_markup(dispatcher)


async def test_the_carrier_question_names_the_number_only(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(AMBIGUOUS, slots={"tracking_number": f"{AMBIGUOUS}{SCRIPT}"})
    await ActionAskCarrier().run(dispatcher, tracker, domain)
    assert rendered(dispatcher, tracker) == [
        texts.text("utter_ask_carrier", "en", number=AMBIGUOUS)
    ]
    assert_no_markup(dispatcher)


# --- orders --------------------------------------------------------------------------------


async def _order_turn(order: Any, domain: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """action_order_lookup, then (as the form asks nothing) action_order_answer."""
    tracker = make_tracker("order", "order_lookup", slots={"order_number": order})
    events = await ActionOrderLookup().run(CollectingDispatcher(), tracker, domain)
    slots = {"order_number": order, **slot_values(events)}
    after = make_tracker("order", "order_lookup", slots=slots)
    asked = await ValidateOrderForm().required_slots(
        ["order_check"], CollectingDispatcher(), after, domain
    )
    dispatcher = CollectingDispatcher()
    if not asked:
        await ActionOrderAnswer().run(dispatcher, after, domain)
    else:
        await ActionAskOrderCheck().run(dispatcher, after, domain)
    assert_no_markup(dispatcher)
    return slots, rendered(dispatcher, after)


@pytest.mark.parametrize("order", [IMG, f"1001{SCRIPT}", "A1" * 40, {"order": 1001}])
async def test_a_value_that_is_no_order_number_is_neither_looked_up_nor_repeated(
    domain, order: Any
) -> None:
    slots, said = await _order_turn(order, domain)
    assert (slots["order_pending"], slots["order_state"]) == (None, UNKNOWN)
    assert said == [texts.text("utter_order_check_failed", "en")]


async def test_an_order_lookup_without_a_number_asks_for_one(domain) -> None:
    slots, said = await _order_turn(None, domain)
    assert (slots["order_pending"], slots["order_state"]) == (None, MISSING)
    assert said == [texts.text("utter_ask_tracking_number", "en")]


async def test_an_order_number_is_asked_about_as_before(domain) -> None:
    slots, said = await _order_turn("#1001", domain)
    assert (slots["order_pending"], slots["order_state"]) == ("1001", ASK)
    assert said == [texts.text("utter_ask_order_check", "en", order="1001")]


# --- updates and handoff -------------------------------------------------------------------


async def test_stop_updates_for_a_crafted_number_stops_nothing(domain, sessions) -> None:
    tracker = make_tracker("keep me updated", "subscribe_updates", slots={"last_tracked": IMG})
    dispatcher = CollectingDispatcher()
    await ActionSubscribeUpdates().run(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_which_parcel"]
    slots = {"last_tracked": "RR123456785CN"}
    await ActionSubscribeUpdates().run(
        CollectingDispatcher(), make_tracker("notify me", "subscribe_updates", slots=slots), domain
    )
    dispatcher = CollectingDispatcher()
    stop = make_tracker("stop", "unsubscribe_updates", slots={"tracking_number": SCRIPT})
    await ActionUnsubscribeUpdates().run(dispatcher, stop, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_no_subscription"]
    async with sessions() as session:
        rows = (await session.execute(select(Subscription))).scalars().all()
    assert [(r.tracking_number, r.active) for r in rows] == [("RR123456785CN", True)]


async def test_the_handoff_marker_carries_no_crafted_number(domain) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("human", "request_human", slots={"last_tracked": IMG})
    await ActionHandoff().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["custom"]["handoff"] == {"reason": "buyer_request"}


# --- the responses themselves --------------------------------------------------------------


def _buyer_filled_slots() -> list[str]:
    """Slots Rasa fills from what the buyer sends (an entity or the text itself)."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    return [
        name
        for name, slot in domain["slots"].items()
        if any(m.get("type") in ("from_entity", "from_text") for m in slot.get("mappings", []))
    ]


@pytest.mark.parametrize("lang", texts.LANGUAGES)
def test_no_response_is_worded_from_a_slot_the_buyer_fills(lang: str) -> None:
    """The NLG endpoint fills a response's blanks from the tracker's slots too (bot/nlg.py):
    none of its blanks may be a slot that holds what the buyer sent."""
    buyer_filled = _buyer_filled_slots()
    assert {"tracking_number", "order_number", "carrier", "order_check"} <= set(buyer_filled)
    tracker = {
        "slots": dict.fromkeys(buyer_filled, IMG),
        "events": [{"event": "user", "metadata": {"language": lang}}],
    }
    for key, template in texts.catalogue(lang).messages.items():
        if not key.startswith("utter_"):
            continue
        blanks = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert not blanks & set(buyer_filled), key
        said = nlg.render({"response": key, "tracker": tracker, "arguments": {}})["text"]
        assert IMG not in str(said), key
