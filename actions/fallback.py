"""Misses: out-of-scope and low-confidence messages. The second miss in a row offers a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.parcels import intent_of, latest_intent

MISS_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})


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
    """Explains what the bot can do; after two misses in a row, offers a person instead."""

    def name(self) -> str:
        return "action_handle_miss"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if misses_in_a_row(tracker) >= 2:
            dispatcher.utter_message(response="utter_offer_human")
        elif latest_intent(tracker) == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            dispatcher.utter_message(response="utter_default")
        return []
