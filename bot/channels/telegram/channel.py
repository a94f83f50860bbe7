"""The Telegram bot of one gateway process (python-telegram-bot 22): commands, inline buttons,
typing indicator, webhook or long polling, and `send()` for messages the buyer did not just ask
for (agent replies, desk notices, parcel updates) through the Outbox.

Every update is claimed by `update_id` (bot.conversations.dedupe), so a webhook retry or a
re-delivered poll is answered once. A message for the bot is claimed in the same transaction
in which the router stores it: the claim and the stored message exist together or not at all.
Updates of one chat run in arrival order (`ChatOrderedProcessor`). Who answers (bot or a
person) is the router's decision; this module never reads or writes storage itself.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import sessionmaker
from telegram import (
    Update,
)
from telegram.constants import ChatAction, ChatType
from telegram.error import (
    Forbidden,
    TelegramError,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram import commands
from bot.channels.telegram.format import digest_of, find_payload
from bot.channels.telegram.send import Outcome, Sender, Sent
from bot.channels.telegram.typing_indicator import typing_while
from bot.channels.telegram.updates import (
    CHANNEL,
    ChatOrderedProcessor,
    addressed_text,
    conversation_id_for,
    reply_target,
)
from bot.config import Settings
from bot.conversations import buyers, dedupe, ownership
from bot.conversations.outbox import Undelivered
from bot.conversations.replies import Inbound, Reply
from bot.conversations.router import Router
from bot.conversations.turn_errors import AlreadyHandled
from bot.texts import DEFAULT_LANG, normalise
from bot.texts import text as catalogue_text

__all__ = ["ChannelServices", "TelegramChannel"]

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
TYPING_EVERY = 4.0  # Telegram shows a chat action for about 5 s
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ChannelServices(Protocol):
    """What the channel uses of the gateway's services (bot.app.Services has them). Declared
    here so the channel does not import the composition root that imports it."""

    sessionmaker: sessionmaker
    router: Router


class TelegramChannel:
    """The Telegram bot of one gateway process. `start()`/`stop()` follow the app's lifespan."""

    def __init__(self, settings: Settings, services: ChannelServices) -> None:
        self._settings = settings
        self._services = services
        self._application: Application | None = None
        self._sender: Sender | None = None
        self.retry_base_delay = 0.5  # seconds; doubled per network-error retry

    @property
    def webhook_mode(self) -> bool:
        return bool(self._settings.telegram_webhook_url)

    @property
    def application(self) -> Application:
        if self._application is None:
            raise RuntimeError("the Telegram channel has not been started")
        return self._application

    # ---- lifecycle -------------------------------------------------------------------------

    def _build(self) -> Application:
        builder = (
            Application.builder()
            .token(self._settings.telegram_token)
            .concurrent_updates(ChatOrderedProcessor())
        )
        if self._settings.telegram_api_url:
            builder = builder.base_url(self._settings.telegram_api_url)
        if self.webhook_mode:
            builder = builder.updater(None)
        application = builder.build()
        application.add_handler(CommandHandler("start", self._on_start))
        application.add_handler(CommandHandler("track", self._on_track))
        application.add_handler(CommandHandler("help", self._on_help))
        application.add_handler(CommandHandler("language", self._on_language))
        application.add_handler(
            CommandHandler(list(commands.INTENT_COMMANDS), self._on_intent_command)
        )
        application.add_handler(CallbackQueryHandler(self._on_button))
        application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, self._on_unknown_command)
        )
        application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, self._on_message)
        )
        application.add_error_handler(self._on_error)
        return application

    async def start(self) -> None:
        """Connect to the Bot API, register the command menu, then receive updates: by webhook
        (registered with the secret) or by long polling."""
        if self.webhook_mode and not _SECRET.match(self._settings.telegram_secret):
            raise ValueError(
                "PARCELDESK_TELEGRAM_SECRET must be set to 1-256 characters of A-Z a-z 0-9 _ - "
                "when PARCELDESK_TELEGRAM_WEBHOOK_URL is set"
            )
        application = self._build()
        self._application = application
        sender = Sender(
            application.bot, self._services.sessionmaker, retry_base_delay=self.retry_base_delay
        )
        await application.initialize()
        bot = application.bot
        for language_code, menu in commands.menus():
            await sender.call_with_retry(
                functools.partial(bot.set_my_commands, menu, language_code=language_code)
            )
        if self.webhook_mode:
            await sender.call_with_retry(
                lambda: bot.set_webhook(
                    url=self._settings.telegram_webhook_url,
                    secret_token=self._settings.telegram_secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
            )
        # From here on `send()` works: the bot is connected and handlers may answer.
        self._sender = sender
        await application.start()
        if not self.webhook_mode:
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        log.info(
            "telegram bot @%s receiving by %s",
            bot.username,
            "webhook" if self.webhook_mode else "long polling",
        )

    async def stop(self) -> None:
        """Stop receiving, finish the updates already accepted, close the connections."""
        application = self._application
        if application is None:
            return
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        # Handlers have finished; sends from now on are refused instead of hitting a closed
        # connection.
        self._sender = None
        await application.shutdown()

    # ---- receiving -------------------------------------------------------------------------

    async def accept(self, data: dict[str, Any]) -> None:
        """Queue one update received by webhook; it is handled in the background."""
        application = self.application
        update = Update.de_json(data, application.bot)
        await application.update_queue.put(update)

    async def _claim_alone(self, update: Update) -> bool:
        """Claim an update the channel answers by itself (nothing is stored for it). True for
        the first delivery; False (and logged) for a repeat."""
        first = await dedupe.claim_alone(self._services.sessionmaker, CHANNEL, update.update_id)
        if not first:
            log.info("telegram update %s already handled; skipping", update.update_id)
        return first

    async def _on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._turn(update, commands.start_text(list(context.args or ())))

    async def _on_track(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._turn(update, commands.track_text(list(context.args or ())))

    async def _on_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._turn(update, commands.language_text(list(context.args or ())))

    async def _on_intent_command(self, update: Update, _context: Any) -> None:
        assert update.effective_message is not None
        name = (update.effective_message.text or "").split()[0].lstrip("/").split("@")[0]
        await self._turn(update, commands.INTENT_COMMANDS[name.lower()])

    async def _on_help(self, update: Update, _context: Any) -> None:
        assert update.effective_chat is not None
        if await self._claim_alone(update):
            lang = await self._lang(update)
            await self.deliver(
                update.effective_chat.id, [Reply(commands.help_text(lang))], update=update
            )

    async def _on_unknown_command(self, update: Update, _context: Any) -> None:
        message = update.effective_message
        assert message is not None and update.effective_chat is not None
        first_word = (message.text or "").split(maxsplit=1)[0]
        addressed = message.chat.type == ChatType.PRIVATE or first_word.lower().endswith(
            f"@{(self.application.bot.username or '').lower()}"
        )
        if addressed and await self._claim_alone(update):
            lang = await self._lang(update)
            await self.deliver(
                update.effective_chat.id,
                [Reply(commands.unknown_command_text(lang))],
                update=update,
            )

    async def _on_message(self, update: Update, _context: Any) -> None:
        message = update.message
        if message is None:
            return
        bot = self.application.bot
        text = addressed_text(message, bot_username=bot.username or "", bot_id=bot.id)
        if text is None:
            return
        await self._turn(update, text)

    async def _on_button(self, update: Update, _context: Any) -> None:
        query = update.callback_query
        if query is None or query.message is None:
            return
        # Answer first so the button stops spinning even if the turn takes a while.
        with contextlib.suppress(TelegramError):
            await query.answer()
        chat_id = query.message.chat.id
        payload = await self._button_payload(chat_id, query.data or "")
        if payload is None:
            if await self._claim_alone(update):
                lang = await self._lang(update)
                await self.deliver(chat_id, [Reply(commands.expired_button_text(lang))])
            return
        await self._turn(update, payload)

    async def _button_payload(self, chat_id: int, data: str) -> str | None:
        """The payload behind a button's callback_data; long payloads are found again in the
        buttons this conversation was sent (the transcript keeps them)."""
        digest = digest_of(data)
        if digest is None:
            return data
        async with self._services.sessionmaker() as session:
            payloads = await buyers.offered_payloads(conversation_id_for(chat_id), session=session)
        return find_payload(digest, payloads)

    async def _turn(self, update: Update, text: str) -> None:
        """Run one buyer message through the router and send the replies."""
        chat = update.effective_chat
        if chat is None:
            return
        user = update.effective_user
        conversation_id = conversation_id_for(chat.id)
        private = chat.type == ChatType.PRIVATE

        async def claim(session: AsyncSession) -> bool:
            # Runs in the router's transaction that stores the message (see module docstring).
            if not await dedupe.claim_update(CHANNEL, update.update_id, session=session):
                return False
            if private:
                # A buyer who writes to us has unblocked the bot: they can be answered again.
                await buyers.set_blocked(conversation_id, False, session=session)
            return True

        inbound = Inbound(
            channel=CHANNEL,
            conversation_id=conversation_id,
            text=text,
            sender_id=str(user.id) if user else None,
            external_id=str(update.update_id),
            metadata={
                "telegram": {
                    "chat_id": chat.id,
                    "chat_type": chat.type,
                    "user_id": user.id if user else None,
                    "language_code": user.language_code if user else None,
                }
            },
        )
        try:
            # "typing…" only while the bot answers; a person's silence is not the bot typing.
            typing = self._typing(chat.id) if await self._bot_answers(conversation_id) else None
            async with typing or contextlib.nullcontext():
                replies = await self._services.router.handle(inbound, claim=claim)
        except AlreadyHandled:
            log.info("telegram update %s already handled; skipping", update.update_id)
            return
        await self.deliver(chat.id, replies, update=update)

    async def _lang(self, update: Update) -> str:
        """The language for what the channel says by itself (help, unknown command, expired
        button, failure): the conversation's language once there is one, before that the
        buyer's Telegram language when we offer it."""
        known = (
            await self._chat_language(update.effective_chat.id) if update.effective_chat else None
        )
        if known:
            return known
        user = update.effective_user
        return normalise(user.language_code if user else None)

    async def _chat_language(self, chat_id: int) -> str | None:
        """The language of the chat's conversation; None before it has one."""
        async with self._services.sessionmaker() as session:
            return await buyers.language(conversation_id_for(chat_id), session=session)

    async def _bot_answers(self, conversation_id: str) -> bool:
        """Whether the bot (not a person) answers this conversation now; a hint for the typing
        indicator only; the router decides, atomically, who really answers."""
        async with self._services.sessionmaker() as session:
            status, _agent = await ownership.current(conversation_id, session=session)
        return status not in ("pending", "open")

    def _typing(self, chat_id: int) -> contextlib.AbstractAsyncContextManager[None]:
        """Show "typing…" in the chat until the block ends (see `typing_while`)."""

        async def send() -> bool:
            try:
                await self.application.bot.send_chat_action(chat_id, ChatAction.TYPING)
            except Forbidden:
                return False  # the buyer blocked the bot
            except TelegramError as exc:
                log.debug("typing indicator failed for chat %s: %s", chat_id, exc)
            return True

        return typing_while(send, every=TYPING_EVERY)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log a failed update with context and tell the buyer, so nobody waits in silence.
        The message may not have been stored, so the buyer is asked to try again (the router's
        own apology, which says the message was saved, is only sent by the router)."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram update %s failed: %r", update_id, context.error, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            with contextlib.suppress(TelegramError):
                lang = await self._lang(update)
                await self.deliver(
                    update.effective_chat.id, [Reply(catalogue_text("gateway.failure", lang))]
                )

    # ---- sending ---------------------------------------------------------------------------

    async def send(self, conversation_id: str, replies: Sequence[Reply]) -> bool | Undelivered:
        """The Outbox's sender for `telegram:` conversations (agent replies, desk notices,
        parcel updates): True only when Telegram accepted every message; otherwise
        `Undelivered(reason)` (falsy), never an exception, when the buyer blocked the bot, the
        Bot API is unreachable or refuses, or the channel is not running."""
        prefix = f"{CHANNEL}:"
        if not conversation_id.startswith(prefix):
            raise ValueError(f"{conversation_id!r} is not a Telegram conversation")
        async with self._services.sessionmaker() as session:
            blocked = await buyers.is_blocked(conversation_id, session=session)
        if blocked:
            log.info("not sending to %s: the buyer blocked the bot", conversation_id)
            return Undelivered("the buyer blocked the bot")
        outcome = await self.deliver(int(conversation_id[len(prefix) :]), replies)
        return True if outcome else Undelivered(outcome.reason)

    async def deliver(
        self, chat_id: int, replies: Sequence[Reply], *, update: Update | None = None
    ) -> Outcome:
        """Send replies in order (see `Sender.deliver`); in groups the first piece quotes the
        buyer's message. Falsy with the reason when they could not all be delivered."""
        if self._sender is None:
            return Outcome(Sent.FAILED, "the Telegram channel is not running")
        lang = DEFAULT_LANG
        if any(r.buttons and not r.text.strip() for r in replies):
            # Buttons without words get a short "choose" line, in the buyer's language.
            lang = await self._chat_language(chat_id) or DEFAULT_LANG
        return await self._sender.deliver(
            chat_id, replies, reply_to=reply_target(update), lang=lang
        )
