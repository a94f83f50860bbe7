"""The gateway as `parceldesk run` starts it refuses oversized WebSocket frames at the door
(a chat message is at most 4,000 characters; 16 MB frames used to be read whole)."""

from __future__ import annotations

import json

import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from tests.support.stack import Stack

pytestmark = [pytest.mark.e2e]


async def test_a_frame_larger_than_the_limit_closes_the_socket(stack: Stack) -> None:
    url = f"ws://127.0.0.1:{stack.port}/widget/ws"
    async with websockets.connect(url, origin="http://localhost:8080", max_size=None) as ws:
        await ws.send(json.dumps({"type": "hello", "token": None, "after": 0}))
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome"
        await ws.send("x" * (1024 * 1024))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009  # message too big
