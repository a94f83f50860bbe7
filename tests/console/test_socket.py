"""`/console/ws` on a real gateway: cookie and Origin checks, catch-up after a seq, live events,
reconnect without loss or duplicates, typing, heartbeat and a login that ends."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatusCode

from bot.channels.api_auth import conversation_key
from tests.channels.gateway_app import API_HEADERS, API_KEY
from tests.console.helpers import Console, console


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with console(Path(tmp_path_factory.mktemp("console-ws"))) as running:
        yield running


def _ws_url(desk: Console) -> str:
    return desk.url.replace("http://", "ws://") + "/console/ws"


def _connect(desk: Console, client: httpx.Client | None, origin: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"Origin": origin or desk.url}
    if client is not None:
        headers["Cookie"] = "parceldesk_console=" + client.cookies["parceldesk_console"]
    return websockets.connect(_ws_url(desk), extra_headers=headers)


async def _frames_until(ws, predicate, limit: int = 50) -> list[dict]:  # type: ignore[no-untyped-def]
    """Frames received until one matches `predicate` (bounded, so a bug fails, not hangs)."""
    seen = []
    for _ in range(limit):
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
        seen.append(frame)
        if predicate(frame):
            return seen
    raise AssertionError(f"no matching frame in {seen}")


# A conversation the buyer makes through the HTTP API with the test gateway's key.
FOLLOWED = conversation_key(API_KEY, "ws-follow")


def _buyer_says(desk: Console, conversation: str, text: str) -> None:
    httpx.post(
        f"{desk.url}/api/v1/conversations/{conversation}/messages",
        json={"text": text},
        headers=API_HEADERS,
        timeout=30,
    )


async def test_it_refuses_sockets_without_a_login_or_from_another_origin(desk: Console) -> None:
    await asyncio.to_thread(desk.add_agent, "ws-ana")
    client, _ = await asyncio.to_thread(desk.login, "ws-ana")
    with pytest.raises(InvalidStatusCode):
        async with _connect(desk, None):
            pass
    with pytest.raises(InvalidStatusCode):
        async with _connect(desk, client, origin="http://evil.example"):
            pass
    async with _connect(desk, client) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
        assert hello == {
            "type": "hello",
            "agent": {"id": hello["agent"]["id"], "name": "ws-ana", "admin": False},
        }


async def test_a_reconnect_after_the_last_seq_misses_nothing_and_doubles_nothing(
    desk: Console,
) -> None:
    await asyncio.to_thread(desk.add_agent, "ws-bo")
    await asyncio.to_thread(desk.pending, FOLLOWED, "hello, where is RR400000001CN?")
    client, _ = await asyncio.to_thread(desk.login, "ws-bo")
    shown: list[int] = []

    async with _connect(desk, client) as ws:
        await ws.recv()  # hello
        await ws.send(json.dumps({"type": "follow", "conversation_id": FOLLOWED, "after": 0}))
        frames = await _frames_until(
            ws, lambda f: f["type"] == "event" and f["event"]["kind"] == "status"
        )
        shown += [f["event"]["seq"] for f in frames if f["type"] == "event"]
        await asyncio.to_thread(_buyer_says, desk, "ws-follow", "anyone there?")
        frames = await _frames_until(
            ws, lambda f: f["type"] == "event" and f["event"]["text"] == "anyone there?"
        )
        assert any(f["type"] == "queue" and f["conversation_id"] == FOLLOWED for f in frames)
        shown += [f["event"]["seq"] for f in frames if f["type"] == "event"]

    # While the console is away the buyer writes twice.
    await asyncio.to_thread(_buyer_says, desk, "ws-follow", "first while away")
    await asyncio.to_thread(_buyer_says, desk, "ws-follow", "second while away")

    async with _connect(desk, client) as ws:
        await ws.recv()  # hello
        await ws.send(
            json.dumps({"type": "follow", "conversation_id": FOLLOWED, "after": shown[-1]})
        )
        frames = await _frames_until(
            ws, lambda f: f["type"] == "event" and f["event"]["text"] == "second while away"
        )
        again = [f["event"] for f in frames if f["type"] == "event"]

    assert shown == sorted(shown) and len(set(shown)) == len(shown)
    assert [e["seq"] for e in again] == list(range(shown[-1] + 1, again[-1]["seq"] + 1))
    assert "first while away" in [e["text"] for e in again]
    assert not set(shown) & {e["seq"] for e in again}


async def test_agents_see_each_others_typing_and_notes(desk: Console) -> None:
    await asyncio.to_thread(desk.add_agent, "ws-cy")
    await asyncio.to_thread(desk.add_agent, "ws-dee")
    await asyncio.to_thread(desk.pending, "api:ws-typing")
    cy, _ = await asyncio.to_thread(desk.login, "ws-cy")
    dee, dee_csrf = await asyncio.to_thread(desk.login, "ws-dee")

    async with _connect(desk, cy) as cy_ws, _connect(desk, dee) as dee_ws:
        for ws in (cy_ws, dee_ws):
            await ws.recv()
            await ws.send(
                json.dumps({"type": "follow", "conversation_id": "api:ws-typing", "after": 0})
            )
            await _frames_until(ws, lambda f: f.get("event", {}).get("kind") == "status")
        await dee_ws.send(json.dumps({"type": "typing", "on": True}))
        typing = await _frames_until(cy_ws, lambda f: f["type"] == "typing")
        await asyncio.to_thread(
            dee.post,
            "/console/api/conversations/api:ws-typing/notes",
            json={"text": "<b>not bold</b>"},
            headers={"X-CSRF-Token": dee_csrf},
        )
        note = await _frames_until(cy_ws, lambda f: f.get("event", {}).get("kind") == "note")

    assert typing[-1] == {
        "type": "typing",
        "conversation_id": "api:ws-typing",
        "who": "agent",
        "name": "ws-dee",
        "on": True,
    }
    assert note[-1]["event"]["text"] == "<b>not bold</b>"
    assert note[-1]["event"]["agent"] == "ws-dee"


async def test_the_heartbeat_marks_the_agent_online_and_a_disabled_agent_is_cut_off(
    desk: Console,
) -> None:
    await asyncio.to_thread(desk.add_agent, "ws-eve")
    client, _ = await asyncio.to_thread(desk.login, "ws-eve")
    async with _connect(desk, client) as ws:
        await ws.recv()
        await ws.send(json.dumps({"type": "ping"}))
        assert (await _frames_until(ws, lambda f: f["type"] == "pong"))[-1] == {"type": "pong"}

        await asyncio.to_thread(desk.disable_agent, "ws-eve")
        await ws.send(json.dumps({"type": "ping"}))
        bye = await _frames_until(ws, lambda f: f["type"] == "bye")
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), timeout=15)
    assert bye[-1]["reason"] == "your login has ended"
    assert ws.close_code == 4401
