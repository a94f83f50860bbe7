"""Receiving Telegram updates: which conversation a chat is, in order per chat, and only when
the bot is addressed. (Once-only handling is bot.conversations.dedupe's claim.)"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable
from typing import Any

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import BaseUpdateProcessor

CHANNEL = "telegram"


def conversation_id_for(chat_id: int) -> str:
    """The conversation a Telegram chat belongs to (private chats and groups alike)."""
    return f"{CHANNEL}:{chat_id}"


def addressed_text(message: Message, *, bot_username: str, bot_id: int) -> str | None:
    """The text the bot should answer, or None when it should stay quiet.

    Private chats: always the message text (or caption). Groups: only messages that mention the
    bot or reply to one of its messages; the mention itself is removed from the text.
    """
    text = message.text if message.text is not None else (message.caption or "")
    if message.chat.type == ChatType.PRIVATE:
        return text
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return _strip_mention(text, bot_username)
    entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    if message.caption is not None and message.text is None:
        entities = message.parse_caption_entities(
            [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
        )
    for entity, value in entities.items():
        if entity.type == MessageEntity.MENTION and value.lstrip("@").lower() == (
            bot_username.lower()
        ):
            return _strip_mention(text, bot_username)
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return text.strip()
    return None


def _strip_mention(text: str, bot_username: str) -> str:
    if not bot_username:
        return text.strip()
    cleaned = re.sub(rf"@{re.escape(bot_username)}\b[,:]?", " ", text, flags=re.IGNORECASE)
    return " ".join(cleaned.split())


def chat_key(update: object) -> int | None:
    """The chat an update belongs to, if any."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Runs updates of different chats concurrently and updates of one chat strictly in arrival
    order. PTB starts one task per update in queue order; the per-chat lock is the task's first
    wait, and asyncio locks hand over in FIFO order, so the order within a chat is kept."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._users: dict[int | None, int] = {}

    # PTB marks process_update final but documents overriding it as the way to order updates.
    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:  # type: ignore[misc]  # see above
        key = chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await super().process_update(update, coroutine)
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                # Forget idle chats so the lock table does not grow with every chat ever seen.
                del self._users[key]
                self._locks.pop(key, None)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def reply_target(update: Update | None) -> int | None:
    """In groups, answers quote the buyer's message so it is clear whom the bot answers."""
    if update is None or update.effective_chat is None:
        return None
    if update.effective_chat.type == ChatType.PRIVATE:
        return None
    message = update.message
    return message.message_id if isinstance(message, Message) else None
