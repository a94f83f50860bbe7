"""The conversation event log: every stored item gets the next per-conversation sequence number.

Clients (widget tabs, the console, API pollers) read `after(seq)` to catch up and then follow
live wake-ups from the bus; the database is the truth, so a reconnect never loses or repeats.

Sequence numbers are allocated with one conditional `UPDATE conversations SET last_seq =
last_seq + 1 WHERE ...`: the row lock (PostgreSQL) or the write lock (SQLite) serialises
writers, and the optional status condition makes "store this bot reply only while the bot
still owns the conversation" one atomic step.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Agent, Conversation, Message, utcnow

# Statuses in which the bot answers the buyer.
BOT_STATUSES = ("bot", "resolved")
# Kinds a buyer may read; notes and status records are for staff.
BUYER_KINDS = ("message",)


class NotOwner(Exception):
    """The conversation is not in a status that allows this event (e.g. a bot reply after an
    agent claimed the conversation); nothing was stored."""


async def ensure_conversation(
    conversation_id: str,
    channel: str,
    *,
    session: AsyncSession,
    external_id: str | None = None,
) -> Conversation:
    """Return the conversation, creating it on first contact."""
    conversation: Conversation | None = await session.get(Conversation, conversation_id)
    if conversation is None:
        conversation = Conversation(
            id=conversation_id,
            channel=channel,
            external_id=external_id,
            owner="bot",
            status="bot",
            last_seq=0,
        )
        session.add(conversation)
        await session.flush()
    return conversation


async def next_inbound_seq(conversation_id: str, channel: str, *, session: AsyncSession) -> int:
    """Take the conversation's next sequence number for a buyer message; on first contact the
    conversation is created (and the number is 1). The same as `ensure_conversation` +
    `next_seq` in two statements instead of four (existing: UPDATE, SELECT; new: an UPDATE
    that finds no row, INSERT)."""
    result = await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(last_seq=Conversation.last_seq + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        seq = await session.scalar(
            select(Conversation.last_seq).where(Conversation.id == conversation_id)
        )
        return int(seq)
    session.add(
        Conversation(id=conversation_id, channel=channel, owner="bot", status="bot", last_seq=1)
    )
    await session.flush()
    return 1


async def next_seq(
    conversation_id: str,
    *,
    session: AsyncSession,
    statuses: Iterable[str] | None = None,
    holder: int | None = None,
) -> int:
    """Allocate the conversation's next sequence number. With `statuses`, only while the
    conversation is in one of them (and, with `holder`, assigned to that agent); otherwise
    `NotOwner` and nothing changes."""
    statement = (
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(last_seq=Conversation.last_seq + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if statuses is not None:
        statement = statement.where(Conversation.status.in_(tuple(statuses)))
    if holder is not None:
        statement = statement.where(Conversation.assigned_agent_id == holder)
    result = await session.execute(statement)
    if result.rowcount != 1:
        raise NotOwner(conversation_id)
    seq = await session.scalar(
        select(Conversation.last_seq).where(Conversation.id == conversation_id)
    )
    return int(seq)


async def append(
    conversation_id: str,
    *,
    session: AsyncSession,
    channel: str,
    sender: str,
    text: str,
    kind: str = "message",
    direction: str = "out",
    payload: dict[str, Any] | None = None,
    status: str = "sent",
    agent_id: int | None = None,
    client_id: str | None = None,
    external_id: str | None = None,
    delivery: str | None = None,
    statuses: Iterable[str] | None = None,
    holder: int | None = None,
    at: datetime | None = None,
    in_reply_to: int | None = None,
    seq: int | None = None,
) -> Message:
    """Store one event with the next sequence number (see `next_seq` for `statuses`), or with
    `seq` when the caller has taken it already (`next_inbound_seq`)."""
    if seq is None:
        seq = await next_seq(conversation_id, session=session, statuses=statuses, holder=holder)
    message = Message(
        conversation_id=conversation_id,
        direction=direction,
        sender=sender,
        channel=channel,
        text=text,
        payload=payload,
        status=status,
        kind=kind,
        seq=seq,
        agent_id=agent_id,
        client_id=client_id,
        external_id=external_id,
        delivery=delivery,
        in_reply_to=in_reply_to,
        created_at=at or utcnow(),
    )
    session.add(message)
    await session.flush()
    return message


async def by_client_id(
    conversation_id: str, client_id: str, *, session: AsyncSession
) -> Message | None:
    """The buyer message stored earlier under this client message id, if any."""
    found: Message | None = await session.scalar(
        select(Message).where(
            Message.conversation_id == conversation_id, Message.client_id == client_id
        )
    )
    return found


async def after(
    conversation_id: str,
    seq: int,
    *,
    session: AsyncSession,
    kinds: Iterable[str] | None = None,
    limit: int = 500,
) -> list[tuple[Message, str | None]]:
    """Events with a sequence number above `seq`, oldest first, each with its agent's name."""
    statement = (
        select(Message, Agent.name)
        .outerjoin(Agent, Agent.id == Message.agent_id)
        .where(
            Message.conversation_id == conversation_id,
            Message.seq.is_not(None),
            Message.seq > seq,
        )
        .order_by(Message.seq)
        .limit(limit)
    )
    if kinds is not None:
        statement = statement.where(Message.kind.in_(tuple(kinds)))
    result = await session.execute(statement)
    return [(row[0], row[1]) for row in result.all()]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_dict(
    message: Message, agent_name: str | None = None, *, staff: bool = False
) -> dict[str, Any]:
    """The event as clients see it. `staff` adds what only the console may read."""
    payload = message.payload if isinstance(message.payload, dict) else {}
    data: dict[str, Any] = {
        "seq": message.seq,
        "kind": message.kind,
        "sender": message.sender,
        "text": message.text,
        "buttons": list(payload.get("buttons") or []),
        "created_at": _iso(message.created_at),
    }
    if message.sender == "agent" and agent_name:
        data["agent"] = agent_name
    if message.client_id:
        data["client_id"] = message.client_id
    if message.direction == "out":
        data["delivery"] = message.delivery
    if staff:
        data["status"] = message.status
        if message.delivery_error:
            data["delivery_error"] = message.delivery_error
        if payload.get("custom"):
            data["custom"] = payload["custom"]
    return data


async def set_delivery(
    message_ids: Iterable[int], delivery: str, *, session: AsyncSession, error: str | None = None
) -> None:
    """Record how far outbound messages got. `delivered` is never downgraded to `sent`."""
    ids = list(message_ids)
    if not ids:
        return
    statement = (
        update(Message)
        .where(Message.id.in_(ids))
        .values(delivery=delivery, delivery_error=error)
        .execution_options(synchronize_session=False)
    )
    if delivery == "sent":
        statement = statement.where(
            (Message.delivery.is_(None)) | (Message.delivery != "delivered")
        )
    await session.execute(statement)
