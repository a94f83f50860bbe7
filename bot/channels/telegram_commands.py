"""Telegram commands: what each one means to the Rasa bot, and the texts the channel says itself.

This module is the one home of the Telegram-only sentences (help text, command descriptions).
"""

from __future__ import annotations

import re

from telegram import BotCommand

# (command, description shown in Telegram's command menu), in menu order.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("track", "Track a parcel: /track <tracking number>"),
    ("subscribe", "Get a message when your parcel moves"),
    ("unsubscribe", "Stop parcel updates"),
    ("human", "Talk to a person"),
    ("help", "What I can do"),
    ("start", "Start again"),
)

HELP_TEXT = (
    "I help you find your parcel.\n"
    "\n"
    "Send me your tracking number, or use these commands:\n"
    "/track <number> - where is my parcel?\n"
    "/subscribe - tell me when the parcel moves\n"
    "/unsubscribe - stop these messages\n"
    "/human - talk to a person\n"
    "/help - this text\n"
    "\n"
    "You can also just write your question, for example: "
    '"Why has my parcel not moved for a week?"'
)

CHOOSE_TEXT = "Please choose:"
EXPIRED_BUTTON_TEXT = "This button is too old. Please type your question or tracking number."
UNKNOWN_COMMAND_TEXT = "I do not know this command.\n\n" + HELP_TEXT

# Deep-link payloads may only use these characters (Bot API: up to 64 of A-Z a-z 0-9 _ -).
_DEEP_LINK = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def bot_commands() -> list[BotCommand]:
    """The command menu registered with setMyCommands."""
    return [BotCommand(name, description) for name, description in COMMANDS]


def start_text(args: list[str]) -> str:
    """What `/start` (optionally with a deep-link payload carrying a number) says to Rasa."""
    if args and _DEEP_LINK.match(args[0]):
        return f"track {args[0]}"
    return "/greet"


def track_text(args: list[str]) -> str:
    """What `/track <number>` says to Rasa; without a number Rasa asks for one."""
    number = "".join(args).strip()
    return f"track {number}" if number else "track my parcel"


# Commands that map to a fixed Rasa intent payload.
INTENT_COMMANDS: dict[str, str] = {
    "human": "/request_human",
    "subscribe": "/subscribe_updates",
    "unsubscribe": "/unsubscribe_updates",
}
