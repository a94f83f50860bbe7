"""What the gateway knows about a buyer on a push channel: whether they can be reached (a
Telegram buyer who blocked the bot cannot), and the buttons they were offered (a channel whose
buttons carry only a digest finds the full payload again here)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Conversation, Message


async def set_blocked(conversation_id: str, blocked: bool, *, session: AsyncSession) -> None:
    """Mark whether the buyer blocked us (every send is refused then); no-op for an unknown
    conversation or when the mark is already right."""
    await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.blocked.is_not(blocked))
        .values(blocked=blocked)
        .execution_options(synchronize_session=False)
    )


async def is_blocked(conversation_id: str, *, session: AsyncSession) -> bool:
    """True when the buyer blocked us (see `set_blocked`)."""
    blocked = await session.scalar(
        select(Conversation.blocked).where(Conversation.id == conversation_id)
    )
    return bool(blocked)


async def language(conversation_id: str, *, session: AsyncSession) -> str | None:
    """The language the conversation is answered in; None for a conversation not seen yet."""
    found = await session.scalar(
        select(Conversation.language).where(Conversation.id == conversation_id)
    )
    return str(found) if found else None


async def offered_payloads(
    conversation_id: str, *, session: AsyncSession, limit: int = 100
) -> list[str]:
    """Payloads of the buttons sent to the buyer in the last `limit` outbound messages that
    had buttons, newest first."""
    rows = await session.execute(
        select(Message.payload)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == "out",
            Message.payload.is_not(None),
        )
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return [
        str(button.get("payload", ""))
        for (payload,) in rows
        if isinstance(payload, dict)
        for button in payload.get("buttons") or ()
        if isinstance(button, dict)
    ]
