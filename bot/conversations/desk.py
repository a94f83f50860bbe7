"""The help desk: what agents, the buyer's "back to the assistant" button and the router do to
a conversation's ownership, with everything that must follow each change: the transition in
the database, Rasa's tracker paused or resumed, the buyer told on their channel, and a live
wake-up for every console and widget that follows the conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.conversations import events, ownership
from bot.conversations.bus import Bus
from bot.conversations.office_hours import OfficeHours
from bot.conversations.outbox import Outbox
from bot.conversations.rasa_client import RasaClient, RasaUnavailable
from bot.conversations.replies import Button, Reply
from bot.storage.models import Agent, Conversation, Message, utcnow
from bot.texts import text
from bot.tracking.numbers import find_numbers

log = logging.getLogger(__name__)

BACK_TO_BOT = "/back_to_bot"
# An agent counts as online while a console of theirs was seen this recently.
ONLINE_WINDOW = timedelta(minutes=2)


def back_button(lang: str = "en") -> Button:
    return Button(text("handoff.back_button", lang), BACK_TO_BOT)


class Desk:
    """Ownership changes with their side effects. One per process; stateless besides wiring."""

    def __init__(
        self,
        *,
        sessionmaker: sessionmaker,
        bus: Bus,
        rasa: RasaClient,
        outbox: Outbox,
        office_hours: OfficeHours | None = None,
        handoff_timeout: float = 600.0,
    ) -> None:
        self._sessionmaker = sessionmaker
        self.bus = bus
        self._rasa = rasa
        self._outbox = outbox
        self._hours = office_hours
        self.handoff_timeout = handoff_timeout

    # --- live wake-ups -------------------------------------------------------------------
    async def announce(self, conversation_id: str, seq: int, **extra: Any) -> None:
        """Tell every follower that the conversation has a new event `seq`."""
        await self.bus.publish(
            {"type": "event", "conversation_id": conversation_id, "seq": seq, **extra}
        )

    async def typing(self, conversation_id: str, who: str, on: bool, name: str = "") -> None:
        """Typing is live only (not stored): clients clear it on the next message or after a
        few seconds without a refresh, so it can never stick."""
        await self.bus.publish(
            {
                "type": "typing",
                "conversation_id": conversation_id,
                "who": who,
                "name": name,
                "on": on,
            }
        )

    # --- asked for a person --------------------------------------------------------------
    async def request_handoff(
        self, conversation_id: str, *, actor: str, reason: str | None, lang: str = "en"
    ) -> list[Reply]:
        """bot -> pending; pause the bot; return what to tell the buyer about the wait (empty
        when a person was already asked for)."""
        async with self._sessionmaker() as session, session.begin():
            moved = await ownership.request_handoff(
                conversation_id, session=session, actor=actor, reason=reason
            )
        if moved is None:
            return []
        log.info(
            "handoff requested conversation=%s by=%s reason=%s", conversation_id, actor, reason
        )
        await self.announce(conversation_id, moved.seq, status="pending")
        await self._pause(conversation_id)
        return [Reply(await self.queue_notice(lang), (back_button(lang),))]

    async def queue_notice(self, lang: str = "en", now: datetime | None = None) -> str:
        """Honest words about when a person will answer."""
        now = now or utcnow()
        if self._hours is not None and not self._hours.is_open(now):
            when = self._hours.describe_next(now, lang)
            return text("handoff.queued_offline", lang, when=when)
        if not await self.agents_online(now):
            return text("handoff.queued_nobody_online", lang)
        return text("handoff.queued_online", lang)

    async def agents_online(self, now: datetime | None = None) -> int:
        now = now or utcnow()
        async with self._sessionmaker() as session:
            count = await session.scalar(
                select(func.count(Agent.id)).where(
                    Agent.disabled.is_(False), Agent.last_seen_at >= now - ONLINE_WINDOW
                )
            )
        return int(count or 0)

    async def buyer_back_to_bot(self, conversation_id: str, lang: str = "en") -> list[Reply]:
        """The buyer pressed "back to the assistant" while waiting."""
        try:
            async with self._sessionmaker() as session, session.begin():
                moved = await ownership.hand_back(
                    conversation_id, session=session, actor="buyer", reason="buyer went back"
                )
        except ownership.TransitionRefused:
            return []
        await self.announce(conversation_id, moved.seq, status="bot")
        await self._resume(conversation_id)
        return [Reply(text("handoff.back_to_bot", lang))]

    # --- agents --------------------------------------------------------------------------
    async def claim(self, conversation_id: str, agent: Agent) -> ownership.Moved:
        """Take the conversation; raises TransitionRefused (naming the holder) when lost."""
        async with self._sessionmaker() as session, session.begin():
            moved = await ownership.claim(conversation_id, agent, session=session)
        await self.announce(conversation_id, moved.seq, status="open")
        await self._pause(conversation_id)
        await self._tell_buyer(conversation_id, text("handoff.agent_joined", name=agent.name))
        return moved

    async def reply(self, conversation_id: str, agent: Agent, body: str) -> Message:
        """An agent's message to the buyer: stored only while this agent holds the
        conversation (else NotOwner), then sent on the buyer's channel."""
        channel = conversation_id.split(":", 1)[0]
        async with self._sessionmaker() as session, session.begin():
            message = await events.append(
                conversation_id,
                session=session,
                channel=channel,
                sender="agent",
                text=body,
                agent_id=agent.id,
                delivery="queued",
                statuses=("open",),
                holder=agent.id,
            )
        await self.announce(conversation_id, int(message.seq))
        await self._rasa_note(conversation_id, body, agent.name)
        await self._outbox.deliver(conversation_id, [message])
        return message

    async def note(self, conversation_id: str, agent: Agent, body: str) -> Message:
        """An internal note: staff only, never sent to the buyer."""
        async with self._sessionmaker() as session, session.begin():
            if await session.get(Conversation, conversation_id) is None:
                raise ownership.TransitionRefused(conversation_id, None, None)
            message = await events.append(
                conversation_id,
                session=session,
                channel="console",
                sender="agent",
                text=body,
                kind="note",
                agent_id=agent.id,
            )
        await self.announce(conversation_id, int(message.seq))
        return message

    async def hand_back(self, conversation_id: str, agent: Agent) -> ownership.Moved:
        async with self._sessionmaker() as session, session.begin():
            moved = await ownership.hand_back(
                conversation_id, session=session, actor=f"agent:{agent.name}", agent=agent
            )
        await self.announce(conversation_id, moved.seq, status="bot")
        await self._resume(conversation_id)
        await self._tell_buyer(conversation_id, text("handoff.agent_left", name=agent.name))
        return moved

    async def resolve(self, conversation_id: str, agent: Agent) -> ownership.Moved:
        async with self._sessionmaker() as session, session.begin():
            moved = await ownership.resolve(conversation_id, agent, session=session)
        await self.announce(conversation_id, moved.seq, status="resolved")
        await self._resume(conversation_id)
        await self._tell_buyer(conversation_id, text("handoff.resolved", name=agent.name))
        return moved

    async def reopen(self, conversation_id: str, agent: Agent) -> ownership.Moved:
        async with self._sessionmaker() as session, session.begin():
            moved = await ownership.reopen(conversation_id, agent, session=session)
        await self.announce(conversation_id, moved.seq, status="open")
        await self._pause(conversation_id)
        return moved

    async def overdue(self, now: datetime | None = None) -> list[str]:
        """Pending conversations waiting longer than the handoff timeout."""
        limit = (now or utcnow()) - timedelta(seconds=self.handoff_timeout)
        async with self._sessionmaker() as session:
            rows = await session.scalars(
                select(Conversation.id).where(
                    Conversation.status == "pending", Conversation.pending_since < limit
                )
            )
            return list(rows)

    async def remind_overdue(self, now: datetime | None = None) -> list[str]:
        """Tell each buyer waiting past the timeout that they are still in line, with the way
        back to the assistant; at most once per timeout period. Returns who was reminded."""
        now = now or utcnow()
        reminded: list[str] = []
        for conversation_id in await self.overdue(now):
            async with self._sessionmaker() as session:
                last = await session.scalar(
                    select(func.max(Message.created_at)).where(
                        Message.conversation_id == conversation_id,
                        Message.sender == "system",
                        Message.kind == "message",
                    )
                )
                lang = await session.scalar(
                    select(Conversation.language).where(Conversation.id == conversation_id)
                )
            last = aware(last)
            if last is not None and now - last < timedelta(seconds=self.handoff_timeout):
                continue
            lang = lang or "en"
            await self._outbox.push(
                conversation_id,
                [Reply(text("handoff.still_waiting", lang), (back_button(lang),))],
                sender="system",
                at=now,
            )
            reminded.append(conversation_id)
        return reminded

    async def watch_overdue(self) -> None:
        """Background loop of the gateway: no pending conversation is forgotten."""
        import asyncio

        every = max(5.0, min(60.0, self.handoff_timeout / 2))
        while True:
            await asyncio.sleep(every)
            try:
                reminded = await self.remind_overdue()
                if reminded:
                    log.info("reminded %d overdue conversation(s)", len(reminded))
            except Exception:  # logged; the next round tries again
                log.exception("overdue sweep failed")

    # --- helpers ------------------------------------------------------------------------
    async def _tell_buyer(self, conversation_id: str, body: str) -> None:
        await self._outbox.push(conversation_id, [Reply(body)], sender="system")

    async def _pause(self, conversation_id: str) -> None:
        """Stop the bot answering; buyer messages still reach its tracker (Rasa's pause)."""
        await self._rasa_events(conversation_id, [{"event": "pause"}])

    async def _resume(self, conversation_id: str) -> None:
        """Let the bot answer again, knowing the parcel the buyer mentioned meanwhile."""
        tail: list[dict[str, Any]] = [{"event": "resume"}]
        number = await self._latest_number(conversation_id)
        if number:
            tail.append({"event": "slot", "name": "last_tracked", "value": number})
        await self._rasa_events(conversation_id, tail)

    async def _rasa_note(self, conversation_id: str, body: str, agent_name: str) -> None:
        """Keep the agent's words in the bot's tracker, so it knows what was said."""
        await self._rasa_events(
            conversation_id,
            [{"event": "bot", "text": body, "metadata": {"agent": agent_name}}],
        )

    async def _rasa_events(self, conversation_id: str, items: Sequence[dict[str, Any]]) -> None:
        try:
            await self._rasa.append_events(conversation_id, list(items))
        except RasaUnavailable as exc:
            # The gateway still routes by `status`, so the bot stays quiet either way.
            log.warning("could not update rasa tracker conversation=%s: %s", conversation_id, exc)

    async def _latest_number(self, conversation_id: str) -> str | None:
        """The last valid tracking number the buyer or an agent wrote."""
        async with self._sessionmaker() as session:
            texts = await session.scalars(
                select(Message.text)
                .where(
                    Message.conversation_id == conversation_id,
                    Message.kind == "message",
                    Message.sender.in_(("buyer", "agent")),
                )
                .order_by(Message.seq.desc())
                .limit(30)
            )
            for body in texts:
                found = [n for n in find_numbers(body or "") if getattr(n, "valid", False)]
                if found:
                    return str(found[-1].number)
        return None


def aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; they are UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value
