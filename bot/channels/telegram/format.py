"""Turning channel-neutral replies into Telegram messages: escaping, splitting, inline keyboards.

Telegram limits (Bot API): a text message holds at most 4096 characters after entity parsing
(counted in UTF-16 code units), and a button's `callback_data` at most 64 bytes.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit, ParseMode

from bot.conversations.replies import Button

PARSE_MODE = ParseMode.HTML
MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
MAX_CALLBACK_BYTES = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)  # 64
# Marks callback_data that names a payload by its digest instead of carrying it.
DIGEST_PREFIX = "#p:"


def escape(text: str) -> str:
    """`text` made safe for HTML parse mode: shown literally, never read as markup."""
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: most emoji count twice)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut `text` into pieces of at most `limit` UTF-16 units, preferring paragraph, line and
    word boundaries so no word is cut in half unless it alone is longer than `limit`.
    Joining the pieces gives back `text` (the cut whitespace stays at the end of a piece)."""
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        head = _prefix_within(rest, limit)
        cut = _best_cut(head)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _prefix_within(text: str, limit: int) -> str:
    """The longest prefix of `text` that fits into `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            # Always make progress, even if one character alone exceeds a tiny limit.
            return text[: max(index, 1)]
    return text


def _best_cut(head: str) -> int:
    """Where to end a piece that may use all of `head`."""
    for separator in ("\n\n", "\n", " "):
        position = head.rfind(separator)
        # Cutting very early would make many tiny messages; accept a boundary in the back half.
        if position >= len(head) // 2:
            return position + len(separator)
    return len(head)


def callback_data_for(payload: str) -> str:
    """The `callback_data` for a button: the payload itself when it fits in 64 bytes,
    otherwise a short digest that `payload_digest` finds again in the stored transcript."""
    if len(payload.encode()) <= MAX_CALLBACK_BYTES and not payload.startswith(DIGEST_PREFIX):
        return payload
    return DIGEST_PREFIX + payload_digest(payload)


def payload_digest(payload: str) -> str:
    """A 22-character digest of a payload (128 bits of SHA-256, URL-safe base64)."""
    digest = hashlib.sha256(payload.encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def digest_of(callback_data: str) -> str | None:
    """The digest named by `callback_data`, or None when the data is the payload itself."""
    if callback_data.startswith(DIGEST_PREFIX):
        return callback_data[len(DIGEST_PREFIX) :]
    return None


def find_payload(digest: str, candidates: Iterable[str]) -> str | None:
    """The candidate payload whose digest is `digest`."""
    for payload in candidates:
        if payload_digest(payload) == digest:
            return payload
    return None


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """An inline keyboard with one button per row (titles of support bots are often long)."""
    rows = [
        [InlineKeyboardButton(b.title or b.payload, callback_data=callback_data_for(b.payload))]
        for b in buttons
        if b.payload  # Telegram rejects empty callback_data; such a button could do nothing
    ]
    return InlineKeyboardMarkup(rows) if rows else None
