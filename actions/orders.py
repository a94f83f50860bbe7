"""Orders: a buyer asks by order number; the bot asks for the order's e-mail (or postcode)
before it says anything about it, then tracks and explains every shipment.

The decisions and the SQL live in bot.conversations.orders; these actions only connect them to
the conversation. Flow (data/rules/orders.yml): `order_lookup` -> action_order_lookup (which
case is this?) -> order_form (asks only when a check is needed) -> action_order_answer.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import deps, inputs
from actions.forms import answered_this_turn
from actions.parcels import cleared_number_slots, explain_number, language
from actions.tracking import MAX_NUMBERS, send_answer
from bot.conversations import orders
from bot.texts import text
from bot.tracking.numbers.marketplaces import marketplace_of

# order_state values: what action_order_answer does once the form is done.
ASK, OPEN, LOCKED, MARKETPLACE = "ask", "open", "locked", "marketplace"
# No order number came with the message; or its value is none (only a crafted payload gets
# such a value past the NLU): it is neither looked up nor repeated.
MISSING, UNKNOWN = "missing", "unknown"


def limits() -> orders.Limits:
    settings = deps.settings()
    return orders.Limits(
        per_conversation=settings.order_attempts_per_conversation,
        per_client=settings.order_attempts_per_client,
    )


def client_of(tracker: Tracker) -> str:
    """Who is behind the conversation, as the gateway put it in the message metadata (the
    widget's address, the API's named client); the conversation itself otherwise."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            client = (event.get("metadata") or {}).get("client")
            if isinstance(client, str) and client:
                return client[:191]
            break
    return tracker.sender_id


def order_asked(tracker: Tracker) -> str | None:
    """The order number the buyer gave, normalised; None when it cannot be one (it is then
    neither looked up nor repeated)."""
    return inputs.order_number(tracker.get_slot("order_number"))


async def case_of(order_number: str, tracker: Tracker) -> str:
    """Which way this order request goes before the buyer is asked anything."""
    market = marketplace_of(order_number)
    factory = await deps.sessionmaker()
    async with factory() as session, session.begin():
        if market is not None and not await orders.shop_sells_on(market.code, session=session):
            return MARKETPLACE
        if await orders.is_locked(
            tracker.sender_id, client_of(tracker), session=session, now=deps.now(), limits=limits()
        ):
            return LOCKED
        if await orders.verified_before(order_number, tracker.sender_id, session=session):
            return OPEN
        owned = await orders.owned_by_signed_in_buyer(
            order_number,
            tracker.sender_id,
            client=client_of(tracker),
            session=session,
            now=deps.now(),
        )
        return OPEN if owned is not None else ASK


class ActionOrderLookup(Action):
    """Decides whether the buyer must prove the order is theirs (the usual case), may see it
    (a signed-in owner, or proved earlier in this conversation), has used up their tries, or
    gave another marketplace's number."""

    def name(self) -> str:
        return "action_order_lookup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        number = order_asked(tracker)
        if number is not None:
            state = await case_of(number, tracker)
        else:
            state = UNKNOWN if tracker.get_slot("order_number") else MISSING
        return [
            SlotSet("order_pending", number),
            SlotSet("order_state", state),
            SlotSet("order_check", None),
        ]


class ValidateOrderForm(FormValidationAction):
    """Checks the e-mail or postcode. Wrong answer, unknown order, malformed number: one reply."""

    def name(self) -> str:
        return "validate_order_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return list(domain_slots) if tracker.get_slot("order_state") == ASK else []

    async def validate_order_check(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        factory = await deps.sessionmaker()
        async with factory() as session, session.begin():
            verdict = await orders.verify(
                tracker.get_slot("order_pending"),
                str(value or ""),
                conversation_id=tracker.sender_id,
                client=client_of(tracker),
                session=session,
                now=deps.now(),
                limits=limits(),
            )
        if verdict.ok:
            return {"order_check": "ok", "order_state": OPEN}
        if verdict.locked:
            return {"order_check": "locked", "order_state": LOCKED}
        dispatcher.utter_message(response="utter_order_check_failed")
        return {"order_check": None}


class ActionAskOrderCheck(Action):
    """Asks for the order's e-mail or postcode, unless this turn already said what to send."""

    def name(self) -> str:
        return "action_ask_order_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if not answered_this_turn(tracker):
            dispatcher.utter_message(
                response="utter_ask_order_check",
                order=inputs.order_number(tracker.get_slot("order_pending")),
            )
        return []


class ActionOrderAnswer(Action):
    """After the form: every shipment of a verified order explained, or why not."""

    def name(self) -> str:
        return "action_order_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        number = inputs.order_number(tracker.get_slot("order_pending")) or ""
        state = tracker.get_slot("order_state")
        done = [
            SlotSet("order_check", None),
            SlotSet("order_state", None),
            SlotSet("order_pending", None),
            SlotSet("order_number", None),
        ]
        if state == MARKETPLACE:
            market = marketplace_of(number)
            assert market is not None
            dispatcher.utter_message(
                response="utter_order_marketplace",
                order=number,
                marketplace=market.name,
                # The marketplace's own menu name in the buyer's language, where it has one.
                where=text(f"marketplace.{market.code}.where", language(tracker)),
            )
            return done
        if state == MISSING:
            dispatcher.utter_message(response="utter_ask_tracking_number")  # or order number
            return done
        if state == UNKNOWN:
            # The same words as for an unknown order or a wrong e-mail (domain.yml).
            dispatcher.utter_message(response="utter_order_check_failed")
            return done
        if state != OPEN:
            dispatcher.utter_message(response="utter_order_locked")
            return done
        factory = await deps.sessionmaker()
        async with factory() as session:
            order = await orders.find(number, session=session)
        if order is None:  # deleted meanwhile
            dispatcher.utter_message(response="utter_order_check_failed")
            return done
        if not order.shipments:
            dispatcher.utter_message(response="utter_order_not_shipped", order=number)
            return [*done, SlotSet("last_order", number)]
        shown = order.shipments[:MAX_NUMBERS]
        dispatcher.utter_message(
            response="utter_order_shipments", order=number, count=len(order.shipments)
        )
        last = None
        for shipment in shown:
            last = await explain_number(shipment.tracking_number, lang=language(tracker))
            send_answer(dispatcher, last)
        assert last is not None
        return [
            *cleared_number_slots(last.number, None, last.fingerprint),
            *done,
            SlotSet("last_order", number),
        ]
