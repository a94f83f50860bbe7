"""Shop connector tests: local servers replaying the platforms' documented shapes, and a
migrated SQLite database to store what the connectors return."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Any]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'orders.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield make_sessionmaker(engine)
    await engine.dispose()


class Waits:
    """Stands in for asyncio.sleep: records how long the connector chose to wait."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)
