"""A real gateway (no Rasa behind it) with agents and conversations set up in its database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.conversations import agents, events, ownership, transcript
from bot.storage.db import make_engine, make_sessionmaker
from tests.channels.gateway_app import gateway

PASSWORD = "correct horse battery"


@dataclass
class Console:
    url: str
    database_url: str

    def run(self, coro_fn, *args):  # type: ignore[no-untyped-def]
        """Run `coro_fn(session, *args)` in one transaction on the gateway's database."""

        async def go():  # type: ignore[no-untyped-def]
            engine = make_engine(self.database_url)
            try:
                async with make_sessionmaker(engine)() as session, session.begin():
                    return await coro_fn(session, *args)
            finally:
                await engine.dispose()

        return asyncio.run(go())

    def add_agent(self, name: str, *, admin: bool = False) -> None:
        async def add(session, name):  # type: ignore[no-untyped-def]
            await agents.add(name, PASSWORD, session=session, admin=admin)

        self.run(add, name)

    def disable_agent(self, name: str) -> None:
        async def disable(session, name):  # type: ignore[no-untyped-def]
            await agents.disable(name, session=session)

        self.run(disable, name)

    def pending(self, conversation_id: str, *texts: str) -> None:
        """A conversation whose buyer wrote `texts` and asked for a person."""

        async def make(session, conversation_id):  # type: ignore[no-untyped-def]
            channel = conversation_id.split(":", 1)[0]
            for body in texts or ("I want to talk to a human",):
                await transcript.record_inbound(conversation_id, channel, body, session=session)
            await events.append(
                conversation_id,
                session=session,
                channel=channel,
                sender="bot",
                text="Your parcel RR400000001CN is in customs.",
            )
            await ownership.request_handoff(conversation_id, session=session, actor="buyer")

        self.run(make, conversation_id)

    def login(self, name: str) -> tuple[httpx.Client, str]:
        """A logged-in HTTP client (cookie jar) and its CSRF token."""
        client = httpx.Client(base_url=self.url, timeout=30.0)
        response = client.post("/console/api/session", json={"name": name, "password": PASSWORD})
        response.raise_for_status()
        return client, response.json()["csrf_token"]


@contextmanager
def console(tmp_path: Path) -> Iterator[Console]:
    with gateway(tmp_path) as url:
        yield Console(url, f"sqlite:///{tmp_path / 'gateway.db'}")
