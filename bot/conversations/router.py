"""Routes each buyer message to the bot or to a human, and keeps the transcript.

Order of work for every message: store it, then process it, then store the replies. A failure
to process is logged with context and answered politely; the stored message is never lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import sessionmaker

from bot.conversations import transcript
from bot.conversations.rasa_client import RasaClient, RasaUnavailable
from bot.conversations.replies import Inbound, Reply
from bot.storage.models import Conversation, Handoff, utcnow
from bot.tracking.texts import text

log = logging.getLogger(__name__)

APOLOGY = text("gateway.unavailable")
EMPTY_TEXT = text("gateway.empty_message")

# Listeners get (conversation_id, role, text) for every stored message; the console and
# widget subscribe here.
Listener = Callable[[str, str, Reply | str], Awaitable[None]]

# A channel's "first delivery?" check, run in the transaction that stores the message.
Claim = Callable[[AsyncSession], Awaitable[bool]]


class AlreadyHandled(Exception):
    """The channel's claim failed: this delivery was handled before; nothing was stored."""


def merge_markers(replies: list[Reply]) -> list[Reply]:
    """Fold marker-only messages (custom data, no text, no buttons; e.g. the handoff marker)
    into the message before them, so no channel shows an empty bubble."""
    merged: list[Reply] = []
    for reply in replies:
        if not reply.text and not reply.buttons and reply.custom and merged:
            previous = merged[-1]
            merged[-1] = Reply(
                previous.text, previous.buttons, {**(previous.custom or {}), **reply.custom}
            )
        else:
            merged.append(reply)
    return merged


class Router:
    """Decides who answers a conversation and runs one message through it."""

    def __init__(self, *, sessionmaker: sessionmaker, rasa: RasaClient) -> None:
        self._sessionmaker = sessionmaker
        self._rasa = rasa
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._waiting: defaultdict[str, int] = defaultdict(int)
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def handle(self, inbound: Inbound, *, claim: Claim | None = None) -> list[Reply]:
        """Store the message, get the answer, store the answer. Messages of one conversation
        are processed one at a time, in arrival order.

        `claim` (optional) runs in the same transaction that stores the message, so a channel's
        de-duplication record and the message commit together or not at all. When it returns
        False nothing is stored and `AlreadyHandled` is raised."""
        key = inbound.conversation_id
        lock = self._locks[key]
        self._waiting[key] += 1
        try:
            async with lock:
                return await self._handle_locked(inbound, claim)
        finally:
            # Forget idle conversations so the lock table does not grow forever.
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                del self._waiting[key]
                self._locks.pop(key, None)

    async def _handle_locked(self, inbound: Inbound, claim: Claim | None = None) -> list[Reply]:
        async with self._sessionmaker() as session, session.begin():
            if claim is not None and not await claim(session):
                raise AlreadyHandled(inbound.external_id)
            message = await transcript.record_inbound(
                inbound.conversation_id,
                inbound.channel,
                inbound.text,
                session=session,
                external_id=inbound.external_id,
            )
            conversation = await session.get(Conversation, inbound.conversation_id)
            owner = conversation.owner if conversation else "bot"
            message_id = message.id
        await self._notify(inbound.conversation_id, "buyer", inbound.text)

        if owner == "human":
            # An agent answers from the console; the bot stays quiet.
            return []
        if not inbound.text.strip():
            return await self._store_replies(inbound, message_id, [Reply(EMPTY_TEXT)], "processed")

        try:
            raw = await self._rasa.send(
                inbound.conversation_id,
                inbound.text,
                {"channel": inbound.channel, **inbound.metadata},
            )
        except RasaUnavailable as exc:
            log.error(
                "rasa unavailable for conversation=%s message=%s: %s",
                inbound.conversation_id,
                message_id,
                exc,
            )
            return await self._store_replies(
                inbound, message_id, [Reply(APOLOGY)], "failed", error=str(exc)
            )
        replies = merge_markers([Reply.from_rasa(item) for item in raw])
        if not replies:
            log.warning("rasa returned no reply for conversation=%s", inbound.conversation_id)
        return await self._store_replies(inbound, message_id, replies, "processed")

    async def _store_replies(
        self,
        inbound: Inbound,
        message_id: int,
        replies: list[Reply],
        status: str,
        *,
        error: str | None = None,
    ) -> list[Reply]:
        async with self._sessionmaker() as session, session.begin():
            await transcript.set_message_status(message_id, status, session=session, error=error)
            for reply in replies:
                await transcript.record_outbound(
                    inbound.conversation_id,
                    inbound.channel,
                    reply.text,
                    session=session,
                    payload=reply.to_dict() if (reply.buttons or reply.custom) else None,
                )
                if reply.custom and "handoff" in reply.custom:
                    await self._request_handoff(inbound.conversation_id, reply, session=session)
        for reply in replies:
            await self._notify(inbound.conversation_id, "bot", reply)
        return replies

    async def _request_handoff(self, conversation_id: str, reply: Reply, *, session) -> None:
        """Open a handoff request unless one is already open for this conversation."""
        open_request = await session.execute(
            select(Handoff.id).where(
                Handoff.conversation_id == conversation_id, Handoff.closed_at.is_(None)
            )
        )
        if open_request.first() is not None:
            return
        marker = (reply.custom or {}).get("handoff") or {}
        reason = marker.get("reason") if isinstance(marker, dict) else None
        session.add(Handoff(conversation_id=conversation_id, reason=reason, requested_at=utcnow()))
        log.info("handoff requested conversation=%s reason=%s", conversation_id, reason)

    async def _notify(self, conversation_id: str, role: str, content: Reply | str) -> None:
        for listener in self._listeners:
            try:
                await listener(conversation_id, role, content)
            except Exception:  # a broken listener must not break the buyer's conversation
                log.exception("listener failed for conversation=%s", conversation_id)
