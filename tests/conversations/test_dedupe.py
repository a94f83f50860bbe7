"""Channel updates are claimed once only, across sessions, channels and restarts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversations import dedupe
from bot.storage.db import make_engine, make_sessionmaker
from bot.storage.migrate import upgrade


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    upgrade(url)
    return url


async def test_it_claims_an_update_once_only(database_url: str) -> None:
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    results = []
    for _ in range(2):
        async with sessions() as session, session.begin():
            results.append(await dedupe.claim_update("telegram", 123, session=session))
    async with sessions() as session, session.begin():
        results.append(await dedupe.claim_update("telegram", 124, session=session))
    # The same id on another channel is another update.
    async with sessions() as session, session.begin():
        results.append(await dedupe.claim_update("other", 123, session=session))
    await engine.dispose()
    assert results == [True, False, True, True]


async def test_it_forgets_a_claim_whose_transaction_rolled_back(database_url: str) -> None:
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            assert await dedupe.claim_update("telegram", 7, session=session)
            raise RuntimeError("storing the message failed")
    first = await dedupe.claim_alone(sessions, "telegram", 7)
    again = await dedupe.claim_alone(sessions, "telegram", 7)
    await engine.dispose()
    assert (first, again) == (True, False)
