"""Proactive updates: the buyer subscribes the conversation to a parcel; the notifier (in the
gateway) re-checks subscribed parcels and writes when something changes. The rows are written
by bot.conversations.subscriptions, as for the console and whole orders."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import IntegrityError

from actions import deps, inputs
from actions.parcels import last_parcel_or_ask
from bot.conversations import orders, subscriptions


async def subscribe(dispatcher: CollectingDispatcher, tracker: Tracker, number: str) -> bool:
    """Subscribe the conversation to `number` and tell the buyer; False if it could not be
    stored (e.g. a conversation the gateway does not know)."""
    factory = await deps.sessionmaker()
    try:
        async with factory() as session, session.begin():
            await subscriptions.subscribe(
                tracker.sender_id, number, session=session, now=deps.now()
            )
    except IntegrityError:
        dispatcher.utter_message(response="utter_subscribe_failed", number=number)
        return False
    dispatcher.utter_message(response="utter_subscribed", number=number)
    return True


class ActionSubscribeUpdates(Action):
    """Subscribes to the parcel tracked last (the rules ask for a number when there is none)."""

    def name(self) -> str:
        return "action_subscribe_updates"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        order = inputs.order_number(tracker.get_slot("last_order"))
        if order:  # the buyer just saw a (verified) order: follow all of its shipments
            factory = await deps.sessionmaker()
            async with factory() as session, session.begin():
                numbers = await orders.subscribe_order(tracker.sender_id, order, session=session)
            if numbers:
                dispatcher.utter_message(
                    response="utter_subscribed_order", order=order, numbers=", ".join(numbers)
                )
                return [SlotSet("tracking_number", None)]
        number = last_parcel_or_ask(dispatcher, tracker)
        if number is None:
            return []
        await subscribe(dispatcher, tracker, number)
        return [SlotSet("tracking_number", None)]


class ActionUnsubscribeUpdates(Action):
    """Stops every update for this conversation (or only for the number named in the message)."""

    def name(self) -> str:
        return "action_unsubscribe_updates"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        named = tracker.get_slot("tracking_number")
        # Subscriptions are stored by normalised number; a value that is none matches none.
        number = (inputs.tracking_number(named) or "") if named else None
        factory = await deps.sessionmaker()
        async with factory() as session, session.begin():
            stopped = await subscriptions.unsubscribe(
                tracker.sender_id, session=session, number=number
            )
        response = "utter_unsubscribed" if stopped else "utter_no_subscription"
        dispatcher.utter_message(response=response)
        return [SlotSet("tracking_number", None)]
