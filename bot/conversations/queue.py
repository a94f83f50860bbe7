"""What the staff console lists: conversations by status with their waiting time, last
message and tracking numbers, plus the facts the parcel panel starts from. Read-only SQL, kept
here so the console never touches `bot.storage`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Agent, Conversation, Message, utcnow
from bot.tracking.numbers import find_numbers

# Filters the console offers; "active" (the default queue) is pending first, then open.
FILTERS = ("pending", "open", "mine", "resolved", "bot", "active")
LIST_LIMIT = 200


@dataclass
class Row:
    """One conversation as the queue shows it."""

    id: str
    channel: str
    status: str
    agent: str | None
    language: str
    waiting_since: datetime | None
    pending_since: datetime | None
    updated_at: datetime | None
    last_seq: int
    last_message: dict[str, Any] | None = None
    numbers: list[str] = field(default_factory=list)

    def overdue(self, timeout_seconds: float, now: datetime | None = None) -> bool:
        """Pending for longer than the handoff timeout: flagged in the console."""
        since = aware(self.pending_since)
        if self.status != "pending" or since is None:
            return False
        return (now or utcnow()) - since > timedelta(seconds=timeout_seconds)

    def to_dict(self, timeout_seconds: float, now: datetime | None = None) -> dict[str, Any]:
        return {
            "id": self.id,
            "channel": self.channel,
            "status": self.status,
            "agent": self.agent,
            "waiting_since": _iso(self.waiting_since),
            "last_message": self.last_message,
            "language": self.language,
            "numbers": self.numbers,
            "overdue": self.overdue(timeout_seconds, now),
            "last_seq": self.last_seq,
            "updated_at": _iso(self.updated_at),
        }


def aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; they are UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _iso(value: datetime | None) -> str | None:
    value = aware(value)
    return value.isoformat() if value is not None else None


async def listing(
    status: str, *, session: AsyncSession, agent_id: int | None = None, limit: int = LIST_LIMIT
) -> list[Row]:
    """Conversations for one console filter. Pending ones come first, oldest first (the
    longest wait at the top); the others most recently active first."""
    if status not in FILTERS:
        raise ValueError(f"status is one of {', '.join(FILTERS)}")
    query = select(Conversation, Agent.name).outerjoin(
        Agent, Agent.id == Conversation.assigned_agent_id
    )
    if status == "mine":
        query = query.where(
            Conversation.status == "open", Conversation.assigned_agent_id == agent_id
        )
    elif status == "active":
        query = query.where(Conversation.status.in_(("pending", "open")))
    else:
        query = query.where(Conversation.status == status)
    pending_first = (Conversation.status != "pending").asc()
    query = query.order_by(
        pending_first, Conversation.pending_since.asc(), Conversation.updated_at.desc()
    ).limit(limit)
    result = await session.execute(query)
    rows = [
        Row(
            id=c.id,
            channel=c.channel,
            status=c.status,
            agent=name,
            language=c.language or "en",
            waiting_since=c.pending_since,
            pending_since=c.pending_since,
            updated_at=c.updated_at,
            last_seq=int(c.last_seq or 0),
        )
        for c, name in result.all()
    ]
    await _fill(rows, session=session)
    return rows


async def one(conversation_id: str, *, session: AsyncSession) -> Row | None:
    """One conversation's queue row (None when it does not exist)."""
    result = (
        await session.execute(
            select(Conversation, Agent.name)
            .outerjoin(Agent, Agent.id == Conversation.assigned_agent_id)
            .where(Conversation.id == conversation_id)
        )
    ).first()
    if result is None:
        return None
    c, name = result
    row = Row(
        id=c.id,
        channel=c.channel,
        status=c.status,
        agent=name,
        language=c.language or "en",
        waiting_since=c.pending_since,
        pending_since=c.pending_since,
        updated_at=c.updated_at,
        last_seq=int(c.last_seq or 0),
    )
    await _fill([row], session=session)
    return row


async def _fill(rows: Sequence[Row], *, session: AsyncSession) -> None:
    """Add each row's last message, numbers, and (for open conversations whose buyer wrote
    last) the time the buyer has been waiting since."""
    if not rows:
        return
    ids = [r.id for r in rows]
    latest = (
        select(Message.conversation_id, func.max(Message.seq).label("seq"))
        .where(Message.conversation_id.in_(ids), Message.kind == "message")
        .group_by(Message.conversation_id)
        .subquery()
    )
    last = await session.execute(
        select(Message).join(
            latest,
            and_(Message.conversation_id == latest.c.conversation_id, Message.seq == latest.c.seq),
        )
    )
    by_id = {r.id: r for r in rows}
    for message in last.scalars():
        row = by_id[message.conversation_id]
        row.last_message = {
            "seq": message.seq,
            "sender": message.sender,
            "text": message.text,
            "created_at": _iso(message.created_at),
        }
        if row.status == "open" and message.sender == "buyer":
            row.waiting_since = message.created_at
    texts = await session.execute(
        select(Message.conversation_id, Message.text)
        .where(
            Message.conversation_id.in_(ids),
            Message.kind == "message",
            Message.sender.in_(("buyer", "agent")),
        )
        .order_by(Message.conversation_id, Message.seq)
    )
    for conversation_id, body in texts.all():
        row = by_id[conversation_id]
        for number in numbers_in(body or ""):
            if number not in row.numbers:
                row.numbers.append(number)


def numbers_in(body: str) -> list[str]:
    """Valid tracking numbers written in a message, in order."""
    return [str(m.number) for m in find_numbers(body) if getattr(m, "valid", False)]


async def conversation_numbers(conversation_id: str, *, session: AsyncSession) -> list[str]:
    """Every valid tracking number the buyer or an agent wrote, first mention first, plus the
    one the bot tracked last."""
    row = await one(conversation_id, session=session)
    if row is None:
        return []
    numbers = list(row.numbers)
    tracked = await session.scalar(
        select(Conversation.last_tracking_number).where(Conversation.id == conversation_id)
    )
    if tracked and tracked not in numbers:
        numbers.append(tracked)
    return numbers


async def bot_said(
    conversation_id: str, *, session: AsyncSession, limit: int = 20
) -> list[dict[str, Any]]:
    """The bot's own messages to the buyer, newest last: what the buyer was already told."""
    result = await session.execute(
        select(Message)
        .where(
            Message.conversation_id == conversation_id,
            Message.kind == "message",
            Message.sender == "bot",
        )
        .order_by(Message.seq.desc())
        .limit(limit)
    )
    said = [
        {"seq": m.seq, "text": m.text, "created_at": _iso(m.created_at)} for m in result.scalars()
    ]
    return list(reversed(said))


async def delivery_of(
    conversation_id: str, seq: int, *, session: AsyncSession
) -> tuple[str | None, str | None]:
    """(delivery, delivery_error) of one outbound event."""
    row = (
        await session.execute(
            select(Message.delivery, Message.delivery_error).where(
                Message.conversation_id == conversation_id, Message.seq == seq
            )
        )
    ).first()
    return (row[0], row[1]) if row else (None, None)
