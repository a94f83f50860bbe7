"""The action server builds its tracking service once, lazily, from the environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from actions import deps
from bot.carriers.providers.demo import DemoProvider


def test_importing_the_actions_builds_nothing() -> None:
    code = (
        "import actions.tracking, actions.forms, actions.support, actions.fallback, "
        "actions.subscriptions\n"
        "from actions import deps\n"
        "assert deps._state.service is None and deps._state.client is None\n"
        "assert deps._state.engine is None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


async def test_the_service_is_built_on_first_use_and_then_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARCELDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("PARCELDESK_PROVIDERS", "demo")
    deps.use_service(None)
    deps.use_sessionmaker(None)
    try:
        first = await deps.tracking_service()
        assert await deps.tracking_service() is first
        assert [type(p) for p in first.providers] == [DemoProvider]
        assert str(deps._state.engine.url).endswith("x.db")
    finally:
        await deps.close()
