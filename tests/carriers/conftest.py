"""Fixtures for provider contract tests: a replay server and an HTTP client per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.carriers.fakes import ReplayServer, replay_server


@pytest.fixture(scope="module")
def _server() -> Iterator[ReplayServer]:
    with replay_server() as server:
        yield server


@pytest.fixture
def server(_server: ReplayServer) -> Iterator[ReplayServer]:
    _server.reset()
    yield _server
    _server.reset()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    # Reads time out fast (the timeout tests delay the answer by 2 s); connecting to the local
    # replay server may take longer on a busy machine, and must not read as a carrier timeout.
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.5, connect=5.0)) as http:
        yield http
