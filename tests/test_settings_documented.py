"""Every PARCELDESK_* setting the code reads is documented in .env.example and the README."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTING = re.compile(r"PARCELDESK_[A-Z0-9_]+[A-Z0-9](?![A-Z0-9_])")
# Read only by the test-suite, never by the product.
TEST_ONLY = {"PARCELDESK_TEST_POSTGRES_URL"}


def _read_by_code() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "actions"):
        for path in (ROOT / folder).rglob("*.py"):
            found |= set(SETTING.findall(path.read_text()))
    return found - TEST_ONLY


def test_every_setting_is_in_env_example() -> None:
    documented = set(
        re.findall(r"^(PARCELDESK_[A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    missing = _read_by_code() - documented
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = {name for name in _read_by_code() if f"`{name}`" not in readme}
    assert not missing, f"add to the README settings table: {sorted(missing)}"


def test_it_keeps_the_provider_settings_in_env_example_generated_from_the_modules() -> None:
    import importlib.util

    # Loaded by path: "scripts" alone may name tests/carriers/scripts.py in a full run.
    location = ROOT / "scripts" / "settings_table.py"
    spec = importlib.util.spec_from_file_location("settings_table", location)
    assert spec is not None and spec.loader is not None
    settings_table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(settings_table)
    text = (ROOT / ".env.example").read_text()
    assert settings_table.env_example(text) == text, (
        "run .venv/bin/python scripts/settings_table.py --write"
    )
