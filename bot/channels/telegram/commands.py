"""Telegram commands: what each one means to the Rasa bot, and the texts the channel says itself.

The sentences live in the texts catalogue (`telegram.*` keys in
bot/texts/locale/*/LC_MESSAGES/messages.po), the
one home of user-facing sentences; this module only picks them.
"""

from __future__ import annotations

import re

from telegram import BotCommand

from bot.texts import DEFAULT_LANG, languages, text

# The commands of Telegram's command menu, in menu order; descriptions are `telegram.command.*`.
COMMANDS: tuple[str, ...] = (
    "track",
    "subscribe",
    "unsubscribe",
    "human",
    "language",
    "help",
    "start",
)


def help_text(lang: str = DEFAULT_LANG) -> str:
    """What `/help` answers."""
    return text("telegram.help", lang)


def choose_text(lang: str = DEFAULT_LANG) -> str:
    """The text sent with buttons when a reply has buttons but no words."""
    return text("telegram.choose", lang)


def expired_button_text(lang: str = DEFAULT_LANG) -> str:
    """The answer to a button whose payload can no longer be found."""
    return text("telegram.expired_button", lang)


def unknown_command_text(lang: str = DEFAULT_LANG) -> str:
    """The answer to a command the bot does not know: a note, then the help text."""
    return f"{text('telegram.unknown_command', lang)}\n\n{help_text(lang)}"


# Deep-link payloads may only use these characters (Bot API: up to 64 of A-Z a-z 0-9 _ -).
_DEEP_LINK = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def bot_commands(lang: str = DEFAULT_LANG) -> list[BotCommand]:
    """The command menu registered with setMyCommands, described in `lang`."""
    return [BotCommand(name, text(f"telegram.command.{name}", lang)) for name in COMMANDS]


def menus() -> list[tuple[str | None, list[BotCommand]]]:
    """Every command menu to register: (language_code, commands). `None` is the default menu
    (English), shown to users whose Telegram language has no menu of its own; each other
    language with a catalogue gets its own (Bot API: setMyCommands' `language_code`)."""
    return [(None, bot_commands())] + [
        (lang, bot_commands(lang)) for lang in languages() if lang != DEFAULT_LANG
    ]


def start_text(args: list[str]) -> str:
    """What `/start` (optionally with a deep-link payload carrying a number) says to Rasa."""
    if args and _DEEP_LINK.match(args[0]):
        return f"track {args[0]}"
    return "/greet"


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,4})?$")


def language_text(args: list[str]) -> str:
    """What `/language [code]` says to the router: a switch to `code`, or, bare (or with
    something that is no language tag), the request for the menu of languages."""
    if args and _LANGUAGE_TAG.match(args[0]):
        return f"/language {args[0].lower().replace('_', '-').split('-')[0]}"
    return "/language"


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
