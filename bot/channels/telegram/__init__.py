"""The Telegram channel (python-telegram-bot 22).

- `channel`: `TelegramChannel`, the bot of one gateway process: receives updates (webhook or
  long polling), runs each buyer message through the router, and `send()`s what the Outbox
  pushes (agent replies, desk notices, parcel updates).
- `webhook`: `telegram_routes()`, the gateway's `POST /telegram/webhook`.
- `updates`: which conversation a chat is, per-chat ordering, when a group message is for us.
- `send`: `Sender`, sendMessage with splitting, inline keyboards and retries; `Outcome`.
- `typing_indicator`: "typing…" while the bot answers, never holding the turn up.
- `format`: escaping, splitting at Telegram's limits, keyboards, long payloads as digests.
- `commands`: the command menu and what each command means to the Rasa bot.

Storage is reached only through bot.conversations (dedupe, buyers, router); nothing here
imports bot.app, which imports this package when a bot token is configured.
"""

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.webhook import telegram_routes

__all__ = ["TelegramChannel", "telegram_routes"]
