"""Which buyer messages may reach Rasa as an intent payload ("/intent{...}").

Rasa reads any text that starts with "/" as an intent with entities, skipping NLU and number
validation: a buyer typing `/track_parcel{"tracking_number": "XX"}` would drive the dialogue
directly. Only the payload of a button the bot itself offered in this conversation, or a
command the channel itself produced (Telegram's /start -> "/greet"), may pass; anything else
that starts with "/" is read as ordinary text (the slashes are removed, so NLU and the number
recogniser see the words and numbers in it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Message

# Payloads a channel produces from its own commands (bot/channels/telegram/commands.py); the
# buyer cannot type them there (Telegram routes unknown "/..." to the unknown-command answer).
CHANNEL_COMMANDS: dict[str, frozenset[str]] = {
    "telegram": frozenset(
        {"/greet", "/request_human", "/subscribe_updates", "/unsubscribe_updates"}
    ),
}
# How many of the bot's latest messages count as "offered": a button from long ago is stale.
OFFER_WINDOW = 20


def rasa_text(text: str, channel: str, offered: Iterable[str]) -> str:
    """The text to send to Rasa for a buyer message: unchanged unless it looks like an intent
    payload that neither the bot offered nor the channel produced; then it is plain text."""
    stripped = text.strip()
    if not may_be_payload(stripped):
        return text
    if stripped in CHANNEL_COMMANDS.get(channel, frozenset()) or stripped in set(offered):
        return stripped
    return stripped.lstrip("/").strip()


def may_be_payload(text: str) -> bool:
    """Whether `rasa_text` may need the offered payloads for this text (it starts with "/");
    other text goes to Rasa unchanged, so nothing needs to be read for it."""
    return text.strip().startswith("/")


def button_payloads(payload: dict[str, Any] | None) -> list[str]:
    """The button payloads stored with one bot message."""
    buttons = (payload or {}).get("buttons") or []
    return [str(b.get("payload")) for b in buttons if isinstance(b, dict) and b.get("payload")]


async def offered_payloads(conversation_id: str, *, session: AsyncSession) -> set[str]:
    """Payloads of the buttons in the bot's latest messages of this conversation."""
    rows = await session.scalars(
        select(Message.payload)
        .where(Message.conversation_id == conversation_id, Message.sender == "bot")
        .order_by(Message.seq.desc())
        .limit(OFFER_WINDOW)
    )
    return {p for payload in rows for p in button_payloads(payload)}
