"""Sending to Telegram: replies as split, escaped messages with inline keyboards, with retries
for flood control and network errors, and the `blocked` mark for buyers who blocked the bot."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from enum import Enum
from typing import Any

from sqlalchemy.orm import sessionmaker
from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.channels.telegram_commands import choose_text
from bot.channels.telegram_format import PARSE_MODE, escape, keyboard, split_text
from bot.channels.telegram_updates import conversation_id_for, set_blocked
from bot.conversations.replies import Reply

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 5
MAX_FLOOD_WAIT = 120.0  # seconds of RetryAfter we accept for one message before giving up


class Sent(Enum):
    OK = "ok"
    BLOCKED = "blocked"
    FAILED = "failed"


class Sender:
    """Delivers replies through one `Bot`; `sessions` is used to mark blocked conversations."""

    def __init__(self, bot: Bot, sessions: sessionmaker, *, retry_base_delay: float = 0.5) -> None:
        self._bot = bot
        self._sessions = sessions
        self.retry_base_delay = retry_base_delay  # seconds; doubled per network-error retry

    async def deliver(
        self, chat_id: int, replies: Sequence[Reply], *, reply_to: int | None = None
    ) -> bool:
        """Send replies in order: long texts split at Telegram's limit, buttons as an inline
        keyboard under the last piece. Stops at the first message that cannot be delivered
        and returns False then."""
        for reply in replies:
            markup = keyboard(reply.buttons)
            pieces = split_text(reply.text) if reply.text.strip() else []
            if not pieces and markup is not None:
                pieces = [choose_text()]
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                outcome = await self.send_message(
                    chat_id, escape(piece), markup if last else None, reply_to
                )
                if outcome is not Sent.OK:
                    return False
                reply_to = None  # only the first piece quotes the buyer's message
        return True

    async def send_message(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None,
        reply_to: int | None = None,
    ) -> Sent:
        """One sendMessage of already escaped HTML, retried on flood control (RetryAfter) and
        network errors; a 403 marks the conversation blocked and is not retried."""
        waited = 0.0
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await self._bot.send_message(
                    chat_id,
                    text,
                    parse_mode=PARSE_MODE,
                    reply_markup=markup,
                    reply_parameters=(
                        ReplyParameters(reply_to, allow_sending_without_reply=True)
                        if reply_to
                        else None
                    ),
                )
                return Sent.OK
            except RetryAfter as exc:
                delay = retry_after_seconds(exc)
                waited += delay
                if waited > MAX_FLOOD_WAIT:
                    log.error("chat %s: flood control wait too long (%.0f s)", chat_id, waited)
                    return Sent.FAILED
                log.warning("chat %s: flood control, retrying in %.1f s", chat_id, delay)
                await asyncio.sleep(delay)
            except Forbidden as exc:
                log.info("chat %s blocked the bot or removed it: %s", chat_id, exc)
                async with self._sessions() as session, session.begin():
                    await set_blocked(conversation_id_for(chat_id), True, session=session)
                return Sent.BLOCKED
            except ChatMigrated as exc:
                log.info("chat %s became supergroup %s", chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
            except BadRequest as exc:
                # Permanent: retrying the same request cannot succeed.
                log.error("chat %s: Telegram refused the message: %s", chat_id, exc)
                return Sent.FAILED
            except NetworkError as exc:  # includes TimedOut
                if attempt == SEND_ATTEMPTS:
                    log.error("chat %s: giving up after %d attempts: %s", chat_id, attempt, exc)
                    return Sent.FAILED
                delay = self.retry_base_delay * 2 ** (attempt - 1)
                log.warning("chat %s: network error (%s), retrying in %.1f s", chat_id, exc, delay)
                await asyncio.sleep(delay)
        return Sent.FAILED

    async def call_with_retry(self, call: Callable[[], Awaitable[Any]]) -> Any:
        """Run a Bot API call (start-up registration), retrying flood control and network
        errors a few times; other errors propagate."""
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await call()
            except RetryAfter as exc:
                if attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(min(retry_after_seconds(exc), MAX_FLOOD_WAIT))
            except BadRequest:
                raise
            except NetworkError:
                if attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(self.retry_base_delay * 2 ** (attempt - 1))
        raise AssertionError("unreachable")


def retry_after_seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait in seconds (PTB 22 gives int or timedelta, and warns about int)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
