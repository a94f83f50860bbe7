"""Buyer message -> gateway -> Rasa -> action -> demo carrier -> reply, with real processes."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import httpx
import pytest
import websockets

from bot.conversations.router import APOLOGY
from tests.support.stack import Stack, running_stack, say

pytestmark = pytest.mark.e2e


def _texts(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


def test_health_reports_rasa_and_the_action_server(stack: Stack) -> None:
    response = httpx.get(f"{stack.url}/healthz", timeout=10)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "gateway": True,
        "rasa": True,
        "actions": True,
        "database": True,
    }


def test_hi_gets_a_greeting_and_a_number_gets_status_and_reason(stack: Stack) -> None:
    conversation = f"e2e-{uuid.uuid4().hex[:8]}"
    greeting = say(stack, conversation, "hi")
    assert greeting, "the bot must answer a greeting"
    assert APOLOGY not in _texts(greeting)
    assert any(w in _texts(greeting).lower() for w in ("hello", "hi", "welcome"))

    reply = _texts(say(stack, conversation, "where is my parcel RR123456785CN"))
    assert "RR123456785CN" in reply
    assert "in transit" in reply.lower()
    # The international-transit reason: no scans while between countries is normal.
    assert "between countries" in reply.lower()
    assert "check again after" in reply.lower()


def test_every_message_and_reply_is_stored(stack: Stack) -> None:
    conversation = f"store-{uuid.uuid4().hex[:8]}"
    say(stack, conversation, "hello there")
    db = stack.var_dir / "parceldesk.db"
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select direction, sender, channel, text, status from messages "
            "where conversation_id = ? order by id",
            (stack.conversation_id(conversation),),
        ).fetchall()
    assert rows[0] == ("in", "buyer", "api", "hello there", "processed")
    assert len(rows) >= 2 and all(r[0] == "out" and r[1] == "bot" for r in rows[1:])


def test_bad_requests_get_a_clear_error(stack: Stack) -> None:
    url = f"{stack.url}/api/v1/conversations/x1/messages"
    auth = stack.api_headers
    assert httpx.post(url, content=b"not json", headers=auth, timeout=10).status_code == 400
    missing = httpx.post(url, json={"message": "hi"}, headers=auth, timeout=10)
    assert missing.status_code == 400 and "text" in missing.json()["error"]
    too_long = httpx.post(url, json={"text": "a" * 5000}, headers=auth, timeout=10)
    assert too_long.status_code == 413


async def test_the_widget_socket_answers_and_keeps_its_conversation(stack: Stack) -> None:
    ws_url = f"ws://127.0.0.1:{stack.port}/widget/ws"
    origin = "http://localhost:3000"

    async def until(socket, predicate) -> list[dict]:
        frames = [json.loads(await socket.recv())]
        while not predicate(frames[-1]):
            frames.append(json.loads(await socket.recv()))
        return frames

    async with websockets.connect(ws_url, origin=origin) as socket:
        await socket.send(json.dumps({"type": "hello", "token": None, "after": 0}))
        welcome = json.loads(await socket.recv())
        assert welcome["type"] == "welcome" and welcome["token"]
        await socket.send(
            json.dumps(
                {"type": "message", "client_id": "m1", "text": "where is my parcel RR123456785CN"}
            )
        )
        frames = await until(
            socket, lambda f: f["type"] == "event" and f["event"]["sender"] == "bot"
        )
        assert frames[0] == {"type": "typing", "who": "bot", "name": "", "on": True}
        assert "RR123456785CN" in frames[-1]["event"]["text"]
        await socket.send("not json")
        assert (await until(socket, lambda f: f["type"] == "error"))[-1]["code"] == "frame"
    # Reconnecting with the token continues the same stored conversation (the whole history).
    async with websockets.connect(ws_url, origin=origin) as socket:
        await socket.send(
            json.dumps(
                {"type": "hello", "token": welcome["token"], "after": 0, "ref": welcome["ref"]}
            )
        )
        again = json.loads(await socket.recv())
        assert again["ref"] == welcome["ref"] and again["token"] is None
        first = await until(socket, lambda f: f["type"] == "event")
        assert first[-1]["event"]["client_id"] == "m1"


def test_sigterm_stops_everything_and_conversations_survive_a_restart(tmp_path: Path) -> None:
    token = uuid.uuid4().hex
    # The same API key after the restart: the client's conversations live under its key.
    env = {"PARCELDESK_RASA_TOKEN": token, "PARCELDESK_API_KEYS": "pd_test_" + token}
    with running_stack(tmp_path, env) as first:
        say(first, "restart", "where is my parcel RR123456785CN")
        ports = (first.port, first.rasa_port, first.actions_port)
    assert first.process.returncode == 0, first.log()
    assert any("stopping ParcelDesk" in line for line in first.output)
    # Every process stopped on its own after SIGTERM; none had to be killed.
    assert not [line for line in first.output if "killed" in line], first.log()
    from bot.supervisor import port_in_use

    assert not any(port_in_use("127.0.0.1", p) for p in ports)

    with running_stack(tmp_path, env) as second:
        tracker = httpx.get(
            f"http://127.0.0.1:{second.rasa_port}/conversations/"
            f"{second.conversation_id('restart')}/tracker",
            params={"token": token},
            timeout=10,
        ).json()
        texts = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
        assert "where is my parcel RR123456785CN" in texts
