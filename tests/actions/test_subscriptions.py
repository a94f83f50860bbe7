"""Subscribing to and unsubscribing from updates about a parcel."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.subscriptions import ActionSubscribeUpdates, ActionUnsubscribeUpdates
from bot.storage.models import Subscription
from tests.actions.trackers import make_tracker


async def rows(sessions) -> list[tuple[str, bool]]:
    async with sessions() as session:
        found = (await session.execute(select(Subscription))).scalars().all()
    return sorted((r.tracking_number, r.active) for r in found)


async def test_keep_me_updated_subscribes_to_the_parcel_tracked_last(domain, sessions) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "keep me updated", "subscribe_updates", slots={"last_tracked": "RR123456785CN"}
    )
    await ActionSubscribeUpdates().run(dispatcher, tracker, domain)
    await ActionSubscribeUpdates().run(dispatcher, tracker, domain)
    assert await rows(sessions) == [("RR123456785CN", True)]
    assert dispatcher.messages[0]["response"] == "utter_subscribed"


async def test_stop_updates_turns_every_subscription_off(domain, sessions) -> None:
    dispatcher = CollectingDispatcher()
    for number in ("RR123456785CN", "LP526018152HK"):
        tracker = make_tracker("notify me", "subscribe_updates", slots={"last_tracked": number})
        await ActionSubscribeUpdates().run(dispatcher, tracker, domain)
    stop = make_tracker("stop updates", "unsubscribe_updates")
    dispatcher = CollectingDispatcher()
    await ActionUnsubscribeUpdates().run(dispatcher, stop, domain)
    assert await rows(sessions) == [("LP526018152HK", False), ("RR123456785CN", False)]
    assert dispatcher.messages[0]["response"] == "utter_unsubscribed"
    dispatcher = CollectingDispatcher()
    await ActionUnsubscribeUpdates().run(dispatcher, stop, domain)
    assert dispatcher.messages[0]["response"] == "utter_no_subscription"


async def test_a_conversation_the_gateway_does_not_know_is_told_it_failed(domain, sessions) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "keep me updated",
        "subscribe_updates",
        slots={"last_tracked": "RR123456785CN"},
        sender="nobody",
    )
    await ActionSubscribeUpdates().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_subscribe_failed"
    assert await rows(sessions) == []
