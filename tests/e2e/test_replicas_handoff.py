"""Two gateway replicas on PostgreSQL and Redis: the buyer's widget socket on replica A, the
agent's console on replica B. Every message arrives once and in order on both sides, also after
the agent's socket is killed mid-conversation and reconnects from its last sequence number."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path

import httpx
import pytest
import websockets

from tests.e2e.test_scaleout import REDIS_URL, _redis_up
from tests.support.postgres import fresh_database
from tests.support.requirements import missing
from tests.support.stack import add_agent, gateway_replica, running_stack

pytestmark = [pytest.mark.e2e, pytest.mark.scaleout]

PASSWORD = "replica e2e password"


class Buyer:
    """A widget tab: the widget socket protocol, recording every event it renders."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("http://", "ws://") + "/widget/ws"
        self.seqs: list[int] = []
        self.texts: list[str] = []
        self.socket = None
        self._reader: asyncio.Task | None = None

    async def open(self) -> None:
        self.socket = await websockets.connect(self.url, origin="http://localhost:8080")
        await self.socket.send(json.dumps({"type": "hello", "token": None, "after": 0}))
        welcome = json.loads(await self.socket.recv())
        assert welcome["type"] == "welcome", welcome
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.socket:
            frame = json.loads(raw)
            if frame["type"] == "event":
                self.seqs.append(frame["event"]["seq"])
                self.texts.append(frame["event"]["text"])

    async def say(self, text: str) -> None:
        await self.socket.send(
            json.dumps({"type": "message", "client_id": uuid.uuid4().hex, "text": text})
        )

    async def close(self) -> None:
        await self.socket.close()
        if self._reader:
            self._reader.cancel()


class Agent:
    """A console tab on a replica: login cookie, CSRF token and the console socket."""

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.http = httpx.AsyncClient(base_url=url, timeout=30)
        self.name = name
        self.seqs: list[int] = []
        self.socket = None
        self._reader: asyncio.Task | None = None

    async def login(self) -> None:
        response = await self.http.post(
            "/console/api/session", json={"name": self.name, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        self.http.headers["X-CSRF-Token"] = response.json()["csrf_token"]

    async def connect(self, conversation_id: str) -> None:
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        self.socket = await websockets.connect(
            self.url.replace("http://", "ws://") + "/console/ws",
            origin=self.url,
            extra_headers={"Cookie": cookie},
        )
        after = self.seqs[-1] if self.seqs else 0
        await self.socket.send(
            json.dumps({"type": "follow", "conversation_id": conversation_id, "after": after})
        )
        self._reader = asyncio.create_task(self._read(conversation_id))

    async def _read(self, conversation_id: str) -> None:
        async for raw in self.socket:
            frame = json.loads(raw)
            if frame["type"] == "event" and frame["conversation_id"] == conversation_id:
                self.seqs.append(frame["event"]["seq"])

    async def kill_socket(self) -> None:
        self._reader.cancel()
        self.socket.transport.abort()  # no close handshake: a dropped connection

    async def post(self, path: str, body: dict | None = None) -> httpx.Response:
        return await self.http.post(path, json=body)


async def _until(check, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)


def test_buyer_on_one_replica_and_agent_on_another_see_everything_once_in_order(
    tmp_path: Path,
) -> None:
    if not _redis_up():
        missing(f"Redis not reachable at {REDIS_URL}")
    with fresh_database() as gateway_db, fresh_database() as tracker_db:
        env = {
            "PARCELDESK_DATABASE_URL": gateway_db,
            "PARCELDESK_RASA_TRACKER_URL": tracker_db,
            "PARCELDESK_REDIS_URL": REDIS_URL,
            "PARCELDESK_RASA_TOKEN": uuid.uuid4().hex,
        }
        with running_stack(tmp_path, env) as stack, gateway_replica(stack) as replica_b:
            add_agent(stack, "rita", PASSWORD)
            asyncio.run(_converse(stack.url, replica_b, gateway_db))


async def _converse(url_a: str, url_b: str, database_url: str) -> None:
    from sqlalchemy import select

    from bot.storage.db import make_engine, make_sessionmaker
    from bot.storage.models import Message

    buyer, agent = Buyer(url_a), Agent(url_b, "rita")
    await buyer.open()
    await agent.login()
    await buyer.say("I need to talk to a human")
    await _until(lambda: any("passing you to a person" in t for t in buyer.texts))
    pending = (await agent.http.get("/console/api/conversations?status=pending")).json()
    conversation_id = next(c["id"] for c in pending["conversations"] if c["channel"] == "web")
    assert (
        await agent.post(f"/console/api/conversations/{conversation_id}/claim")
    ).status_code == 200
    await agent.connect(conversation_id)

    for round_ in range(3):
        await buyer.say(f"buyer line {round_}")
        reply = await agent.post(
            f"/console/api/conversations/{conversation_id}/messages",
            {"text": f"agent line {round_}"},
        )
        assert reply.status_code == 200
    await _until(lambda: "agent line 2" in buyer.texts)

    # The agent's socket dies mid-conversation; both sides keep writing meanwhile.
    await agent.kill_socket()
    await buyer.say("buyer line while the agent was away")
    await agent.post(
        f"/console/api/conversations/{conversation_id}/messages", {"text": "agent line away"}
    )
    await agent.connect(conversation_id)  # reconnects after the last seq it rendered
    await buyer.say("buyer line after reconnect")
    await _until(lambda: "agent line away" in buyer.texts)

    engine = make_engine(database_url)
    async with make_sessionmaker(engine)() as session:
        rows = (
            await session.execute(
                select(Message.seq, Message.kind, Message.text)
                .where(Message.conversation_id == conversation_id)
                .order_by(Message.seq)
            )
        ).all()
    await engine.dispose()
    every = [r.seq for r in rows]
    buyer_visible = [r.seq for r in rows if r.kind == "message"]
    await _until(lambda: agent.seqs and agent.seqs[-1] == every[-1])
    await _until(lambda: buyer.seqs and buyer.seqs[-1] == buyer_visible[-1])
    await buyer.close()
    await agent.http.aclose()

    assert buyer.seqs == buyer_visible  # once each, in order, nothing missing
    assert agent.seqs == every  # the console saw every event once, across the reconnect
    assert "buyer line while the agent was away" in [r.text for r in rows]
