"""The widget socket against a real gateway (Rasa absent): the hello/token handshake, acks and
catch-up without loss or repeats, origin and identity checks, clear errors for bad frames,
polite answers for failures, no dead ends."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatusCode

from bot.channels.widget.socket import FAILURE
from bot.conversations.identity import sign
from bot.conversations.router import APOLOGY
from tests.channels.gateway_app import gateway

SHOP = "http://localhost:5173"
SECRET = "test-identity-secret"


def ws_url(url: str) -> str:
    return url.replace("http", "ws") + "/widget/ws"


async def frames_until(socket, predicate, limit: int = 50) -> list[dict]:
    seen: list[dict] = []
    while len(seen) < limit:
        frame = json.loads(await asyncio.wait_for(socket.recv(), 20))
        seen.append(frame)
        if predicate(frame):
            return seen
    raise AssertionError(f"no matching frame in {seen}")


async def hello(socket, **fields) -> dict:
    await socket.send(json.dumps({"type": "hello", "token": None, "after": 0, **fields}))
    welcome = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert welcome["type"] == "welcome", welcome
    return welcome


def events_of(frames: list[dict]) -> list[dict]:
    return [f["event"] for f in frames if f["type"] == "event"]


async def test_it_issues_a_token_acks_and_catches_up_without_repeats(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        async with websockets.connect(ws_url(url), origin=SHOP) as socket:
            welcome = await hello(socket)
            assert welcome["token"] and welcome["reset"] is True
            await socket.send(json.dumps({"type": "message", "client_id": "c1", "text": "hi"}))
            seen = await frames_until(
                socket, lambda f: f["type"] == "event" and f["event"]["sender"] != "buyer"
            )
            assert {"type": "ack", "client_id": "c1", "seq": 1} in seen
            # Rasa is down: the buyer is told so (from the log), and the socket stays open.
            assert [e["text"] for e in events_of(seen)] == ["hi", APOLOGY]
            # The bot's typing indicator went on while the router worked, and always goes off.
            await frames_until(socket, lambda f: f["type"] == "typing" and not f["on"])
            # A resend of the same client id (socket dropped before the ack) is acked, once.
            await socket.send(json.dumps({"type": "message", "client_id": "c1", "text": "hi"}))
            again = await frames_until(socket, lambda f: f["type"] == "ack")
            assert again[-1] == {"type": "ack", "client_id": "c1", "seq": 1}
            assert not events_of(again)
        token, ref = welcome["token"], welcome["ref"]
        # The same token resumes; only what comes after the last rendered seq is sent.
        async with websockets.connect(ws_url(url), origin=SHOP) as socket:
            resumed = await hello(socket, token=token, ref=ref, after=1)
            assert resumed["token"] is None and resumed["ref"] == ref and not resumed["reset"]
            await socket.send(json.dumps({"type": "ping"}))
            seen = await frames_until(socket, lambda f: f["type"] == "pong")
            assert [e["seq"] for e in events_of(seen)] == [2]
        # A reload (after=0) gets the whole history; a wrong token starts a new conversation.
        async with websockets.connect(ws_url(url), origin=SHOP) as socket:
            await hello(socket, token=token, ref=ref, after=0)
            await socket.send(json.dumps({"type": "ping"}))
            seen = await frames_until(socket, lambda f: f["type"] == "pong")
            assert [e["seq"] for e in events_of(seen)] == [1, 2]
        async with websockets.connect(ws_url(url), origin=SHOP) as socket:
            other = await hello(socket, token="not-a-token", ref=ref, after=2)
            assert other["token"] and other["token"] != token and other["reset"] is True


async def test_it_refuses_an_origin_that_may_not_embed_the_widget(tmp_path: Path) -> None:
    with gateway(tmp_path, env={"PARCELDESK_WIDGET_ORIGINS": "https://shop.example"}) as url:
        for origin in ("http://localhost:5173", "https://evil.example", None):
            with pytest.raises(InvalidStatusCode) as refused:
                async with websockets.connect(ws_url(url), origin=origin):
                    pass
            assert refused.value.status_code == 403
        async with websockets.connect(ws_url(url), origin="https://shop.example") as socket:
            assert (await hello(socket))["token"]
        # The gateway's own iframe page (same origin) may always connect.
        async with websockets.connect(ws_url(url), origin=url) as socket:
            assert (await hello(socket))["token"]


async def test_a_signed_user_gets_the_same_conversation_on_any_device(tmp_path: Path) -> None:
    env = {"PARCELDESK_WIDGET_IDENTITY_SECRET": SECRET}
    user = {"id": "u-42", "name": "Ada", "email": "ada@example.com", "hash": sign(SECRET, "u-42")}
    with gateway(tmp_path, env=env) as url:
        async with websockets.connect(ws_url(url), origin=SHOP) as laptop:
            first = await hello(laptop, user=user)
            assert first["token"] is None
            await laptop.send(json.dumps({"type": "message", "client_id": "l1", "text": "x"}))
            await frames_until(laptop, lambda f: f["type"] == "ack")
        async with websockets.connect(ws_url(url), origin=SHOP) as phone:
            second = await hello(phone, user=user)
            assert second["ref"] == first["ref"]
            await phone.send(json.dumps({"type": "ping"}))
            seen = await frames_until(phone, lambda f: f["type"] == "pong")
            assert "x" in [e["text"] for e in events_of(seen)]
        # A wrong signature is refused, never silently turned into someone's conversation.
        async with websockets.connect(ws_url(url), origin=SHOP) as socket:
            await socket.send(
                json.dumps(
                    {
                        "type": "hello",
                        "token": None,
                        "after": 0,
                        "user": {**user, "hash": sign("other", "u-42")},
                    }
                )
            )
            assert json.loads(await socket.recv())["code"] == "identity"
            with pytest.raises(ConnectionClosed) as closed:
                await socket.recv()
            assert closed.value.code == 4401
        # A token never opens a signed user's conversation.
        async with websockets.connect(ws_url(url), origin=SHOP) as socket:
            anonymous = await hello(socket, token=None)
            assert anonymous["ref"] != first["ref"]


async def test_identity_required_refuses_anonymous_visitors(tmp_path: Path) -> None:
    env = {
        "PARCELDESK_WIDGET_IDENTITY_SECRET": SECRET,
        "PARCELDESK_WIDGET_IDENTITY_REQUIRED": "true",
    }
    with gateway(tmp_path, env=env) as url:
        async with websockets.connect(ws_url(url), origin=SHOP) as socket:
            await socket.send(json.dumps({"type": "hello", "token": None, "after": 0}))
            assert json.loads(await socket.recv())["code"] == "identity_required"
            with pytest.raises(ConnectionClosed) as closed:
                await socket.recv()
            assert closed.value.code == 4401
        user = {"id": "7", "hash": sign(SECRET, "7")}
        async with websockets.connect(ws_url(url), origin=SHOP) as socket:
            assert (await hello(socket, user=user))["type"] == "welcome"


async def test_bad_frames_get_an_error_and_the_chat_goes_on(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        async with websockets.connect(ws_url(url), origin=SHOP) as socket:
            await hello(socket)
            await socket.send(b"\x00binary")
            assert (await frames_until(socket, lambda f: f["type"] == "error"))[-1]["code"]
            await socket.send(json.dumps({"type": "message", "client_id": "a", "text": "x" * 4001}))
            too_long = await frames_until(socket, lambda f: f["type"] == "error")
            assert too_long[-1]["code"] == "too_long" and too_long[-1]["client_id"] == "a"
            # The longest allowed message, every character escaped in JSON, still goes through.
            await socket.send(
                json.dumps({"type": "message", "client_id": "b", "text": "\u00e9" * 4000})
            )
            assert (await frames_until(socket, lambda f: f["type"] == "ack"))[-1]["seq"] == 1
            await socket.send(json.dumps({"type": "message", "client_id": "bad id!", "text": "x"}))
            assert (await frames_until(socket, lambda f: f["type"] == "error"))[-1]["code"]
        async with websockets.connect(ws_url(url), origin=SHOP) as socket:
            await socket.send(json.dumps({"type": "message", "text": "no hello"}))
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await socket.recv()
            assert closed.value.code == 4400


async def test_a_storage_failure_gets_a_polite_answer_not_a_silent_socket(tmp_path: Path) -> None:
    with gateway(tmp_path, migrated=False) as url:
        async with websockets.connect(ws_url(url), origin=SHOP) as socket:
            await socket.send(json.dumps({"type": "hello", "token": None, "after": 0}))
            answer = json.loads(await socket.recv())
            assert answer == {"type": "error", "code": "unavailable", "error": FAILURE}
            with pytest.raises(ConnectionClosed) as closed:
                await socket.recv()
            assert closed.value.code == 1011


async def test_a_failed_read_of_the_log_is_retried_and_the_chat_keeps_delivering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database error while reading the log for this tab (SQLite busy under load, say) used
    to end the tab's delivery loops for good: the answer was stored but never shown until a
    reload. Now it is logged and read again a moment later."""
    from sqlalchemy.exc import OperationalError

    from bot.conversations import events

    real_after = events.after
    failures = {"left": 3}

    async def busy_then_fine(*args: Any, **kwargs: Any) -> Any:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise OperationalError("SELECT ...", {}, Exception("database is locked"))
        return await real_after(*args, **kwargs)

    with gateway(tmp_path) as url:
        async with websockets.connect(ws_url(url), origin=SHOP) as socket:
            await hello(socket)
            monkeypatch.setattr(events, "after", busy_then_fine)
            await socket.send(json.dumps({"type": "message", "client_id": "c1", "text": "hi"}))
            seen = await frames_until(
                socket, lambda f: f["type"] == "event" and f["event"]["sender"] != "buyer"
            )
            assert failures["left"] == 0
            assert [e["text"] for e in events_of(seen)] == ["hi", APOLOGY]
            assert {"type": "ack", "client_id": "c1", "seq": 1} in seen
            # The same socket goes on: a ping is answered.
            await socket.send(json.dumps({"type": "ping"}))
            await frames_until(socket, lambda f: f["type"] == "pong")
