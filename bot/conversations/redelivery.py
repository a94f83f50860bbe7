"""Answers the messages the bot could not answer when they came: held while Rasa or its action
server was down, or left `received` by a gateway that crashed mid-message. In order per
conversation, once (an atomic claim per message, so two replicas never both answer), and
through the buyer's channel. A message held too long goes to a person instead.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from bot.conversations import buyers
from bot.conversations.outbox import Outbox
from bot.conversations.rasa_client import RasaClient
from bot.conversations.replies import Reply
from bot.conversations.router import Router
from bot.storage.models import Message, utcnow
from bot.texts import text

log = logging.getLogger(__name__)

# A `received` message older than this was stranded by a crash (a live turn takes seconds).
STRANDED_AFTER = timedelta(seconds=90)


class Redelivery:
    def __init__(
        self,
        *,
        sessionmaker: sessionmaker,
        router: Router,
        rasa: RasaClient,
        outbox: Outbox,
        give_up_after: timedelta = timedelta(minutes=10),
        interval: float = 2.0,
        stranded_after: timedelta = STRANDED_AFTER,
    ) -> None:
        self._stranded_after = stranded_after
        self._sessionmaker = sessionmaker
        self._router = router
        self._rasa = rasa
        self._outbox = outbox
        self._give_up_after = give_up_after
        self._interval = interval

    async def waiting(self, now: datetime | None = None) -> list[Message]:
        """Held and stranded buyer messages, oldest first."""
        now = now or utcnow()
        async with self._sessionmaker() as session:
            rows = await session.scalars(
                select(Message)
                .where(
                    Message.direction == "in",
                    (Message.status == "held")
                    | (
                        (Message.status == "received") & (Message.created_at < now - STRANDED_AFTER)
                    ),
                )
                .order_by(Message.id)
                .limit(200)
            )
            return list(rows)

    async def _claim(self, message: Message) -> bool:
        async with self._sessionmaker() as session, session.begin():
            result = await session.execute(
                update(Message)
                .where(Message.id == message.id, Message.status == message.status)
                .values(status="retrying")
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount) == 1

    async def run_once(self, now: datetime | None = None) -> int:
        """One pass; returns how many messages got an answer (or a person)."""
        now = now or utcnow()
        pending = await self.waiting(now)
        if not pending:
            return 0
        done = 0
        blocked: set[str] = set()  # a conversation whose oldest message failed again
        healthy = await self._rasa.healthy()
        for message in pending:
            conversation_id = message.conversation_id
            if conversation_id in blocked:
                continue
            created = message.created_at
            if created.tzinfo is None:
                from datetime import timezone

                created = created.replace(tzinfo=timezone.utc)
            if now - created > self._give_up_after:
                await self._give_up(message)
                done += 1
                continue
            if not healthy:
                continue
            if not await self._claim(message):
                continue  # another replica has it
            replies = await self._router.replay(message.id)
            async with self._sessionmaker() as session:
                status = (await session.get(Message, message.id)).status
            if status == "held":
                blocked.add(conversation_id)
                continue
            done += 1
            await self._deliver(conversation_id, replies)
        return done

    async def _deliver(self, conversation_id: str, replies: list[Reply]) -> None:
        """The replies are in the log (widget and API clients read them there); push them to
        channels that need a push (Telegram)."""
        if not replies:
            return
        async with self._sessionmaker() as session:
            rows = await session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation_id, Message.delivery == "queued")
                .order_by(Message.seq)
            )
            queued = list(rows)
        if queued:
            await self._outbox.deliver(conversation_id, queued)

    async def _give_up(self, message: Message) -> None:
        """Too long without the bot: a person takes it (the console shows why)."""
        async with self._sessionmaker() as session, session.begin():
            await session.execute(
                update(Message)
                .where(
                    Message.conversation_id == message.conversation_id,
                    Message.direction == "in",
                    Message.status.in_(("held", "received", "retrying")),
                )
                .values(status="failed", error="the bot was unavailable too long; sent to a person")
                .execution_options(synchronize_session=False)
            )
            lang = await buyers.language(message.conversation_id, session=session) or "en"
        desk = self._router.desk
        if desk is not None:
            await desk.request_handoff(
                message.conversation_id, actor="system", reason="bot unavailable", lang=lang
            )
        await self._outbox.push(
            message.conversation_id, [Reply(text("gateway.gave_up", lang))], sender="system"
        )
        log.error(
            "gave up on the bot for conversation=%s; handed to a person", message.conversation_id
        )

    async def run_forever(self) -> None:
        while True:
            try:
                await self.run_once()
            except SQLAlchemyError as exc:  # database locked or full: the next pass retries
                log.warning(
                    "redelivery pass skipped: database unavailable (%s)", type(exc).__name__
                )
            except Exception:  # logged; the next pass tries again
                log.exception("redelivery pass failed")
            await asyncio.sleep(self._interval)
