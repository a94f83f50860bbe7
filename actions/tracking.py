"""Actions that answer about parcels: track new numbers, or answer a follow-up about the last one.

A follow-up gets the answer to the question asked (customs facts for the destination, a date
range, what changed since the last answer, what to do when a delivered parcel is missing), not
the status block again. A number and a question in one message get both.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import deps, inputs
from actions.parcels import (
    Answer,
    cleared_number_slots,
    explain_number,
    human_button,
    intent_before_form,
    language,
    last_parcel_or_ask,
    latest_intent,
    latest_numbers,
)
from actions.subscriptions import subscribe
from bot import texts
from bot.tracking.answers import (
    customs_answer,
    estimate_answer,
    news_answer,
    not_received_answer,
)

# At most this many numbers are looked up per message; the rest are listed.
MAX_NUMBERS = 5
# Questions answered about a parcel after (or instead of) its status.
FOCUS_TOPICS = frozenset(
    {
        "customs_question",
        "delivery_estimate",
        "why_no_update",
        "not_received",
        "refund_or_claim",
        "change_address",
    }
)
# Support topics whose general answer (a domain response) follows the parcel-specific line.
SUPPORT_RESPONSES = {
    "not_received": "utter_offer_help",
    "refund_or_claim": "utter_refund_or_claim",
    "change_address": "utter_change_address",
}
_PAID = re.compile(r"\b(?:already\s+)?(?:paid|payed|pagu?ei|bezahlt|payé|оплатил)", re.I)


def send_answer(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    """Send one parcel's explanation (it names the number), offering a person if it escalates."""
    buttons = [human_button(answer.lang)] if answer.escalate else []
    dispatcher.utter_message(text=answer.text, buttons=buttons)


def send_short(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    """One parcel among several: its status line and the reason, in two lines."""
    dispatcher.utter_message(text="\n".join(answer.text.split("\n")[:2]))


def focus_lines(topic: str | None, answer: Answer, tracker: Tracker) -> list[str] | None:
    """The answer to the question itself, or None when the full explanation answers it."""
    diagnosis = answer.diagnosis
    if diagnosis is None or answer.reason == "invalid_number":
        return None
    lang = language(tracker)
    if topic == "customs_question":
        paid = bool(_PAID.search(tracker.latest_message.get("text") or ""))
        return customs_answer(
            answer.shipment, diagnosis, paid=paid, today=deps.now().date(), lang=lang
        )
    if topic == "delivery_estimate":
        return estimate_answer(
            answer.shipment,
            diagnosis,
            now=deps.now(),
            thresholds=deps.settings().thresholds,
            lang=lang,
        )
    if topic == "not_received":
        return not_received_answer(answer.shipment, diagnosis, lang)
    if topic in ("refund_or_claim", "change_address"):
        key = "parcel.refund_for" if topic == "refund_or_claim" else "parcel.address_for"
        status = (
            texts.text(f"status.{answer.shipment.status.value}", lang) if answer.shipment else ""
        )
        return [texts.text(key, lang, number=answer.number, status=status or answer.reason)]
    return None


def send_focus(
    dispatcher: CollectingDispatcher, topic: str | None, answer: Answer, tracker: Tracker
) -> bool:
    """Send the answer to `topic` about `answer`'s parcel; False when there is none."""
    lines = focus_lines(topic, answer, tracker)
    if lines is None:
        return False
    dispatcher.utter_message(text="\n".join(lines))
    if topic in SUPPORT_RESPONSES:
        dispatcher.utter_message(response=SUPPORT_RESPONSES[topic])
    return True


class ActionTrackParcel(Action):
    """Answers with each parcel's status and the reason behind it (after the tracking form),
    then the question that came with the number, if any."""

    def name(self) -> str:
        return "action_track_parcel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        # Only numbers go on: the slot and the entities may come from a crafted payload.
        slot = inputs.tracking_number(tracker.get_slot("tracking_number"))
        several = latest_numbers(tracker)
        numbers = several if len(several) > 1 else [slot] if slot else several
        if not numbers:
            dispatcher.utter_message(response="utter_ask_tracking_number")
            return []
        # The carrier the buyer picked for this number ("any" is none of its carriers).
        chosen = inputs.courier(tracker.get_slot("carrier"), slot)
        looked_up, rest = numbers[:MAX_NUMBERS], numbers[MAX_NUMBERS:]
        answers = [
            await explain_number(n, chosen if n == slot else None, language(tracker))
            for n in looked_up
        ]
        for answer in answers:
            if len(answers) > 1:
                send_short(dispatcher, answer)
            else:
                send_answer(dispatcher, answer)
        if rest:
            dispatcher.utter_message(
                text=texts.text(
                    "several.more", language(tracker), limit=MAX_NUMBERS, rest=", ".join(rest)
                )
            )
        last = answers[-1]
        topic = intent_before_form(tracker) or latest_intent(tracker)
        if topic in FOCUS_TOPICS and topic != "why_no_update" and len(answers) == 1:
            send_focus(dispatcher, topic, last, tracker)
        if topic == "subscribe_updates":
            await subscribe(dispatcher, tracker, last.number)
        return cleared_number_slots(last.number, chosen, last.fingerprint)


class ActionAnswerFollowup(Action):
    """Answers a question about the last parcel: customs, when, any news, not received,
    refund, address change."""

    def name(self) -> str:
        return "action_answer_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        number = last_parcel_or_ask(dispatcher, tracker)
        if number is None:
            return []
        courier = inputs.courier(tracker.get_slot("last_courier"), number)
        answer = await explain_number(number, courier, language(tracker))
        topic = latest_intent(tracker)
        slots = cleared_number_slots(answer.number, courier, answer.fingerprint)
        if topic == "why_no_update" and answer.diagnosis is not None:
            previous = tracker.get_slot("last_seen")
            unchanged = news_answer(
                answer.shipment, answer.diagnosis, previous=previous, lang=language(tracker)
            )
            if unchanged is not None:
                dispatcher.utter_message(text="\n".join(unchanged))
                return slots
            if previous:
                dispatcher.utter_message(
                    text=texts.text("news.changed", language(tracker), number=answer.number)
                )
            send_answer(dispatcher, answer)
            return slots
        if not send_focus(dispatcher, topic, answer, tracker):
            send_answer(dispatcher, answer)
            if topic == "delivery_estimate" and answer.reason != "delivered":
                dispatcher.utter_message(response="utter_estimate_note")
        return slots
