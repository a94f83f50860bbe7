"""Fixtures for the Telegram channel tests: the fake Bot API, a migrated SQLite database, and a
channel wired to the real Router whose Rasa is an `httpx.MockTransport` speaking Rasa's REST
channel JSON (the end-to-end tests use the real Rasa)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from bot.config import Settings
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from tests.channels.telegram.fake_bot_api import TOKEN, FakeBotApi, running_fake_bot_api

RASA_URL = "http://rasa.test"


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    with running_fake_bot_api() as api:
        yield api


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    upgrade(url)
    return url


@dataclass
class ScriptedRasa:
    """Rasa's REST channel as seen over HTTP: records each message, answers from `answers`."""

    answers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    received: list[tuple[str, str]] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)
    down: bool = False
    # Tracker events the desk appended (pause, resume, slot, bot), per conversation.
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [text for _sender, text in self.received]

    def event_names(self, conversation_id: str) -> list[str]:
        return [e["event"] for c, e in self.events if c == conversation_id]

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        body = json.loads(request.content)
        if request.url.path.endswith("/tracker/events"):
            conversation_id = unquote(request.url.path.split("/")[-3])
            self.events.extend((conversation_id, item) for item in body)
            return httpx.Response(200, json={})
        self.received.append((body["sender"], body["message"]))
        await asyncio.sleep(self.delays.get(body["message"], 0))
        answer = self.answers.get(body["message"], [{"text": f"echo: {body['message']}"}])
        return httpx.Response(
            200, json=[{"recipient_id": body["sender"], **item} for item in answer]
        )


@dataclass
class Wiring:
    """What a test needs to drive one channel instance."""

    settings: Settings
    services: Any
    rasa: ScriptedRasa
    http: httpx.AsyncClient


def telegram_settings(api: FakeBotApi, database_url: str, **overrides: str) -> Settings:
    env = {
        "PARCELDESK_TELEGRAM_TOKEN": TOKEN,
        "PARCELDESK_TELEGRAM_API_URL": api.base_url,
        "PARCELDESK_DATABASE_URL": database_url,
        "PARCELDESK_RASA_URL": RASA_URL,
        **overrides,
    }
    return Settings.from_env(env)


@pytest.fixture
async def wiring_factory(
    fake_api: FakeBotApi, database_url: str
) -> AsyncIterator[Callable[..., Wiring]]:
    """Builds Services (real engine, real Router, scripted Rasa) for given setting overrides."""
    from bot.app import build_services

    engine = make_engine(database_url)
    rasa = ScriptedRasa()
    http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))

    def build(**overrides: str) -> Wiring:
        settings = telegram_settings(fake_api, database_url, **overrides)
        services = build_services(settings, engine=engine, http=http)
        return Wiring(settings=settings, services=services, rasa=rasa, http=http)

    yield build
    await http.aclose()
    await engine.dispose()
