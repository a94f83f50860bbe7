"""Actions run against the real demo provider and a migrated SQLite database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from actions import deps
from bot.carriers.service import build_tracking_service
from bot.config import Settings
from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade
from bot.storage.models import Conversation

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Any]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'parceldesk.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    async with factory() as session, session.begin():
        session.add(Conversation(id="buyer-1", channel="webchat"))
    deps.use_sessionmaker(factory)
    yield factory
    deps.use_sessionmaker(None)
    await engine.dispose()


@pytest.fixture(autouse=True)
async def demo_service(sessions: Any) -> AsyncIterator[None]:
    settings = Settings.from_env({"PARCELDESK_PROVIDERS": "demo"})
    async with httpx.AsyncClient() as client:
        deps.use_service(build_tracking_service(settings, client=client))
        yield
        deps.use_service(None)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """Replies are compared with the domain's rendering, so both must see the same instant."""
    instant = datetime.now(timezone.utc)
    deps.use_clock(lambda: instant)
    yield
    deps.use_clock(None)
