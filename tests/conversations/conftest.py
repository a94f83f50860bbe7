"""Shared fixtures of the conversation tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[sessionmaker]:
    """A session factory on a migrated SQLite file of the test's own."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield make_sessionmaker(engine)
    await engine.dispose()
