"""The command texts the Telegram channel says itself."""

from __future__ import annotations

import pytest

from bot.channels.telegram.commands import COMMANDS, help_text
from bot.texts import LANGUAGES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_help_lists_every_command_of_the_menu(lang: str) -> None:
    lines = help_text(lang).splitlines()
    # /start only opens the chat (Telegram sends it); the help need not offer it.
    missing = [
        name
        for name in COMMANDS
        if name != "start" and not any(line.startswith(f"/{name} ") for line in lines)
    ]
    assert not missing, f"{lang} help lacks {missing}"


def test_the_english_help_says_how_to_change_the_language() -> None:
    assert "/language - change the language" in help_text("en").splitlines()
