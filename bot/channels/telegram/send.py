"""Sending to Telegram: replies as split, escaped messages with inline keyboards, with retries
for flood control and network errors, and the `blocked` mark (bot.conversations.buyers) for
buyers who blocked the bot. Every send ends in an `Outcome` that says whether Telegram accepted
the message and, if not, why; nothing here raises for a buyer who cannot be reached."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any

from sqlalchemy.orm import sessionmaker
from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.channels.telegram.commands import choose_text
from bot.channels.telegram.format import PARSE_MODE, escape, keyboard, split_text
from bot.channels.telegram.updates import conversation_id_for
from bot.conversations.buyers import set_blocked
from bot.conversations.replies import Reply
from bot.texts import DEFAULT_LANG

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 5
MAX_FLOOD_WAIT = 120.0  # seconds of RetryAfter we accept for one message before giving up


class Sent(Enum):
    OK = "ok"
    BLOCKED = "blocked"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """How a send ended; truthy only when Telegram accepted every message."""

    sent: Sent
    reason: str = ""

    def __bool__(self) -> bool:
        return self.sent is Sent.OK


DELIVERED = Outcome(Sent.OK)


class Sender:
    """Delivers replies through one `Bot`; `sessions` is used to mark blocked conversations."""

    def __init__(self, bot: Bot, sessions: sessionmaker, *, retry_base_delay: float = 0.5) -> None:
        self._bot = bot
        self._sessions = sessions
        self.retry_base_delay = retry_base_delay  # seconds; doubled per network-error retry

    async def deliver(
        self,
        chat_id: int,
        replies: Sequence[Reply],
        *,
        reply_to: int | None = None,
        lang: str = DEFAULT_LANG,
    ) -> Outcome:
        """Send replies in order: long texts split at Telegram's limit, buttons as an inline
        keyboard under the last piece. Stops at the first message that cannot be delivered
        and returns its (falsy) outcome then."""
        for reply in replies:
            markup = keyboard(reply.buttons)
            pieces = split_text(reply.text) if reply.text.strip() else []
            if not pieces and markup is not None:
                pieces = [choose_text(lang)]
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                outcome = await self.send_message(
                    chat_id, escape(piece), markup if last else None, reply_to
                )
                if not outcome:
                    return outcome
                reply_to = None  # only the first piece quotes the buyer's message
        return DELIVERED

    async def send_message(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None,
        reply_to: int | None = None,
    ) -> Outcome:
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
                return DELIVERED
            except RetryAfter as exc:
                delay = retry_after_seconds(exc)
                waited += delay
                if waited > MAX_FLOOD_WAIT:
                    log.error("chat %s: flood control wait too long (%.0f s)", chat_id, waited)
                    return Outcome(Sent.FAILED, f"Telegram flood control: {waited:.0f} s wait")
                log.warning("chat %s: flood control, retrying in %.1f s", chat_id, delay)
                await asyncio.sleep(delay)
            except Forbidden as exc:
                log.info("chat %s blocked the bot or removed it: %s", chat_id, exc)
                async with self._sessions() as session, session.begin():
                    await set_blocked(conversation_id_for(chat_id), True, session=session)
                return Outcome(Sent.BLOCKED, f"the buyer blocked the bot ({exc.message})")
            except ChatMigrated as exc:
                log.info("chat %s became supergroup %s", chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
            except BadRequest as exc:
                # Permanent: retrying the same request cannot succeed.
                log.error("chat %s: Telegram refused the message: %s", chat_id, exc)
                return Outcome(Sent.FAILED, f"Telegram refused the message: {exc.message}")
            except NetworkError as exc:  # includes TimedOut
                if attempt == SEND_ATTEMPTS:
                    log.error("chat %s: giving up after %d attempts: %s", chat_id, attempt, exc)
                    return Outcome(
                        Sent.FAILED, f"Telegram unreachable after {attempt} attempts: {exc}"
                    )
                delay = self.retry_base_delay * 2 ** (attempt - 1)
                log.warning("chat %s: network error (%s), retrying in %.1f s", chat_id, exc, delay)
                await asyncio.sleep(delay)
            except TelegramError as exc:  # anything else PTB reports, e.g. Conflict
                log.error("chat %s: Telegram error: %s", chat_id, exc)
                return Outcome(Sent.FAILED, f"Telegram error: {exc.message}")
        return Outcome(Sent.FAILED, "Telegram did not accept the message")

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
