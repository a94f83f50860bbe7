"""The Telegram package's dependency direction: it does not import the composition root
(bot.app imports it) and reaches storage only through bot.conversations."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "bot" / "channels" / "telegram"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_it_imports_without_loading_the_gateway_app() -> None:
    code = (
        "import sys, bot.channels.telegram as t; "
        "assert t.TelegramChannel and t.telegram_routes; "
        "print(sorted(m for m in sys.modules if m == 'bot.app' or m.startswith('bot.app.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PACKAGE.parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]", result.stdout


def test_no_module_of_it_imports_the_app_or_storage() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert {m.name for m in modules} >= {"channel.py", "webhook.py", "send.py", "updates.py"}
    for module in modules:
        forbidden = {
            name
            for name in imported_modules(module)
            if name == "bot.app" or name.startswith(("bot.app.", "bot.storage"))
        }
        assert not forbidden, f"{module.name} imports {sorted(forbidden)}"
