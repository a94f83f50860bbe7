"""Fixtures shared across the suite."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# In CI a skipped test fails the run unless it is on the allow-list there.
from tests.support.no_skips import pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

# Local runs explore new random examples every time; CI (.ci/run) replays a fixed set so a
# red build always means a change broke something, and the failing example is reproducible.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("PARCELDESK_REQUIRE_SERVICES") == "1":
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The real Rasa server, action server and gateway, on free ports (demo carrier)."""
    from tests.support.stack import running_stack

    with running_stack(Path(tmp_path_factory.mktemp("stack"))) as running:
        yield running


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Any]:
    """A session factory on a migrated SQLite file of the test's own."""
    from bot.storage.db import make_engine, make_sessionmaker
    from bot.storage.migrate import upgrade

    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield make_sessionmaker(engine)
    await engine.dispose()
