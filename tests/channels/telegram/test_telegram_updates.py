"""Per-chat ordering, and when the bot is addressed in a group. (Claiming updates once is
tests/conversations/test_dedupe.py.)"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Message, Update

from bot.channels.telegram.updates import ChatOrderedProcessor, addressed_text
from tests.channels.telegram.fake_bot_api import BOT_ID, BOT_USERNAME, FakeBotApi


def message(api: FakeBotApi, text: str, **kwargs: Any) -> Message:
    update = Update.de_json(api.message_update(-5, text, **kwargs), None)
    assert update is not None and update.message is not None
    return update.message


def addressed(msg: Message) -> str | None:
    return addressed_text(msg, bot_username=BOT_USERNAME, bot_id=BOT_ID)


def test_a_private_message_is_always_addressed() -> None:
    api = FakeBotApi()
    assert addressed(message(api, "where is my parcel", chat_type="private")) == (
        "where is my parcel"
    )


def test_in_a_group_a_mention_is_addressed_and_removed_from_the_text() -> None:
    api = FakeBotApi()
    text = f"hey @{BOT_USERNAME.upper()}, where is RR123456785CN"
    assert addressed(message(api, text, chat_type="supergroup")) == "hey where is RR123456785CN"


def test_in_a_group_a_reply_to_the_bot_is_addressed() -> None:
    api = FakeBotApi()
    assert addressed(message(api, "RR123456785CN", chat_type="group", reply_to_bot=True)) == (
        "RR123456785CN"
    )


def test_in_a_group_other_talk_is_ignored() -> None:
    api = FakeBotApi()
    assert addressed(message(api, "my parcel is late", chat_type="group")) is None
    assert addressed(message(api, f"@{BOT_USERNAME}x hi", chat_type="group")) is None
    assert (
        addressed(message(api, "mail me at bob@parceldesk_test_bot.com", chat_type="group")) is None
    )


async def test_one_chat_runs_in_order_and_chats_run_side_by_side() -> None:
    api = FakeBotApi()
    processor = ChatOrderedProcessor()
    log: list[str] = []

    async def work(name: str, seconds: float) -> None:
        log.append(f"start {name}")
        await asyncio.sleep(seconds)
        log.append(f"end {name}")

    def update(chat: int) -> Update:
        result = Update.de_json(api.message_update(chat, "x"), None)
        assert result is not None
        return result

    await asyncio.gather(
        processor.process_update(update(1), work("a1", 0.2)),
        processor.process_update(update(1), work("a2", 0.0)),
        processor.process_update(update(2), work("b1", 0.0)),
    )
    assert log.index("end a1") < log.index("start a2"), "one chat: strictly in order"
    assert log.index("end b1") < log.index("end a1"), "another chat does not wait"


def test_the_language_command_asks_for_a_switch_or_the_menu() -> None:
    from bot.channels.telegram.commands import language_text

    assert language_text(["RU"]) == "/language ru"
    assert language_text(["pt-BR"]) == "/language pt"
    assert language_text([]) == "/language"
    assert language_text(["<b>"]) == "/language"
