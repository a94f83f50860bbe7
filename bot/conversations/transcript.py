"""The transcript: conversations and every message in and out. Callers own the session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversations import events, sqlite_log
from bot.conversations.events import ensure_conversation
from bot.storage.models import Conversation, Message

__all__ = ["ensure_conversation", "history", "record_inbound", "record_outbound"]


# Statements of the turn path, built once (see bot/conversations/events.py for why).
_CONVERSATION = bindparam("conversation_id")
_BEFORE = bindparam("before")
# Buyer messages in these statuses wait for the bot; later ones queue behind them.
HELD_STATUSES = ("held", "retrying")
_COUNT_INBOUND = select(func.count(Message.id)).where(
    Message.conversation_id == _CONVERSATION, Message.direction == "in", Message.id < _BEFORE
)
_HELD_BEFORE = select(Message.id).where(
    Message.conversation_id == _CONVERSATION,
    Message.direction == "in",
    Message.status.in_(HELD_STATUSES),
    Message.id < _BEFORE,
)
_TURN_CONTEXT = select(
    Conversation.status,
    Conversation.language,
    _COUNT_INBOUND.scalar_subquery(),
    Conversation.language_chosen,
    _HELD_BEFORE.exists(),
).where(Conversation.id == _CONVERSATION)
_SET_STATUS = (
    update(Message)
    .where(Message.id == bindparam("message_id"))
    .values(status=bindparam("s"), error=bindparam("e"))
)
_MARK_ANSWERED = (
    update(Message)
    .where(Message.id == bindparam("message_id"), Message.status != "processed")
    .values(status="processed", error=None)
)


async def count_inbound(conversation_id: str, *, before: int, session: AsyncSession) -> int:
    """How many buyer messages the conversation had before message id `before`."""
    connection = await events.connection_of(session)
    found = await connection.scalar(
        _COUNT_INBOUND, {"conversation_id": conversation_id, "before": before}
    )
    return int(found or 0)


async def has_held(conversation_id: str, *, before: int, session: AsyncSession) -> bool:
    """Whether a buyer message before message id `before` still waits for the bot."""
    connection = await events.connection_of(session)
    found = await connection.scalar(
        _HELD_BEFORE.limit(1), {"conversation_id": conversation_id, "before": before}
    )
    return found is not None


@dataclass(frozen=True)
class TurnContext:
    """What a buyer message's turn needs to know about its conversation."""

    status: str  # the conversation's status (who answers)
    language: str  # the conversation's language
    earlier: int  # buyer messages before this one
    held_before: bool  # one of them still waits for the bot: this one queues behind it
    language_chosen: bool = False  # the buyer asked for `language`: no more guessing


async def turn_context(conversation_id: str, *, before: int, session: events.Db) -> TurnContext:
    """The conversation's status and language, `count_inbound` and `has_held` for message id
    `before`, in one statement (a conversation not stored yet: the defaults)."""
    connection = await events.connection_of(session)
    fast = sqlite_log.on(connection)
    if fast is not None:
        row = await fast.turn_context(conversation_id, before, HELD_STATUSES)
    else:
        result = await connection.execute(
            _TURN_CONTEXT, {"conversation_id": conversation_id, "before": before}
        )
        row = result.one_or_none()
    if row is None:
        return TurnContext("bot", "en", 0, False)
    return TurnContext(row[0], row[1], int(row[2] or 0), bool(row[4]), bool(row[3]))


async def record_inbound(
    conversation_id: str,
    channel: str,
    text: str,
    *,
    session: events.Db,
    external_id: str | None = None,
    client_id: str | None = None,
) -> Message:
    """Store a buyer's message (status `received`) before anything processes it; the
    conversation is created on first contact."""
    seq = await events.next_inbound_seq(conversation_id, channel, session=session)
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
        seq=seq,
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
    message_id: int, status: str, *, session: events.Db, error: str | None = None
) -> None:
    """Mark an inbound message processed, failed, ... (keeps the error for the logs/console)."""
    connection = await events.connection_of(session)
    await connection.execute(_SET_STATUS, {"message_id": message_id, "s": status, "e": error})


async def mark_answered(message_id: int, *, session: events.Db) -> bool:
    """Mark a buyer message processed; False when it already was (answered before)."""
    connection = await events.connection_of(session)
    fast = sqlite_log.on(connection)
    if fast is not None:
        return await fast.mark_answered(message_id)
    result = await connection.execute(_MARK_ANSWERED, {"message_id": message_id})
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


async def last_notice_at(conversation_id: str, *, session: AsyncSession) -> datetime | None:
    """When the conversation's last system notice to the buyer was stored (UTC), if ever."""
    last: datetime | None = await session.scalar(
        select(Message.created_at)
        .where(
            Message.conversation_id == conversation_id,
            Message.sender == "system",
            Message.kind == "message",
        )
        .order_by(Message.seq.desc())
        .limit(1)
    )
    if last is not None and last.tzinfo is None:  # SQLite hands back naive UTC
        last = last.replace(tzinfo=timezone.utc)
    return last
