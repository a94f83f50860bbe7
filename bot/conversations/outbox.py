"""Pushes messages the buyer did not just ask for (notifier, agents) out through the channel
the conversation lives on. Channels register a sender for their conversation-id prefix."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.orm import sessionmaker

from bot.conversations import transcript
from bot.conversations.replies import Reply

log = logging.getLogger(__name__)

Sender = Callable[[str, Sequence[Reply]], Awaitable[bool]]


class Outbox:
    """Stores every pushed message in the transcript, then hands it to the channel's sender."""

    def __init__(self, *, sessionmaker: sessionmaker) -> None:
        self._sessionmaker = sessionmaker
        self._senders: dict[str, Sender] = {}

    def register(self, channel: str, sender: Sender) -> None:
        """`sender(conversation_id, replies)` delivers to conversations `"<channel>:..."`."""
        self._senders[channel] = sender

    async def push(
        self, conversation_id: str, replies: Sequence[Reply], *, sender: str = "bot"
    ) -> bool:
        """Store, then deliver. True when a live channel took the messages; False when they
        are only stored (buyer offline, channel not running, or the buyer blocked us)."""
        channel = conversation_id.split(":", 1)[0]
        async with self._sessionmaker() as session, session.begin():
            for reply in replies:
                await transcript.record_outbound(
                    conversation_id,
                    channel,
                    reply.text,
                    session=session,
                    sender=sender,
                    payload=reply.to_dict() if (reply.buttons or reply.custom) else None,
                )
        deliver = self._senders.get(channel)
        if deliver is None:
            log.info("no live %s channel for %s; message stored only", channel, conversation_id)
            return False
        return await deliver(conversation_id, replies)
