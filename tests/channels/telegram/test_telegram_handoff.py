"""A Telegram buyer asks for a person, waits, goes back to the assistant, or is answered by an
agent through the Outbox; the real Router, Desk and Outbox on SQLite, the fake Bot API, and a
scripted Rasa. (tests/channels/telegram/test_telegram_e2e_handoff.py does it with real Rasa.)"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select

from bot.channels.telegram import TelegramChannel
from bot.conversations import agents, ownership
from bot.conversations.desk import BACK_TO_BOT
from bot.conversations.replies import Reply
from bot.storage.models import Agent, Message
from bot.texts import text
from tests.channels.telegram.conftest import Wiring
from tests.channels.telegram.fake_bot_api import FakeBotApi

CHAT = 5150
CONVERSATION = f"telegram:{CHAT}"
PASSING = "I'm passing you to a person."


@asynccontextmanager
async def running(wiring: Wiring) -> AsyncIterator[TelegramChannel]:
    """The channel as the gateway wires it: started, and the Outbox's sender for Telegram."""
    channel = TelegramChannel(wiring.settings, wiring.services)
    channel.retry_base_delay = 0.05
    wiring.services.extras["telegram"] = channel
    wiring.services.outbox.register("telegram", channel.send)
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()


def scripted_handoff(wiring: Wiring) -> None:
    """Rasa answers `/request_human` as the real bot does: words, then the handoff marker."""
    wiring.rasa.answers["/request_human"] = [
        {"text": PASSING},
        {"custom": {"handoff": {"reason": "asked for a person"}}},
    ]


async def status_of(wiring: Wiring) -> tuple[str | None, str | None]:
    async with wiring.services.sessionmaker() as session:
        return await ownership.current(CONVERSATION, session=session)


async def asked_for_a_person(fake_api: FakeBotApi, wiring: Wiring) -> dict[str, Any]:
    """The buyer sends /human; returns the queue notice as Telegram received it."""
    fake_api.queue_update(fake_api.message_update(CHAT, "/human"))
    await fake_api.until(lambda: len(fake_api.sent_to(CHAT)) == 2)
    return fake_api.sent_to(CHAT)[1]


async def new_agent(wiring: Wiring, name: str = "Ann") -> Agent:
    async with wiring.services.sessionmaker() as session, session.begin():
        agent = await agents.add(name, "correct horse battery", session=session)
        session.expunge(agent)
    return agent


async def delivery_of(wiring: Wiring, message_id: int) -> tuple[str | None, str | None]:
    async with wiring.services.sessionmaker() as session:
        message = await session.scalar(select(Message).where(Message.id == message_id))
        assert message is not None
        return message.delivery, message.delivery_error


async def test_it_queues_a_buyer_who_sends_human_and_the_back_button_returns_to_the_bot(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    scripted_handoff(wiring)
    async with running(wiring):
        notice = await asked_for_a_person(fake_api, wiring)
        assert notice["reply_markup"] == {
            "inline_keyboard": [
                [{"text": text("handoff.back_button"), "callback_data": BACK_TO_BOT}]
            ]
        }
        assert await status_of(wiring) == ("pending", None)
        assert wiring.rasa.event_names(CONVERSATION) == ["pause"]

        # While waiting the bot stays quiet; Rasa's tracker still hears the message.
        fake_api.queue_update(fake_api.message_update(CHAT, "hello?? is anyone there"))
        fake_api.queue_update(fake_api.button_update(CHAT, BACK_TO_BOT))
        await fake_api.until(lambda: len(fake_api.sent_to(CHAT)) == 3)
        assert await status_of(wiring) == ("bot", None)

        fake_api.queue_update(fake_api.message_update(CHAT, "where is RR123456785CN"))
        await fake_api.until(lambda: len(fake_api.sent_to(CHAT)) == 4)

    assert wiring.rasa.texts() == [
        "/request_human",
        "hello?? is anyone there",
        "where is RR123456785CN",
    ], "the button is the router's business, not Rasa's"
    assert fake_api.texts_to(CHAT) == [
        PASSING,
        notice["text"],
        text("handoff.back_to_bot"),
        "echo: where is RR123456785CN",
    ]
    assert wiring.rasa.event_names(CONVERSATION)[:2] == ["pause", "resume"]
    assert len(fake_api.calls_of("answerCallbackQuery")) == 1


async def test_an_agents_reply_reaches_the_telegram_buyer_and_the_bot_is_quiet_meanwhile(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    scripted_handoff(wiring)
    desk = wiring.services.desk
    agent = await new_agent(wiring)
    async with running(wiring):
        await asked_for_a_person(fake_api, wiring)
        await desk.claim(CONVERSATION, agent)
        assert await status_of(wiring) == ("open", "Ann")
        reply = await desk.reply(CONVERSATION, agent, "Hi, I am <checking> your parcel & more.")
        assert await delivery_of(wiring, reply.id) == ("sent", None)

        typing_before = len(fake_api.calls_of("sendChatAction"))
        fake_api.queue_update(fake_api.message_update(CHAT, "ok, thank you"))
        await fake_api.until(lambda: "ok, thank you" in wiring.rasa.texts())
        fake_api.queue_update(fake_api.message_update(CHAT, "still there?"))
        await fake_api.until(lambda: "still there?" in wiring.rasa.texts())
        # The bot does not even look as if it were typing while Ann holds the conversation.
        assert len(fake_api.calls_of("sendChatAction")) == typing_before
        await desk.hand_back(CONVERSATION, agent)
        fake_api.queue_update(fake_api.message_update(CHAT, "where is RR123456785CN"))
        await fake_api.until(lambda: "echo: where is RR123456785CN" in fake_api.texts_to(CHAT))

    agent_message = [p for p in fake_api.sent_to(CHAT) if "checking" in p["text"]]
    assert agent_message[0]["chat_id"] == CHAT
    assert fake_api.texts_to(CHAT)[2:] == [
        text("handoff.agent_joined", name="Ann"),
        "Hi, I am <checking> your parcel & more.",
        text("handoff.agent_left", name="Ann"),
        "echo: where is RR123456785CN",
    ], "nothing from the bot while Ann held the conversation"
    events = wiring.rasa.event_names(CONVERSATION)
    assert events.count("pause") >= 2 and events[-1] in ("resume", "slot")


async def test_a_reply_that_cannot_reach_the_buyer_is_recorded_failed_with_the_reason(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    scripted_handoff(wiring)
    desk = wiring.services.desk
    agent = await new_agent(wiring)
    async with running(wiring):
        await asked_for_a_person(fake_api, wiring)
        await desk.claim(CONVERSATION, agent)

        fake_api.fail_next("sendMessage", 502, "Bad Gateway", times=5)
        unreachable = await desk.reply(CONVERSATION, agent, "Are you there?")
        fake_api.blocked_chats.add(CHAT)
        blocked = await desk.reply(CONVERSATION, agent, "Your parcel is at customs.")
        again = await desk.reply(CONVERSATION, agent, "One more thing.")

    state, reason = await delivery_of(wiring, unreachable.id)
    assert state == "failed" and reason and "unreachable after 5 attempts" in reason
    state, reason = await delivery_of(wiring, blocked.id)
    assert state == "failed" and reason and reason.startswith("the buyer blocked the bot")
    assert await delivery_of(wiring, again.id) == ("failed", "the buyer blocked the bot")
    assert "One more thing." not in [c.params.get("text") for c in fake_api.calls_of("sendMessage")]


async def test_send_says_why_when_the_channel_is_not_running(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    channel = TelegramChannel(wiring.settings, wiring.services)
    before = await channel.send(CONVERSATION, [Reply("hello")])
    async with running(wiring) as started:
        during = await started.send(CONVERSATION, [Reply("hello")])
    after = await started.send(CONVERSATION, [Reply("hello again")])

    assert during is True
    assert not before and before.reason == "the Telegram channel is not running"
    assert not after and after.reason == "the Telegram channel is not running"
    assert fake_api.texts_to(CHAT) == ["hello"]
