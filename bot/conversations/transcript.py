"""The transcript: conversations and every message in and out. Callers own the session."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversations import events
from bot.conversations.events import ensure_conversation
from bot.storage.models import Message

__all__ = ["ensure_conversation", "history", "record_inbound", "record_outbound"]


async def count_inbound(conversation_id: str, *, before: int, session: AsyncSession) -> int:
    """How many buyer messages the conversation had before message id `before`."""
    from sqlalchemy import func, select

    from bot.storage.models import Message

    found = await session.scalar(
        select(func.count(Message.id)).where(
            Message.conversation_id == conversation_id,
            Message.direction == "in",
            Message.id < before,
        )
    )
    return int(found or 0)


async def record_inbound(
    conversation_id: str,
    channel: str,
    text: str,
    *,
    session: AsyncSession,
    external_id: str | None = None,
    client_id: str | None = None,
) -> Message:
    """Store a buyer's message (status `received`) before anything processes it."""
    await ensure_conversation(conversation_id, channel, session=session)
    return await events.append(
        conversation_id,
        session=session,
        channel=channel,
        sender="buyer",
        direction="in",
        text=text,
        status="received",
        external_id=external_id,
        client_id=client_id,
    )


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
    await ensure_conversation(conversation_id, channel, session=session)
    return await events.append(
        conversation_id,
        session=session,
        channel=channel,
        sender=sender,
        text=text,
        payload=payload,
        delivery="sent",
    )


async def set_message_status(
    message_id: int, status: str, *, session: AsyncSession, error: str | None = None
) -> None:
    """Mark an inbound message processed, failed, ... (keeps the error for the logs/console)."""
    message = await session.get(Message, message_id)
    if message is not None:
        message.status = status
        message.error = error
        await session.flush()


async def mark_answered(message_id: int, *, session: AsyncSession) -> bool:
    """Mark a buyer message processed; False when it already was (answered before)."""
    result = await session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status != "processed")
        .values(status="processed", error=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1


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
        .order_by(Message.seq, Message.id)
        .limit(limit)
    )
    return list(result.scalars())
