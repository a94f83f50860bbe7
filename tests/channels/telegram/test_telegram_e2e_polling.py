"""End to end in long-polling mode: the real gateway, Rasa and action server polling the fake
Bot API's getUpdates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.texts import text
from tests.channels.telegram.fake_bot_api import TOKEN, FakeBotApi, running_fake_bot_api
from tests.support.stack import Stack, running_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def telegram(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, FakeBotApi]]:
    with running_fake_bot_api() as api:
        env = {"PARCELDESK_TELEGRAM_TOKEN": TOKEN, "PARCELDESK_TELEGRAM_API_URL": api.base_url}
        with running_stack(Path(tmp_path_factory.mktemp("tg-polling")), env) as stack:
            yield stack, api


def test_polling_mode_answers_a_deep_link_and_a_button(
    telegram: tuple[Stack, FakeBotApi],
) -> None:
    _stack, api = telegram
    chat = 2001
    assert api.webhook_url == "" and api.calls_of("getUpdates")

    api.queue_update(api.message_update(chat, "/start RR123456785CN"))
    api.wait_for(lambda: len(api.sent_to(chat)) >= 1, timeout=60)
    assert "RR123456785CN" in api.texts_to(chat)[0]

    api.queue_update(api.message_update(chat, "my parcel never arrived"))
    # The answer may come in several messages; the offer of a person carries the buttons.
    api.wait_for(lambda: "reply_markup" in api.sent_to(chat)[-1], timeout=60)
    keyboard = api.sent_to(chat)[-1]["reply_markup"]["inline_keyboard"]
    payloads = [b["callback_data"] for row in keyboard for b in row]
    assert "/request_human" in payloads

    offered = len(api.sent_to(chat))
    api.queue_update(api.button_update(chat, "/request_human"))
    api.wait_for(lambda: len(api.sent_to(chat)) > offered, timeout=60)
    assert "person" in api.texts_to(chat)[offered]
    assert api.calls_of("answerCallbackQuery")


def test_polling_keeps_the_order_of_one_chats_messages(
    telegram: tuple[Stack, FakeBotApi],
) -> None:
    _stack, api = telegram
    chat = 2002
    api.queue_update(api.message_update(chat, "/track RR123456785CN"))
    api.queue_update(api.message_update(chat, "/track 1Z5R89390357567127"))
    api.queue_update(api.message_update(chat, "/help"))
    api.wait_for(lambda: len(api.sent_to(chat)) >= 3, timeout=90)
    first, second, third = api.texts_to(chat)[:3]
    assert "RR123456785CN" in first
    assert "1Z5R89390357567127" in second
    assert third == text("telegram.help")
