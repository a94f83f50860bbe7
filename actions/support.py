"""Handing the conversation to a person, and "yes" to the bot's offers."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import inputs
from actions.fallback import MISS_INTENTS
from actions.parcels import intent_of

# The buyer's topic before asking for a person, as the handoff reason the console shows.
TOPIC_REASONS = {
    "not_received": "not_received",
    "refund_or_claim": "refund_or_claim",
    "change_address": "change_address",
    "why_no_update": "parcel_delayed",
    "customs_question": "customs",
    "delivery_estimate": "parcel_delayed",
    "track_parcel": "parcel_delayed",
}
SKIPPED = frozenset({"request_human", "affirm", "deny", "thank", "greet"})


def handoff_reason(tracker: Tracker) -> str:
    """Why the buyer wants a person, from what they talked about just before."""
    if (tracker.get_slot("number_misses") or 0) >= 2:
        return "invalid_number"
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = intent_of(event)
        if intent in SKIPPED:
            continue
        if intent in MISS_INTENTS:
            return "bot_did_not_understand"
        return TOPIC_REASONS.get(intent or "", "buyer_request")
    return "buyer_request"


def hand_off(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Tell the buyer a person takes over, with the marker the gateway acts on."""
    marker: dict[str, Any] = {"reason": handoff_reason(tracker)}
    number = inputs.shipment_number(tracker.get_slot("last_tracked"))
    if number is not None:
        marker["tracking_number"] = number
    dispatcher.utter_message(response="utter_handoff", json_message={"handoff": marker})


def offered_a_person(tracker: Tracker) -> bool:
    """Whether the bot's latest message offered to connect the buyer with a person."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            return any(b.get("payload") == "/request_human" for b in buttons)
    return False


class ActionHandoff(Action):
    """Always honours a request for a person."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        hand_off(dispatcher, tracker)
        return []


class ActionHandleAffirm(Action):
    """A "yes" outside the form: accepts an offered person, otherwise asks what is next."""

    def name(self) -> str:
        return "action_handle_affirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if offered_a_person(tracker):
            hand_off(dispatcher, tracker)
        else:
            dispatcher.utter_message(response="utter_anything_else")
        return []
