"""Routes each buyer message to the bot or to a human, and keeps the transcript.

Order of work for every message: store it, then process it, then store the replies. A failure
to process is logged with context and answered politely; the stored message is never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import sessionmaker

from bot.conversations import events, payloads, transcript
from bot.conversations.bus import Bus, MemoryBus
from bot.conversations.language import LanguagePolicy
from bot.conversations.language_notice import choose_language
from bot.conversations.late_answers import MESSAGE_ID_KEY, answer_in_tracker
from bot.conversations.rasa_client import RasaClient, RasaUnavailable
from bot.conversations.replies import Inbound, Reply, clean_text, merge_markers
from bot.conversations.turn_errors import AlreadyHandled, NotStored
from bot.conversations.turn_locks import TurnLocks
from bot.storage.models import Conversation, Message, utcnow
from bot.texts import text

if TYPE_CHECKING:
    from bot.conversations.desk import Desk

log = logging.getLogger(__name__)

APOLOGY = text("gateway.held")
EMPTY_TEXT = text("gateway.empty_message")

# Listeners get (conversation_id, role, text) for every stored message; the console and
# widget subscribe here.
Listener = Callable[[str, str, Reply | str], Awaitable[None]]

# A channel's "first delivery?" check, run in the transaction that stores the message.
Claim = Callable[[AsyncSession], Awaitable[bool]]


@dataclass(frozen=True)
class Stored:
    """A buyer message just stored, and what its turn needs, read in that same transaction."""

    message_id: int
    seq: int
    context: transcript.TurnContext


# While a person is asked for, a buyer message gets the "still waiting" notice at most this often.
WAITING_NOTICE_EVERY = timedelta(minutes=5)


class Router:
    """Decides who answers a conversation and runs one message through it."""

    def __init__(
        self,
        *,
        sessionmaker: sessionmaker,
        rasa: RasaClient,
        bus: Bus | None = None,
        desk: Desk | None = None,
        languages: LanguagePolicy | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._languages = languages or LanguagePolicy()
        self._rasa = rasa
        self._bus = bus or MemoryBus()
        self.desk = desk
        self._turns = TurnLocks()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def handle(self, inbound: Inbound, *, claim: Claim | None = None) -> list[Reply]:
        """Store the message, get the answer, store the answer. Messages of one conversation
        are processed one at a time, in arrival order.

        `claim` (optional) runs in the same transaction that stores the message, so a channel's
        de-duplication record and the message commit together or not at all. When it returns
        False nothing is stored and `AlreadyHandled` is raised; so is a repeated
        `inbound.client_id`."""
        async with self._turns.turn(inbound.conversation_id):
            return await self._handle_locked(inbound, claim)

    async def _handle_locked(self, inbound: Inbound, claim: Claim | None = None) -> list[Reply]:
        inbound = replace(inbound, text=clean_text(inbound.text))
        try:
            stored = await self._store_inbound(inbound, claim)
        except SQLAlchemyError as exc:
            log.error(
                "could not store a message for conversation=%s: %s",
                inbound.conversation_id,
                type(exc).__name__,
            )
            raise NotStored(inbound.conversation_id) from exc
        try:
            return await self._process(inbound, stored)
        except SQLAlchemyError as exc:
            # The message is stored (`received`); the redelivery loop answers it once the
            # database works again. Say so rather than fail the request.
            log.error(
                "database failed after storing message=%s conversation=%s: %s",
                stored.message_id,
                inbound.conversation_id,
                type(exc).__name__,
            )
            return [Reply(APOLOGY)]

    async def _process(self, inbound: Inbound, stored: Stored) -> list[Reply]:
        message_id, status, lang = stored.message_id, stored.context.status, stored.context.language
        await self._announce(inbound.conversation_id, stored.seq)
        await self._notify(inbound.conversation_id, "buyer", inbound.text)

        if status in ("pending", "open"):
            return await self._human_side(inbound, message_id, status, lang)
        if not inbound.text.strip():
            return await self._store_replies(inbound, message_id, [Reply(EMPTY_TEXT)], "processed")
        if stored.context.held_before:
            # Earlier messages wait for the bot to come back: keep the order, answer later.
            await self._mark(message_id, "held", "queued behind held messages")
            return []
        lang, notice = await choose_language(
            self._sessionmaker,
            self._languages,
            inbound,
            current=lang,
            earlier=stored.context.earlier,
            chosen=stored.context.language_chosen,
        )
        if notice and not any(ch.isdigit() for ch in inbound.text):
            # A language request (or a language we do not offer) with nothing else to answer.
            return await self._store_replies(inbound, message_id, notice, "processed")
        replies = await self._ask_bot(inbound, message_id, lang)
        return notice + replies if notice else replies

    async def _store_inbound(self, inbound: Inbound, claim: Claim | None) -> Stored:
        """Store the buyer's message first of all, and read in the same transaction what the
        turn needs to know about the conversation."""
        async with events.transaction(self._sessionmaker, orm=claim is not None) as session:
            if claim is not None:
                assert isinstance(session, AsyncSession)
                if not await claim(session):
                    raise AlreadyHandled(inbound.external_id)
            if inbound.client_id:
                earlier = await events.seq_of_client_id(
                    inbound.conversation_id, inbound.client_id, session=session
                )
                if earlier is not None:
                    raise AlreadyHandled(inbound.client_id, earlier)
            message = await transcript.record_inbound(
                inbound.conversation_id,
                inbound.channel,
                inbound.text,
                session=session,
                external_id=inbound.external_id,
                client_id=inbound.client_id,
            )
            context = await transcript.turn_context(
                inbound.conversation_id, before=message.id, session=session
            )
            return Stored(message.id, int(message.seq), context)

    async def _ask_bot(
        self, inbound: Inbound, message_id: int, lang: str, *, replay: bool = False
    ) -> list[Reply]:
        """Send the stored message to Rasa and store its answer. When Rasa is down or answers
        nothing (its action server is down), the message is held and the buyer told once;
        the redelivery loop answers it when the bot is back."""
        # Typed "/intent{...}" is text; only offered buttons and channel commands are intents.
        offered: set[str] = set()
        if payloads.may_be_payload(inbound.text):  # other text goes to Rasa as it is
            async with self._sessionmaker() as session:
                offered = await payloads.offered_payloads(inbound.conversation_id, session=session)
        metadata = {
            "channel": inbound.channel,
            **inbound.metadata,
            MESSAGE_ID_KEY: message_id,
            # Rasa's responses (bot/nlg.py) and the actions answer in this language.
            "language": lang,
        }
        try:
            raw = None
            if replay:
                raw = await self._answer_already_given(inbound.conversation_id, message_id)
            if raw is None:
                raw = await self._rasa.send(
                    inbound.conversation_id,
                    payloads.rasa_text(inbound.text, inbound.channel, offered),
                    metadata,
                )
        except RasaUnavailable as exc:
            log.error(
                "rasa unavailable for conversation=%s message=%s: %s",
                inbound.conversation_id,
                message_id,
                exc,
            )
            return await self._hold(inbound, message_id, str(exc), lang, replay=replay)
        replies = merge_markers([Reply.from_rasa(item) for item in raw])
        if not replies:
            log.error(
                "rasa returned no reply for conversation=%s message=%s (action server down?)",
                inbound.conversation_id,
                message_id,
            )
            return await self._hold(inbound, message_id, "empty answer", lang, replay=replay)
        stored = await self._store_replies(inbound, message_id, replies, "processed", queued=replay)
        marker = next(
            (r.custom["handoff"] for r in stored if r.custom and "handoff" in r.custom), None
        )
        if marker is not None and self.desk is not None:
            reason = marker.get("reason") if isinstance(marker, dict) else None
            notice = await self.desk.request_handoff(
                inbound.conversation_id, actor="buyer", reason=reason, lang=lang
            )
            if notice:
                stored += await self._store_replies(
                    inbound,
                    None,
                    notice,
                    "processed",
                    sender="system",
                    bot_only=False,
                    queued=replay,
                    reply_to=message_id,
                )
        return stored

    async def _hold(
        self, inbound: Inbound, message_id: int, error: str, lang: str, *, replay: bool
    ) -> list[Reply]:
        """Keep the message for a later answer; tell the buyer honestly, once per outage."""
        if replay:
            await self._mark(message_id, "held", error)
            return []
        already_told = await self._has_held(inbound.conversation_id, before=message_id)
        notice = [] if already_told else [Reply(text("gateway.held", lang))]
        return await self._store_replies(
            inbound, message_id, notice, "held", error=error, sender="system", bot_only=False
        )

    async def _has_held(self, conversation_id: str, *, before: int) -> bool:
        async with self._sessionmaker() as session:
            return await transcript.has_held(conversation_id, before=before, session=session)

    async def _mark(self, message_id: int, status: str, error: str | None = None) -> None:
        async with events.transaction(self._sessionmaker) as session:
            await transcript.set_message_status(message_id, status, session=session, error=error)

    async def _answer_already_given(
        self, conversation_id: str, message_id: int
    ) -> list[dict[str, Any]] | None:
        """If Rasa processed this message before (e.g. it answered after the gateway gave up
        waiting), the answer it gave, so the buyer gets that answer once and the bot's memory
        and the transcript agree. None when Rasa never saw the message or answered nothing."""
        return answer_in_tracker(await self._rasa.tracker_events(conversation_id), message_id)

    async def replay(self, message_id: int) -> list[Reply]:
        """Answer a held (or crash-stranded) buyer message now, in its conversation's order.
        The replies are stored `queued` and pushed through the buyer's channel by the caller."""
        async with self._sessionmaker() as session:
            message = await session.get(Message, message_id)
            conversation = (
                await session.get(Conversation, message.conversation_id) if message else None
            )
        if message is None or conversation is None:
            return []
        inbound = Inbound(
            channel=message.channel,
            conversation_id=message.conversation_id,
            text=message.text,
            external_id=message.external_id,
        )
        async with self._turns.turn(message.conversation_id):
            if conversation.status in ("pending", "open"):
                await self._mark(message_id, "human", "held until a person took over")
                return []
            return await self._ask_bot(inbound, message_id, conversation.language, replay=True)

    async def _human_side(
        self, inbound: Inbound, message_id: int, status: str, lang: str
    ) -> list[Reply]:
        """A person is asked for or answering: the bot stays quiet, but its tracker still
        hears the message (Rasa is paused), so it knows what was said when it takes over."""
        if status == "pending" and inbound.text.strip() == _back_payload() and self.desk:
            replies = await self.desk.buyer_back_to_bot(inbound.conversation_id, lang)
            return await self._store_replies(
                inbound, message_id, replies, "processed", sender="system", bot_only=False
            )
        try:
            await self._rasa.send(
                inbound.conversation_id,
                inbound.text,
                {"channel": inbound.channel, **inbound.metadata},
            )
        except RasaUnavailable as exc:
            log.warning(
                "rasa did not record a message for conversation=%s: %s",
                inbound.conversation_id,
                exc,
            )
        replies = []
        if status == "pending" and await self._waiting_notice_due(inbound.conversation_id):
            from bot.conversations.desk import back_button

            replies = [Reply(text("handoff.still_waiting", lang), (back_button(lang),))]
        return await self._store_replies(
            inbound, message_id, replies, "human", sender="system", bot_only=False
        )

    async def _waiting_notice_due(self, conversation_id: str) -> bool:
        async with self._sessionmaker() as session:
            last = await transcript.last_notice_at(conversation_id, session=session)
        return last is None or utcnow() - last > WAITING_NOTICE_EVERY

    async def _store_replies(
        self,
        inbound: Inbound,
        message_id: int | None,
        replies: list[Reply],
        status: str,
        *,
        error: str | None = None,
        sender: str = "bot",
        bot_only: bool = True,
        queued: bool = False,
        reply_to: int | None = None,
    ) -> list[Reply]:
        """Store the replies and mark the buyer's message. Bot replies are stored only while
        the bot still owns the conversation: an agent's claim that landed while Rasa was
        thinking wins, and the late reply is dropped (logged), never sent."""
        kept: list[Reply] = []
        seqs: list[int] = []
        async with events.transaction(self._sessionmaker) as session:
            if message_id is not None and status == "processed":
                # One answer per message, even if a late duplicate (a redelivery racing a
                # slow first try) comes here too: the second finds it answered and stops.
                if not await transcript.mark_answered(message_id, session=session):
                    log.warning("message=%s was answered already; reply dropped", message_id)
                    return []
            elif message_id is not None:
                await transcript.set_message_status(
                    message_id, status, session=session, error=error
                )
            for reply in replies:
                try:
                    stored = await events.append(
                        inbound.conversation_id,
                        session=session,
                        channel=inbound.channel,
                        sender=sender,
                        text=reply.text,
                        payload=reply.to_dict() if (reply.buttons or reply.custom) else None,
                        delivery="queued" if queued else "sent",
                        statuses=events.BOT_STATUSES if bot_only else None,
                        in_reply_to=message_id if message_id is not None else reply_to,
                    )
                except events.NotOwner:
                    log.info(
                        "bot reply dropped: a person owns conversation=%s now",
                        inbound.conversation_id,
                    )
                    continue
                kept.append(reply)
                seqs.append(int(stored.seq))
        for seq in seqs:
            await self._announce(inbound.conversation_id, seq)
        for reply in kept:
            await self._notify(inbound.conversation_id, sender, reply)
        return kept

    async def _announce(self, conversation_id: str, seq: int) -> None:
        await self._bus.publish({"type": "event", "conversation_id": conversation_id, "seq": seq})

    async def _notify(self, conversation_id: str, role: str, content: Reply | str) -> None:
        for listener in self._listeners:
            try:
                await listener(conversation_id, role, content)
            except Exception:  # a broken listener must not break the buyer's conversation
                log.exception("listener failed for conversation=%s", conversation_id)


def _back_payload() -> str:
    from bot.conversations.desk import BACK_TO_BOT

    return BACK_TO_BOT
