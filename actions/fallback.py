"""Misses: out-of-scope and low-confidence messages. The second miss in a row offers a person.

A low-confidence message (nlu_fallback: top intent below the threshold, or the two top intents
too close, config.yml) gets a clarifying question whose buttons are the likely meanings from
the classifier's ranking, instead of an answer to the wrong question.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.parcels import intent_of, latest_intent

MISS_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
# Meanings worth offering as a button, with the words the buyer sees. Chit-chat, yes/no and
# out_of_scope are never offered: a button for them answers nothing.
CLARIFY_TITLES: dict[str, str] = {
    "track_parcel": "Where is my parcel?",
    "inform": "Where is my parcel?",
    "why_no_update": "Why is there no update?",
    "customs_question": "Customs and duties",
    "delivery_estimate": "When will it arrive?",
    "not_received": "I haven't received it",
    "refund_or_claim": "Refund or claim",
    "change_address": "Change the address",
    "subscribe_updates": "Keep me updated",
    "unsubscribe_updates": "Stop updates",
    "request_human": "Talk to a person",
    "frustration": "Talk to a person",
}
# Payload of each offered meaning (inform needs a number, frustration is answered by a person).
CLARIFY_PAYLOADS = {"inform": "track_parcel", "frustration": "request_human"}
# An intent this far below the top one is not a likely meaning.
MIN_CANDIDATE_CONFIDENCE = 0.1
MAX_CANDIDATES = 3


def clarify_buttons(ranking: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Buttons for the likely meanings in an intent ranking, best first, no duplicates."""
    buttons: list[dict[str, str]] = []
    for entry in ranking:
        name = str(entry.get("name"))
        if name not in CLARIFY_TITLES or (entry.get("confidence") or 0) < MIN_CANDIDATE_CONFIDENCE:
            continue
        payload = "/" + CLARIFY_PAYLOADS.get(name, name)
        if any(b["payload"] == payload for b in buttons):
            continue
        buttons.append({"title": CLARIFY_TITLES[name], "payload": payload})
        if len(buttons) == MAX_CANDIDATES:
            break
    return buttons


def misses_in_a_row(tracker: Tracker) -> int:
    """How many of the buyer's latest messages, counting back from now, were misses."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if intent_of(event) not in MISS_INTENTS:
            break
        count += 1
    return count


class ActionHandleMiss(Action):
    """Explains what the bot can do, or asks which of the likely meanings the buyer meant;
    after two misses in a row, offers a person instead."""

    def name(self) -> str:
        return "action_handle_miss"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if misses_in_a_row(tracker) >= 2:
            dispatcher.utter_message(response="utter_offer_human")
            return []
        if latest_intent(tracker) == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        buttons = clarify_buttons(tracker.latest_message.get("intent_ranking") or [])
        if buttons:
            dispatcher.utter_message(response="utter_clarify", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_default")
        return []
