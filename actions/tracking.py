"""Actions that answer about parcels: track a new number, or follow up on the last one."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.parcels import (
    ANY_CARRIER,
    CUSTOMS_REASONS,
    HUMAN_BUTTON,
    Answer,
    cleared_number_slots,
    explain_number,
    intent_before_form,
    last_parcel_or_ask,
    latest_intent,
    latest_numbers,
)
from actions.subscriptions import subscribe


def send_answer(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    """Send one parcel's explanation (it names the number), offering a person if it escalates."""
    dispatcher.utter_message(text=answer.text, buttons=[HUMAN_BUTTON] if answer.escalate else [])


def send_focus(dispatcher: CollectingDispatcher, topic: str | None, answer: Answer) -> None:
    """Add the sentence the buyer's question was really about (customs, delivery date)."""
    if topic == "customs_question" and answer.reason not in CUSTOMS_REASONS:
        dispatcher.utter_message(response="utter_not_in_customs")
    elif topic == "delivery_estimate" and answer.reason != "delivered":
        dispatcher.utter_message(response="utter_estimate_note")


class ActionTrackParcel(Action):
    """Answers with each parcel's status and the reason behind it (after the tracking form)."""

    def name(self) -> str:
        return "action_track_parcel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        slot = tracker.get_slot("tracking_number")
        several = latest_numbers(tracker)
        numbers = several if len(several) > 1 else [slot] if slot else several
        if not numbers:
            dispatcher.utter_message(response="utter_ask_tracking_number")
            return []
        carrier = tracker.get_slot("carrier")
        chosen = carrier if carrier and carrier != ANY_CARRIER else None
        answers = [await explain_number(n, chosen if n == slot else None) for n in numbers]
        for answer in answers:
            send_answer(dispatcher, answer)
        last = answers[-1]
        topic = intent_before_form(tracker)
        send_focus(dispatcher, topic, last)
        if topic == "subscribe_updates":
            await subscribe(dispatcher, tracker, last.number)
        return cleared_number_slots(last.number, chosen)


class ActionAnswerFollowup(Action):
    """Answers why_no_update / customs_question / delivery_estimate about the last parcel."""

    def name(self) -> str:
        return "action_answer_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        number = last_parcel_or_ask(dispatcher, tracker)
        if number is None:
            return []
        courier = tracker.get_slot("last_courier")
        answer = await explain_number(number, courier)
        send_answer(dispatcher, answer)
        send_focus(dispatcher, latest_intent(tracker), answer)
        return cleared_number_slots(answer.number, courier)
