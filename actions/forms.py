"""The tracking form: get one valid tracking number (or an order number that leads to one),
and the carrier when the number fits several. The number is accepted in any turn."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import inputs
from actions.parcels import ANY_CARRIER, human_button, language, latest_intent
from bot import texts
from bot.tracking.numbers import Match
from bot.tracking.numbers.typos import did_you_mean

# After this many unusable numbers in a row the bot offers a person alongside the question.
MISSES_BEFORE_HUMAN = 2
NOT_SURE = "not sure"


def carrier_choices(match: Match | None) -> list[tuple[str, str]]:
    """(courier code, display name) pairs a number may belong to, without repeats."""
    if match is None:
        return []
    seen: dict[str, str] = {}
    for candidate in match.candidates:
        seen.setdefault(candidate.courier, candidate.courier_name)
    return list(seen.items())


def pick_carrier(answer: str, choices: list[tuple[str, str]]) -> str | None:
    """The courier code the buyer's answer names (code or name, any case), if any."""
    said = " ".join(answer.lower().split())
    for code, name in choices:
        if said in (code.lower(), name.lower()) or code.lower() in said or name.lower() in said:
            return code
    return None


def repaired_in_message(tracker: Tracker, number: str) -> str | None:
    """What the buyer typed, when the extractor repaired it into `number` (look-alike fix)."""
    for entity in tracker.latest_message.get("entities", []) or []:
        if entity.get("entity") == "tracking_number" and entity.get("value") == number:
            return entity.get("corrected_from")
    return None


class ValidateTrackingForm(FormValidationAction):
    """Validates the number with bot.tracking.numbers and asks for the carrier if ambiguous."""

    def name(self) -> str:
        return "validate_tracking_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        number = tracker.get_slot("tracking_number")
        match = inputs.number_check(number)
        if match is not None and match.valid and match.ambiguous:
            return list(domain_slots)
        return [slot for slot in domain_slots if slot != "carrier"]

    async def extract_tracking_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Numbers that come without a tracking_number entity: "yes" to a repaired number,
        or "I don't have it". An order number is left alone: the form rejects the turn and
        the order rules (data/rules/orders.yml) ask who the buyer is first."""
        if tracker.get_slot("requested_slot") != "tracking_number":
            return {}
        entities = tracker.latest_message.get("entities", []) or []
        if any(e.get("entity") == "tracking_number" for e in entities):
            return {}
        intent = latest_intent(tracker)
        suggested = tracker.get_slot("suggested_number")
        if intent == "affirm" and suggested:
            return {"tracking_number": suggested}
        if any(e.get("entity") == "order_number" for e in entities):
            return {}
        if intent == "deny":
            dispatcher.utter_message(response="utter_number_help")
            return {"tracking_number": None}
        return {}

    async def validate_tracking_number(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Accept a valid number (normalised); explain a wrong one and ask again."""
        if isinstance(value, list):
            value = value[-1] if value else None
        if value is None:
            return {"tracking_number": None}
        # A payload's value may be any JSON of any length: only a string holding a number counts.
        match = inputs.number_check(value)
        misses = int(tracker.get_slot("number_misses") or 0)
        repaired = match is not None and (
            bool(match.corrected_from) or repaired_in_message(tracker, match.number)
        )
        if match is not None and match.valid and not repaired:
            return {"tracking_number": match.number, "number_misses": 0, "suggested_number": None}
        misses += 1
        buttons: list[dict[str, str]] = []
        suggestion = None
        if match is None:
            # Nothing of what was sent is repeated: it may be anything (markup included).
            dispatcher.utter_message(response="utter_not_a_number")
        elif match.valid:
            # A look-alike repair (O for 0, S for 5) passed the check digit: offer it.
            suggestion = match.number
            typed = match.corrected_from or repaired_in_message(tracker, match.number) or match.raw
            dispatcher.utter_message(
                text=texts.text(
                    "reason.invalid_number.suggestion.summary", language(tracker), number=typed
                )
                + "\n"
                + texts.text(
                    "reason.invalid_number.suggestion.next_step",
                    language(tracker),
                    suggestion=suggestion,
                ),
                buttons=[
                    {
                        "title": texts.text(
                            "button.yes_number", language(tracker), number=suggestion
                        ),
                        "payload": f'/inform{{"tracking_number":"{suggestion}"}}',
                    },
                    {"title": texts.text("button.no", language(tracker)), "payload": "/deny"},
                ],
            )
        elif (fix := did_you_mean(match.number)) is not None:
            # One digit slipped to its neighbour and only one such fix is valid: offer it.
            suggestion = fix
            dispatcher.utter_message(
                text=texts.text(
                    "reason.invalid_number.default.summary", language(tracker), number=match.number
                )
                + "\n"
                + texts.text("numbers.did_you_mean", language(tracker), suggestion=fix),
                buttons=[
                    {
                        "title": texts.text("button.yes_number", language(tracker), number=fix),
                        "payload": f'/inform{{"tracking_number":"{fix}"}}',
                    },
                    {"title": texts.text("button.no", language(tracker)), "payload": "/deny"},
                    *([human_button(language(tracker))] if misses >= MISSES_BEFORE_HUMAN else []),
                ],
            )
        else:
            if misses >= MISSES_BEFORE_HUMAN:
                buttons = [human_button(language(tracker))]
            dispatcher.utter_message(
                text=texts.text(
                    "reason.invalid_number.default.summary", language(tracker), number=match.number
                )
                + "\n"
                + texts.text("reason.invalid_number.default.next_step", language(tracker)),
                buttons=buttons,
            )
        if misses >= MISSES_BEFORE_HUMAN and not buttons and suggestion is None:
            dispatcher.utter_message(response="utter_offer_human")
        return {"tracking_number": None, "suggested_number": suggestion, "number_misses": misses}

    async def validate_carrier(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Keep the carrier the buyer named; anything else means "ask every carrier"."""
        match = inputs.number_check(tracker.get_slot("tracking_number"))
        code = pick_carrier(str(value or ""), carrier_choices(match))
        if code is None:
            # Never ask twice: the providers can be asked without a carrier.
            dispatcher.utter_message(response="utter_carrier_any")
            return {"carrier": ANY_CARRIER}
        return {"carrier": code}


class ActionAskCarrier(Action):
    """Asks which carrier sent the parcel, with one button per possible carrier."""

    def name(self) -> str:
        return "action_ask_carrier"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        match = inputs.number_check(tracker.get_slot("tracking_number"))
        buttons = [{"title": name, "payload": code} for code, name in carrier_choices(match)]
        buttons.append(
            {"title": texts.text("button.not_sure", language(tracker)), "payload": NOT_SURE}
        )
        dispatcher.utter_message(
            response="utter_ask_carrier",
            number=match.number if match is not None else "",
            buttons=buttons,
        )
        return [SlotSet("requested_slot", "carrier")]


class ActionAskTrackingNumber(Action):
    """Asks for the tracking number, unless this turn already told the buyer what to send
    (a failed check digit, a repair offer, an unknown order): one question per turn."""

    def name(self) -> str:
        return "action_ask_tracking_number"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if not answered_this_turn(tracker):
            dispatcher.utter_message(response="utter_ask_tracking_number")
        return []


def answered_this_turn(tracker: Tracker) -> bool:
    """Whether the bot already said something since the buyer's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            return True
    return False
