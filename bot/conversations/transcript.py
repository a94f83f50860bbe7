"""The transcript: conversations and every message in and out. Callers own the session."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Conversation, Message, utcnow


async def ensure_conversation(
    conversation_id: str, channel: str, *, session: AsyncSession, external_id: str | None = None
) -> Conversation:
    """Return the conversation, creating it on first contact."""
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        conversation = Conversation(
            id=conversation_id, channel=channel, external_id=external_id, owner="bot"
        )
        session.add(conversation)
        await session.flush()
    return conversation


async def record_inbound(
    conversation_id: str,
    channel: str,
    text: str,
    *,
    session: AsyncSession,
    external_id: str | None = None,
) -> Message:
    """Store a buyer's message (status `received`) before anything processes it."""
    await ensure_conversation(conversation_id, channel, session=session)
    message = Message(
        conversation_id=conversation_id,
        direction="in",
        sender="buyer",
        channel=channel,
        text=text,
        status="received",
        external_id=external_id,
        created_at=utcnow(),
    )
    session.add(message)
    await session.flush()
    return message


async def record_outbound(
    conversation_id: str,
    channel: str,
    text: str,
    *,
    session: AsyncSession,
    sender: str = "bot",
    payload: dict[str, Any] | None = None,
) -> Message:
    """Store one reply to the buyer."""
    message = Message(
        conversation_id=conversation_id,
        direction="out",
        sender=sender,
        channel=channel,
        text=text,
        payload=payload,
        status="sent",
        created_at=utcnow(),
    )
    session.add(message)
    await session.flush()
    return message


async def set_message_status(
    message_id: int, status: str, *, session: AsyncSession, error: str | None = None
) -> None:
    """Mark an inbound message processed, failed, ... (keeps the error for the logs/console)."""
    message = await session.get(Message, message_id)
    if message is not None:
        message.status = status
        message.error = error
        await session.flush()


async def history(
    conversation_id: str,
    *,
    session: AsyncSession,
    limit: int = 200,
) -> list[Message]:
    """The conversation's messages, oldest first."""
    result = await session.execute(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)
        .limit(limit)
    )
    return list(result.scalars())
