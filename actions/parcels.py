"""Glue between the conversation and the domain: check a number, track it, explain it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import deps, inputs
from bot import texts
from bot.carriers.couriers import carrier_slug
from bot.tracking.answers import fingerprint, plain_reply
from bot.tracking.carrier_links import tracking_url
from bot.tracking.explain import Diagnosis, diagnose
from bot.tracking.model import Shipment
from bot.tracking.numbers.s10_countries import operator_for


# Buttons under any reply that offers a person; the gateway shows them as quick replies.
def human_button(lang: str = "en") -> dict[str, str]:
    """The button that asks for a person, worded in the conversation's language."""
    return {"title": texts.text("button.request_human", lang), "payload": "/request_human"}


CUSTOMS_REASONS = ("customs_clearance", "customs_action_required")
# Carrier value meaning "the buyer does not know": ask every enabled provider.
ANY_CARRIER = "any"
# Answer.reason for a value that is no tracking number at all (nothing was tracked).
NOT_A_NUMBER = "not_a_number"


@dataclass(frozen=True)
class Answer:
    """The explained state of one parcel, ready to send."""

    number: str
    text: str
    reason: str
    escalate: bool
    shipment: Shipment | None
    diagnosis: Diagnosis | None = None
    lang: str = "en"

    @property
    def fingerprint(self) -> str:
        """What this answer told the buyer (status and last scan), for "any news?" later."""
        return fingerprint(self.shipment)


def language(tracker: Tracker) -> str:
    """The conversation's language: the gateway puts it in each buyer message's metadata."""
    from bot.nlg import tracker_language

    return tracker_language({"events": tracker.events})


async def explain_number(number: str, courier: str | None = None, lang: str = "en") -> Answer:
    """Track `number` (as the given courier, if known) and explain its status and reason.
    A value that cannot be a tracking number is neither tracked nor repeated: the reply says
    what a tracking number looks like."""
    check = inputs.number_check(number)
    normalised = check.number if check is not None else inputs.shipment_number(number)
    if normalised is None:
        text = texts.text("utter_not_a_number", lang)
        return Answer("", text, NOT_A_NUMBER, escalate=False, shipment=None, lang=lang)
    shipment: Shipment | None = None
    # A failed check digit is explained without asking any carrier: they would only guess.
    if check is None or check.valid:
        if courier is None and check is not None and not check.ambiguous:
            courier = carrier_slug(check.courier, country=check.country, service=check.service)
        service = await deps.tracking_service()
        shipment = await service.track(normalised, courier=courier)
    diagnosis = diagnose(
        shipment,
        deps.now(),
        number_check=check,
        thresholds=deps.settings().thresholds,
        lang=lang,
    )
    carrier_name = check.courier_name if check is not None else None
    url = link_name = None
    if check is not None and check.valid:
        # A postal parcel is best followed on the destination post's site once it is there.
        destination = diagnosis.evidence.get("destination_country")
        if check.courier == "s10" and tracking_url(normalised, "s10", destination):
            url = tracking_url(normalised, "s10", destination)
            link_name = operator_for(destination or "")
        else:
            url = tracking_url(normalised, check.courier, check.country)
    return Answer(
        number=normalised,
        text=plain_reply(
            shipment, diagnosis, carrier=carrier_name, url=url, link_carrier=link_name, lang=lang
        ),
        reason=diagnosis.reason,
        escalate=diagnosis.escalate,
        shipment=shipment,
        diagnosis=diagnosis,
        lang=lang,
    )


def last_parcel_or_ask(dispatcher: CollectingDispatcher, tracker: Tracker) -> str | None:
    """The parcel tracked last in this conversation; when there is none, ask which one."""
    number = inputs.shipment_number(tracker.get_slot("last_tracked"))
    if number is None:
        dispatcher.utter_message(response="utter_ask_which_parcel")
        return None
    return number


def latest_numbers(tracker: Tracker) -> list[str]:
    """Tracking numbers in the buyer's latest message, in order, without repeats; a value that
    is not a tracking number (a crafted payload's) is left out."""
    seen: list[str] = []
    for entity in tracker.latest_message.get("entities", []) or []:
        if entity.get("entity") != "tracking_number":
            continue
        number = inputs.tracking_number(entity.get("value"))
        if number is not None and number not in seen:
            seen.append(number)
    return seen


def latest_intent(tracker: Tracker) -> str | None:
    """The intent Rasa gave the latest buyer message (nlu_fallback included)."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def intent_of(event: dict[str, Any]) -> str | None:
    """The intent name of a user event, if it has one."""
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def intent_before_form(tracker: Tracker, form: str = "tracking_form") -> str | None:
    """The intent of the buyer message that opened the latest run of `form`, e.g.
    subscribe_updates when "keep me updated" made the bot ask for the number first."""
    opened = False
    for event in reversed(tracker.events):
        if not opened:
            opened = event.get("event") == "active_loop" and event.get("name") == form
            continue
        if event.get("event") == "user":
            return intent_of(event)
    return None


def cleared_number_slots(
    number: str, courier: str | None, seen: str | None = None
) -> list[dict[str, Any]]:
    """Slot events after answering about `number`: it becomes the parcel follow-ups refer to,
    and the form's working slots are emptied so the next number starts fresh. `seen` is the
    fingerprint of what the buyer was told (for "any news?")."""
    return [
        SlotSet("last_tracked", number),
        SlotSet("last_seen", seen),
        SlotSet("last_courier", courier),
        SlotSet("tracking_number", None),
        SlotSet("order_number", None),
        SlotSet("last_order", None),
        SlotSet("carrier", None),
        SlotSet("suggested_number", None),
        SlotSet("number_misses", 0),
    ]
