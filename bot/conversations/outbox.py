"""Pushes messages the buyer did not just ask for (notifier, agents, handoff notices) out
through the channel the conversation lives on. Channels register a sender for their
conversation-id prefix; every pushed message is stored in the event log first, with its
delivery state (`queued`, then `sent` or `failed` with the reason)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from bot.conversations import events
from bot.conversations.bus import Bus, MemoryBus
from bot.conversations.replies import Reply
from bot.storage.models import Message

log = logging.getLogger(__name__)


class Undelivered:
    """What a sender returns when the channel did not take the messages, with the reason the
    agent is shown (e.g. "the buyer blocked the bot"). Falsy, like `False`."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"Undelivered({self.reason!r})"


# `sender(conversation_id, replies)`: True when the channel accepted every message; False or
# `Undelivered(reason)` when it did not. It should not raise for a buyer it cannot reach.
Sender = Callable[[str, Sequence[Reply]], Awaitable[bool | Undelivered]]


def reply_of(message: Message) -> Reply:
    """The stored message as a channel-neutral reply."""
    payload = message.payload if isinstance(message.payload, dict) else {}
    data = {
        "text": message.text,
        "buttons": payload.get("buttons") or [],
        "custom": payload.get("custom"),
    }
    return Reply.from_rasa(data)


class Outbox:
    """Stores every pushed message in the transcript, then hands it to the channel's sender."""

    def __init__(self, *, sessionmaker: sessionmaker, bus: Bus | None = None) -> None:
        self._sessionmaker = sessionmaker
        self._bus = bus or MemoryBus()
        self._senders: dict[str, Sender] = {}

    def register(self, channel: str, sender: Sender) -> None:
        """`sender(conversation_id, replies)` delivers to conversations `"<channel>:..."`."""
        self._senders[channel] = sender

    async def push(
        self,
        conversation_id: str,
        replies: Sequence[Reply],
        *,
        sender: str = "bot",
        at: datetime | None = None,
    ) -> bool:
        """Store, then deliver. True when a live channel took the messages; False when they
        are only stored (buyer offline, channel not running, or the buyer blocked us)."""
        channel = conversation_id.split(":", 1)[0]
        stored: list[Message] = []
        async with self._sessionmaker() as session, session.begin():
            await events.ensure_conversation(conversation_id, channel, session=session)
            for reply in replies:
                stored.append(
                    await events.append(
                        conversation_id,
                        session=session,
                        channel=channel,
                        sender=sender,
                        text=reply.text,
                        payload=reply.to_dict() if (reply.buttons or reply.custom) else None,
                        delivery="queued",
                        at=at,
                    )
                )
        for message in stored:
            await self._bus.publish(
                {"type": "event", "conversation_id": conversation_id, "seq": message.seq}
            )
        return await self.deliver(conversation_id, stored)

    async def deliver(self, conversation_id: str, messages: Sequence[Message]) -> bool:
        """Send already stored messages on the conversation's channel and record the result.
        Channels without a pusher (web widget, HTTP API) pick them up from the event log."""
        channel = conversation_id.split(":", 1)[0]
        deliver = self._senders.get(channel)
        if deliver is None:
            log.info("no live %s sender for %s; message waits in the log", channel, conversation_id)
            return False
        ids = [m.id for m in messages]
        try:
            delivered = await deliver(conversation_id, [reply_of(m) for m in messages])
        except Exception as exc:  # logged and recorded; the message stays in the log
            log.exception("delivery failed conversation=%s", conversation_id)
            await self._record(ids, "failed", f"{type(exc).__name__}")
            await self._announce_delivery(conversation_id, messages)
            return False
        if delivered:
            await self._record(ids, "sent")
        elif isinstance(delivered, Undelivered):
            await self._record(ids, "failed", delivered.reason)
        elif channel == "telegram":
            await self._record(ids, "failed", "not delivered (blocked, or Telegram unreachable)")
        await self._announce_delivery(conversation_id, messages)
        return bool(delivered)

    async def _announce_delivery(self, conversation_id: str, messages: Sequence[Message]) -> None:
        """Wake consoles so an agent sees "sent" / "failed" without reopening."""
        for message in messages:
            await self._bus.publish(
                {"type": "delivery", "conversation_id": conversation_id, "seq": message.seq}
            )

    async def _record(self, ids: list[int], state: str, error: str | None = None) -> None:
        async with self._sessionmaker() as session, session.begin():
            await events.set_delivery(ids, state, session=session, error=error)
