"""Who a web buyer is: a server-issued conversation token, or a shop-vouched user id.

The token is random (`secrets`), handed to the buyer's browser once, and stored only as its
SHA-256 (`conversations.token_hash`), so a database leak does not let anyone resume a chat. A
shop that signs its users in vouches for one with `HMAC-SHA256(secret, user_id)`; the check is
constant-time, and the same user id always maps to the same conversation (any device).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversations.events import ensure_conversation
from bot.storage.models import Conversation

CHANNEL = "web"
MAX_USER_ID = 128
_LANG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,4})?$")


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign(secret: str, user_id: str) -> str:
    """The hash a shop's server computes for a signed-in user (hex HMAC-SHA256)."""
    return hmac.new(secret.encode("utf-8"), user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def verify(secret: str, user_id: str, claimed: object) -> bool:
    """True when `claimed` is the user id's HMAC under `secret` (constant-time compare)."""
    if not secret or not user_id or not isinstance(claimed, str):
        return False
    return hmac.compare_digest(sign(secret, user_id), claimed.strip().lower())


def clean_language(value: object) -> str | None:
    """A language tag such as "de" or "pt-BR", or None for anything else."""
    if isinstance(value, str) and _LANG.match(value):
        return value.replace("_", "-")[:8]
    return None


@dataclass(frozen=True)
class Opened:
    """The conversation a widget connection speaks in. `token` is set only when a new one was
    issued (the browser must keep it); a resumed or user-keyed conversation gets none."""

    conversation_id: str
    token: str | None
    resumed: bool


async def _by_token(token: str, session: AsyncSession) -> Conversation | None:
    found: Conversation | None = await session.scalar(
        select(Conversation).where(
            Conversation.token_hash == token_hash(token), Conversation.channel == CHANNEL
        )
    )
    return found


async def _by_user(user_id: str, session: AsyncSession) -> Conversation | None:
    found: Conversation | None = await session.scalar(
        select(Conversation)
        .where(Conversation.identity == f"user:{user_id}", Conversation.channel == CHANNEL)
        .order_by(Conversation.created_at)
        .limit(1)
    )
    return found


async def _create(
    session: AsyncSession, *, identity: str | None, language: str | None
) -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    conversation_id = f"{CHANNEL}:{uuid.uuid4().hex}"
    conversation = await ensure_conversation(conversation_id, CHANNEL, session=session)
    conversation.token_hash = token_hash(token)
    conversation.identity = identity
    if language:
        conversation.language = language
    await session.flush()
    return conversation_id, token


async def open_conversation(
    session: AsyncSession,
    *,
    token: str | None,
    verified_user: str | None,
    language: str | None = None,
) -> Opened:
    """Resume or start the buyer's web conversation.

    - A verified user resumes their conversation; on first contact, an anonymous conversation
      they hold the token of becomes theirs (the chat before signing in goes on), else a new
      one starts. Their browser needs no token.
    - Otherwise a valid token resumes its anonymous conversation; anything else starts a new
      one and issues a fresh token. A token never opens a user's conversation.
    - `language` (the widget's locale) is the language of a conversation it starts; a resumed
      conversation keeps its own (the buyer may have written or chosen another since)."""
    if verified_user is not None:
        identity = f"user:{verified_user}"
        found = await _by_user(verified_user, session)
        if found is None and token:
            anonymous = await _by_token(token, session)
            if anonymous is not None and anonymous.identity is None:
                anonymous.identity = identity
                found = anonymous
        if found is not None:
            return Opened(found.id, None, True)
        conversation_id, _token = await _create(session, identity=identity, language=language)
        return Opened(conversation_id, None, False)
    if token:
        found = await _by_token(token, session)
        if found is not None and found.identity is None:
            return Opened(found.id, None, True)
    conversation_id, new_token = await _create(session, identity=None, language=language)
    return Opened(conversation_id, new_token, False)


async def status_of(conversation_id: str, session: AsyncSession) -> str:
    """The conversation's ownership status (bot | pending | open | resolved)."""
    status = await session.scalar(
        select(Conversation.status).where(Conversation.id == conversation_id)
    )
    return str(status or "bot")
