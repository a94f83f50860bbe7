"""The Telegram channel against the fake Bot API, with the real Router and a scripted Rasa."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import select
from starlette.applications import Starlette

from bot import texts
from bot.channels.telegram import TelegramChannel, telegram_routes
from bot.channels.telegram.commands import COMMANDS
from bot.channels.telegram.format import DIGEST_PREFIX, payload_digest
from bot.conversations import transcript
from bot.conversations.replies import Reply
from bot.conversations.router import APOLOGY
from bot.storage.models import Conversation, Message, ProcessedUpdate
from bot.texts import text
from tests.channels.telegram.conftest import Wiring
from tests.channels.telegram.fake_bot_api import BOT_USERNAME, FakeBotApi

CHAT = 4711
WEBHOOK = "https://parceldesk.example/telegram/webhook"
SECRET = "s3cret-Token_1"


@asynccontextmanager
async def running(wiring: Wiring) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(wiring.settings, wiring.services)
    channel.retry_base_delay = 0.05
    wiring.services.extras["telegram"] = channel
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()


@asynccontextmanager
async def gateway(wiring: Wiring) -> AsyncIterator[httpx.AsyncClient]:
    """The channel's webhook route served in-process, as the gateway serves it."""
    app = Starlette(routes=telegram_routes())
    app.state.services = wiring.services
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client


async def post_update(
    client: httpx.AsyncClient, update: dict[str, Any], secret: str | None
) -> httpx.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return await client.post("/telegram/webhook", json=update, headers=headers)


async def rows(wiring: Wiring, model: Any) -> list[Any]:
    async with wiring.services.sessionmaker() as session:
        return list((await session.execute(select(model))).scalars())


FOLLOW_UP = "one more question"


async def follow_up_answered(
    fake_api: FakeBotApi,
    client: httpx.AsyncClient | None = None,
    *,
    chat: int = CHAT,
    mention: bool = False,
) -> dict[str, Any]:
    """Send a further, distinct message to `chat` and wait for its answer. Updates of one chat
    are handled in arrival order, so anything sent before it (a duplicate, an ignored message)
    has been fully handled once this returns: "nothing more was answered" is then a real check,
    not a guess after a sleep. Uses the webhook when `client` is given, else polling."""
    words = f"@{BOT_USERNAME} {FOLLOW_UP}" if mention else FOLLOW_UP
    update = fake_api.message_update(chat, words, chat_type="group" if mention else "private")
    if client is not None:
        assert (await post_update(client, update, SECRET)).status_code == 200
    else:
        fake_api.queue_update(update)
    await fake_api.until(lambda: f"echo: {FOLLOW_UP}" in fake_api.texts_to(chat))
    return update


async def until_true(check: Callable[[], Any], timeout: float = 30.0) -> None:
    """Wait until the async `check()` is true."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def conversation_blocked(wiring: Wiring) -> bool:
    conversations = await rows(wiring, Conversation)
    return bool(conversations) and conversations[0].blocked is True


# ---- polling --------------------------------------------------------------------------------


async def test_polling_answers_a_private_message_with_typing_first(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    wiring.rasa.answers["where is RR123456785CN"] = [{"text": "It is in transit."}]
    async with running(wiring):
        fake_api.queue_update(fake_api.message_update(CHAT, "where is RR123456785CN"))
        await fake_api.until(lambda: fake_api.sent_to(CHAT))

    assert fake_api.texts_to(CHAT) == ["It is in transit."]
    assert wiring.rasa.received == [("telegram:4711", "where is RR123456785CN")]
    typing = fake_api.calls_of("sendChatAction")
    assert typing and typing[0].params == {"chat_id": CHAT, "action": "typing"}
    assert typing[0].at < fake_api.calls_of("sendMessage")[0].at
    assert fake_api.calls_of("deleteWebhook"), "polling must not compete with a webhook"


async def test_it_registers_the_command_menu(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    async with running(wiring_factory()):
        pass
    names = [c["command"] for c in fake_api.commands]
    assert {"start", "track", "subscribe", "unsubscribe", "human", "help"} <= set(names)


async def test_commands_reach_rasa_as_agreed(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    async with running(wiring):
        for text in (
            "/start",
            "/start RR123456785CN",
            "/track RR123456785CN",
            "/human",
            "/subscribe",
            "/unsubscribe",
        ):
            fake_api.queue_update(fake_api.message_update(CHAT, text))
        await fake_api.until(lambda: len(fake_api.sent_to(CHAT)) == 6)

    assert wiring.rasa.texts() == [
        "/greet",
        "track RR123456785CN",
        "track RR123456785CN",
        "/request_human",
        "/subscribe_updates",
        "/unsubscribe_updates",
    ]


async def test_help_is_answered_by_the_channel_itself(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    async with running(wiring):
        fake_api.queue_update(fake_api.message_update(CHAT, "/help"))
        fake_api.queue_update(fake_api.message_update(CHAT, "/nonsense"))
        await fake_api.until(lambda: len(fake_api.sent_to(CHAT)) == 2)

    help_text, unknown = fake_api.texts_to(CHAT)
    assert help_text == text("telegram.help")
    assert unknown == text("telegram.unknown_command") + "\n\n" + text("telegram.help")
    assert wiring.rasa.received == []


async def test_it_registers_a_command_menu_per_language_with_a_catalogue(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    async with running(wiring_factory()):
        pass
    assert set(fake_api.menus) == {""} | {lang for lang in texts.languages() if lang != "en"}
    for code, menu in fake_api.menus.items():
        lang = code or "en"
        assert [c["command"] for c in menu] == list(COMMANDS)
        assert {c["command"]: c["description"] for c in menu} == {
            name: text(f"telegram.command.{name}", lang) for name in COMMANDS
        }
    german = {c["command"]: c["description"] for c in fake_api.menus["de"]}
    assert german["track"] != text("telegram.command.track", "en")


async def test_a_new_buyer_gets_help_in_their_telegram_language(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    async with running(wiring):
        fake_api.queue_update(fake_api.message_update(CHAT, "/help", language_code="de-AT"))
        fake_api.queue_update(fake_api.message_update(CHAT + 1, "/help", language_code="ja"))
        await fake_api.until(
            lambda: len(fake_api.sent_to(CHAT)) == 1 and len(fake_api.sent_to(CHAT + 1)) == 1
        )
    assert fake_api.texts_to(CHAT) == [text("telegram.help", "de")]
    assert text("telegram.help", "de") != text("telegram.help", "en")
    # A language we have no catalogue for gets English.
    assert fake_api.texts_to(CHAT + 1) == [text("telegram.help", "en")]


# ---- buttons --------------------------------------------------------------------------------


async def test_buttons_become_an_inline_keyboard_and_a_press_is_answered_and_sent_on(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    wiring.rasa.answers["track my parcel"] = [
        {
            "text": "Is it RR123456785CN?",
            "buttons": [
                {"title": "Yes", "payload": "/affirm"},
                {"title": "No", "payload": "/deny"},
            ],
        }
    ]
    wiring.rasa.answers["/affirm"] = [{"text": "Looking it up."}]
    async with running(wiring):
        fake_api.queue_update(fake_api.message_update(CHAT, "track my parcel"))
        await fake_api.until(lambda: fake_api.sent_to(CHAT))
        markup = fake_api.sent_to(CHAT)[0]["reply_markup"]
        assert markup == {
            "inline_keyboard": [
                [{"text": "Yes", "callback_data": "/affirm"}],
                [{"text": "No", "callback_data": "/deny"}],
            ]
        }
        press = fake_api.button_update(CHAT, "/affirm")
        fake_api.queue_update(press)
        await fake_api.until(lambda: len(fake_api.sent_to(CHAT)) == 2)

    answered = fake_api.calls_of("answerCallbackQuery")
    assert [c.params["callback_query_id"] for c in answered] == [press["callback_query"]["id"]]
    assert answered[0].at < fake_api.calls_of("sendMessage")[1].at, "answered before the turn"
    assert wiring.rasa.texts() == ["track my parcel", "/affirm"]
    assert fake_api.texts_to(CHAT)[1] == "Looking it up."


async def test_a_payload_longer_than_64_bytes_travels_as_a_digest_and_comes_back(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    long_payload = '/inform{"tracking_number":"RR123456785CN","order_number":"SHOP-2024-000123"}'
    assert len(long_payload.encode()) > 64
    wiring = wiring_factory()
    wiring.rasa.answers["hi"] = [
        {"text": "Which one?", "buttons": [{"title": "RR123456785CN", "payload": long_payload}]}
    ]
    async with running(wiring):
        fake_api.queue_update(fake_api.message_update(CHAT, "hi"))
        await fake_api.until(lambda: fake_api.sent_to(CHAT))
        data = fake_api.sent_to(CHAT)[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        assert data == DIGEST_PREFIX + payload_digest(long_payload)
        fake_api.queue_update(fake_api.button_update(CHAT, data))
        await fake_api.until(lambda: len(fake_api.sent_to(CHAT)) == 2)

    assert wiring.rasa.texts() == ["hi", long_payload]


async def test_an_unknown_digest_gets_a_polite_note_instead_of_a_guess(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    async with running(wiring):
        fake_api.queue_update(fake_api.button_update(CHAT, DIGEST_PREFIX + "A" * 22))
        await fake_api.until(lambda: fake_api.sent_to(CHAT))
    assert fake_api.texts_to(CHAT) == [text("telegram.expired_button")]
    assert wiring.rasa.received == []
    assert fake_api.calls_of("answerCallbackQuery")


# ---- formatting -----------------------------------------------------------------------------


async def test_a_long_reply_is_split_and_markup_characters_arrive_literally(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    paragraph = "Customs <b>holds</b> parcels & checks them. " * 40
    long_text = "\n\n".join([paragraph] * 6)
    assert len(long_text) > 4096
    wiring = wiring_factory()
    wiring.rasa.answers["why"] = [
        {"text": long_text, "buttons": [{"title": "Talk to a person", "payload": "/request_human"}]}
    ]
    async with running(wiring):
        fake_api.queue_update(fake_api.message_update(CHAT, "why"))
        await follow_up_answered(fake_api)

    # Everything before the follow-up's answer is the long reply.
    sent, texts = fake_api.sent_to(CHAT)[:-1], fake_api.texts_to(CHAT)[:-1]
    assert len(sent) >= 3
    assert "".join(texts) == long_text
    assert all(len(t) <= 4096 for t in texts)
    assert [("reply_markup" in p) for p in sent] == [False] * (len(sent) - 1) + [True]


# ---- webhook --------------------------------------------------------------------------------


async def test_webhook_mode_registers_the_webhook_with_its_secret(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory(
        PARCELDESK_TELEGRAM_WEBHOOK_URL=WEBHOOK, PARCELDESK_TELEGRAM_SECRET=SECRET
    )
    async with running(wiring) as channel:
        assert channel.application.updater is None
    assert (fake_api.webhook_url, fake_api.webhook_secret) == (WEBHOOK, SECRET)
    assert fake_api.calls_of("getUpdates") == []


async def test_a_webhook_update_delivered_twice_is_answered_once(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory(
        PARCELDESK_TELEGRAM_WEBHOOK_URL=WEBHOOK, PARCELDESK_TELEGRAM_SECRET=SECRET
    )
    update = fake_api.message_update(CHAT, "where is my parcel")
    async with running(wiring), gateway(wiring) as client:
        first, second = await asyncio.gather(
            post_update(client, update, SECRET), post_update(client, update, SECRET)
        )
        await fake_api.until(lambda: fake_api.sent_to(CHAT))
        third = await post_update(client, update, SECRET)
        follow_up = await follow_up_answered(fake_api, client)

    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 200)
    assert fake_api.texts_to(CHAT) == ["echo: where is my parcel", f"echo: {FOLLOW_UP}"]
    assert wiring.rasa.texts() == ["where is my parcel", FOLLOW_UP]
    inbound = [m for m in await rows(wiring, Message) if m.direction == "in"]
    assert [m.external_id for m in inbound] == [
        str(update["update_id"]),
        str(follow_up["update_id"]),
    ]


async def test_a_command_the_channel_answers_itself_is_answered_once_when_delivered_twice(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory(
        PARCELDESK_TELEGRAM_WEBHOOK_URL=WEBHOOK, PARCELDESK_TELEGRAM_SECRET=SECRET
    )
    update = fake_api.message_update(CHAT, "/help")
    async with running(wiring), gateway(wiring) as client:
        assert (await post_update(client, update, SECRET)).status_code == 200
        assert (await post_update(client, update, SECRET)).status_code == 200
        await follow_up_answered(fake_api, client)

    assert fake_api.texts_to(CHAT) == [text("telegram.help"), f"echo: {FOLLOW_UP}"]


async def test_a_redelivered_update_whose_message_was_never_stored_is_processed(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring], monkeypatch: Any
) -> None:
    """The crash window: the update is claimed, then storing the message fails (as a crash
    would) before the transaction commits. The claim must not survive without the message,
    so Telegram's redelivery is processed instead of being skipped as a duplicate."""
    wiring = wiring_factory(
        PARCELDESK_TELEGRAM_WEBHOOK_URL=WEBHOOK, PARCELDESK_TELEGRAM_SECRET=SECRET
    )
    record_inbound = transcript.record_inbound
    failures = []

    async def crash_once(*args: Any, **kwargs: Any) -> Any:
        if not failures:
            failures.append(args)
            raise RuntimeError("the gateway died while storing the message")
        return await record_inbound(*args, **kwargs)

    monkeypatch.setattr(transcript, "record_inbound", crash_once)
    update = fake_api.message_update(CHAT, "where is my parcel")
    async with running(wiring), gateway(wiring) as client:
        assert (await post_update(client, update, SECRET)).status_code == 200
        await fake_api.until(lambda: fake_api.sent_to(CHAT))
        assert failures, "the first delivery must have reached the store step"
        assert await rows(wiring, ProcessedUpdate) == [], "no claim without the message"
        assert (await post_update(client, update, SECRET)).status_code == 200  # redelivery
        await fake_api.until(lambda: len(fake_api.sent_to(CHAT)) == 2)
        assert (await post_update(client, update, SECRET)).status_code == 200  # and once more
        follow_up = await follow_up_answered(fake_api, client)

    # Nothing was saved the first time, so the buyer is not told it was.
    assert fake_api.texts_to(CHAT) == [
        text("gateway.failure"),
        "echo: where is my parcel",
        f"echo: {FOLLOW_UP}",
    ]
    assert APOLOGY not in fake_api.texts_to(CHAT)
    assert wiring.rasa.texts() == ["where is my parcel", FOLLOW_UP]
    inbound = [m for m in await rows(wiring, Message) if m.direction == "in"]
    assert [(m.text, m.external_id) for m in inbound] == [
        ("where is my parcel", str(update["update_id"])),
        (FOLLOW_UP, str(follow_up["update_id"])),
    ]
    claims = [c.update_id for c in await rows(wiring, ProcessedUpdate)]
    assert claims.count(str(update["update_id"])) == 1


async def test_the_update_record_survives_a_restart(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    update = fake_api.message_update(CHAT, "hello")
    settings = {"PARCELDESK_TELEGRAM_WEBHOOK_URL": WEBHOOK, "PARCELDESK_TELEGRAM_SECRET": SECRET}
    first = wiring_factory(**settings)
    async with running(first), gateway(first) as client:
        assert (await post_update(client, update, SECRET)).status_code == 200
        await fake_api.until(lambda: fake_api.sent_to(CHAT))
    restarted = wiring_factory(**settings)
    async with running(restarted), gateway(restarted) as client:
        assert (await post_update(client, update, SECRET)).status_code == 200
        follow_up = await follow_up_answered(fake_api, client)

    assert fake_api.texts_to(CHAT) == ["echo: hello", f"echo: {FOLLOW_UP}"]
    claims = await rows(restarted, ProcessedUpdate)
    assert [(c.channel, c.update_id) for c in claims] == [
        ("telegram", str(update["update_id"])),
        ("telegram", str(follow_up["update_id"])),
    ]


async def test_a_wrong_or_missing_secret_is_rejected(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory(
        PARCELDESK_TELEGRAM_WEBHOOK_URL=WEBHOOK, PARCELDESK_TELEGRAM_SECRET=SECRET
    )
    async with running(wiring), gateway(wiring) as client:
        wrong = await post_update(client, fake_api.message_update(CHAT, "a"), "not-it")
        prefix = await post_update(client, fake_api.message_update(CHAT, "b"), SECRET[:-1])
        missing = await post_update(client, fake_api.message_update(CHAT, "c"), None)
        follow_up = await follow_up_answered(fake_api, client)

    assert (wrong.status_code, prefix.status_code, missing.status_code) == (403, 403, 403)
    assert wiring.rasa.texts() == [FOLLOW_UP]
    claims = await rows(wiring, ProcessedUpdate)
    assert [c.update_id for c in claims] == [str(follow_up["update_id"])]


async def test_the_webhook_route_is_off_in_polling_mode(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory(PARCELDESK_TELEGRAM_SECRET=SECRET)
    async with running(wiring), gateway(wiring) as client:
        response = await post_update(client, fake_api.message_update(CHAT, "x"), SECRET)
    assert response.status_code == 404


async def test_webhook_mode_refuses_to_start_without_a_usable_secret(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    for secret in ("", "has space"):
        wiring = wiring_factory(
            PARCELDESK_TELEGRAM_WEBHOOK_URL=WEBHOOK, PARCELDESK_TELEGRAM_SECRET=secret
        )
        channel = TelegramChannel(wiring.settings, wiring.services)
        try:
            await channel.start()
        except ValueError as exc:
            assert "PARCELDESK_TELEGRAM_SECRET" in str(exc)
        else:
            await channel.stop()
            raise AssertionError(f"started with secret {secret!r}")
    assert fake_api.calls_of("setWebhook") == []


# ---- reliability ----------------------------------------------------------------------------


async def test_messages_of_one_chat_are_answered_in_order_while_other_chats_go_on(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    wiring.rasa.delays["slow first"] = 1.0
    async with running(wiring):
        fake_api.queue_update(fake_api.message_update(CHAT, "slow first"))
        fake_api.queue_update(fake_api.message_update(CHAT, "quick second"))
        fake_api.queue_update(fake_api.message_update(CHAT + 1, "other chat"))
        await fake_api.until(lambda: len(fake_api.sent_to(CHAT)) == 2)
        other_answered = fake_api.calls_of("sendMessage")[0].params["chat_id"]

    assert fake_api.texts_to(CHAT) == ["echo: slow first", "echo: quick second"]
    assert other_answered == CHAT + 1, "another chat must not wait behind a slow one"


async def test_flood_control_and_network_errors_are_retried(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    fake_api.flood_next_send(retry_after=1)
    fake_api.fail_next("sendMessage", 502, "Bad Gateway", times=2)
    async with running(wiring):
        fake_api.queue_update(fake_api.message_update(CHAT, "hello"))
        await fake_api.until(lambda: fake_api.sent_to(CHAT))

    attempts = fake_api.calls_of("sendMessage")
    assert len(attempts) == 4
    assert attempts[1].at - attempts[0].at >= 0.95, "RetryAfter must be honoured"
    assert fake_api.texts_to(CHAT) == ["echo: hello"]


async def test_a_buyer_who_blocked_the_bot_is_marked_and_not_retried(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    async with running(wiring) as channel:
        fake_api.queue_update(fake_api.message_update(CHAT, "hello"))
        await fake_api.until(lambda: fake_api.sent_to(CHAT))
        fake_api.blocked_chats.add(CHAT)
        first = await channel.send("telegram:4711", [Reply("Your parcel moved.")])
        sends_after_block = len(fake_api.calls_of("sendMessage"))
        again = await channel.send("telegram:4711", [Reply("And again.")])

    assert not first and "blocked" in first.reason
    assert not again and again.reason == "the buyer blocked the bot"
    assert sends_after_block == 2, "one attempt, no retries on 403"
    assert len(fake_api.calls_of("sendMessage")) == 2, "a blocked buyer is not tried again"
    (conversation,) = await rows(wiring, Conversation)
    assert conversation.blocked is True


async def test_writing_again_after_a_block_makes_the_buyer_reachable(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    wiring = wiring_factory()
    fake_api.blocked_chats.add(CHAT)
    async with running(wiring) as channel:
        fake_api.queue_update(fake_api.message_update(CHAT, "hello"))
        await fake_api.until(lambda: fake_api.calls_of("sendMessage"))
        await until_true(lambda: conversation_blocked(wiring))
        fake_api.blocked_chats.clear()
        fake_api.queue_update(fake_api.message_update(CHAT, "hello again"))
        await fake_api.until(lambda: fake_api.sent_to(CHAT))
        assert await channel.send("telegram:4711", [Reply("Your parcel moved.")])

    assert (await rows(wiring, Conversation))[0].blocked is False


async def test_when_rasa_is_down_the_buyer_gets_the_apology_and_the_message_is_held(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    """The router keeps the message for the redelivery loop, which answers it once the bot is
    back (bot/conversations/redelivery.py); the buyer is told so once."""
    wiring = wiring_factory()
    wiring.rasa.down = True
    async with running(wiring):
        fake_api.queue_update(fake_api.message_update(CHAT, "where is RR123456785CN"))
        await fake_api.until(lambda: fake_api.sent_to(CHAT))

    assert fake_api.texts_to(CHAT) == [APOLOGY]
    inbound = [m for m in await rows(wiring, Message) if m.direction == "in"]
    assert [(m.text, m.status) for m in inbound] == [("where is RR123456785CN", "held")]


# ---- groups ---------------------------------------------------------------------------------


async def test_in_a_group_only_mentions_and_replies_to_the_bot_are_answered(
    fake_api: FakeBotApi, wiring_factory: Callable[..., Wiring]
) -> None:
    group = -100777
    wiring = wiring_factory()
    async with running(wiring):
        for update in (
            fake_api.message_update(group, "anyone got their parcel?", chat_type="group"),
            fake_api.message_update(
                group, f"@{BOT_USERNAME} where is RR123456785CN", user_id=11, chat_type="group"
            ),
            fake_api.message_update(
                group, "RR123456785CN", user_id=12, chat_type="group", reply_to_bot=True
            ),
            fake_api.message_update(group, "@someone_else hi there", chat_type="group"),
        ):
            fake_api.queue_update(update)
        await follow_up_answered(fake_api, chat=group, mention=True)

    assert wiring.rasa.received == [
        ("telegram:-100777", "where is RR123456785CN"),
        ("telegram:-100777", "RR123456785CN"),
        ("telegram:-100777", FOLLOW_UP),
    ]
    quoted = [p.get("reply_parameters", {}).get("message_id") for p in fake_api.sent_to(group)]
    assert all(quoted), "answers in a group quote the message they answer"
