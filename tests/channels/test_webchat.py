"""The web chat socket: clear errors for bad frames, polite answers for failures, no dead ends."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import websockets

from bot.channels.webchat import FAILURE
from bot.conversations.router import APOLOGY
from tests.channels.gateway_app import gateway


async def _next_message(socket: websockets.WebSocketClientProtocol) -> dict:
    while True:
        frame = json.loads(await socket.recv())
        if frame["type"] in ("message", "error"):
            return frame


async def test_bad_frames_get_an_error_and_the_chat_goes_on(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        async with websockets.connect(url.replace("http", "ws") + "/ws") as socket:
            assert json.loads(await socket.recv())["type"] == "session"
            await socket.send(b"\x00binary")
            assert (await _next_message(socket))["type"] == "error"
            await socket.send(json.dumps({"type": "message", "text": "x" * 5000}))
            assert "longer than" in (await _next_message(socket))["error"]
            await socket.send(json.dumps({"type": "message", "text": "hi"}))
            # Rasa is down: the buyer is told so, and the socket stays open.
            assert (await _next_message(socket))["text"] == APOLOGY


async def test_a_storage_failure_gets_a_polite_answer_not_a_closed_socket(tmp_path: Path) -> None:
    with gateway(tmp_path, migrated=False) as url:
        async with websockets.connect(url.replace("http", "ws") + "/ws") as socket:
            await socket.recv()
            await socket.send(json.dumps({"type": "message", "text": "hi"}))
            assert (await _next_message(socket))["text"] == FAILURE
            await socket.send(json.dumps({"type": "message", "text": "still there?"}))
            assert (await _next_message(socket))["text"] == FAILURE


def test_the_demo_page_and_its_assets_are_served(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        page = httpx.get(url + "/", timeout=10)
        script = httpx.get(url + "/static/demo.js", timeout=10)
    assert page.status_code == 200 and 'id="composer"' in page.text
    assert script.status_code == 200 and "WebSocket" in script.text
