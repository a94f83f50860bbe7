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
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.5)) as http:
        yield http
