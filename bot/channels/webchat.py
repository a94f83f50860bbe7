"""Web chat channel: a WebSocket endpoint and the plain demo page at `/`.

Protocol (JSON frames):
  server -> client  {"type": "session", "conversation_id": "..."}      on connect
  client -> server  {"type": "message", "text": "..."}                  a buyer's message
  server -> client  {"type": "typing"}                                  while the bot works
  server -> client  {"type": "message", "text": "...", "buttons": [...]}  each reply
  server -> client  {"type": "error", "error": "..."}                   a frame we cannot read
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket

from bot.conversations.replies import Inbound
from bot.tracking.texts import text

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_TEXT = 4000
FAILURE = text("gateway.failure")
FRAME_HELP = 'send JSON frames like {"type": "message", "text": "where is my parcel?"}'
_SESSION_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


async def demo_page(_request: Request) -> FileResponse:
    return FileResponse(STATIC_DIR / "demo.html", media_type="text/html")


async def chat_socket(websocket: WebSocket) -> None:
    """One browser tab's chat. Reconnecting with `?session=<id>` continues the conversation."""
    await websocket.accept()
    requested = websocket.query_params.get("session", "")
    session_id = requested if _SESSION_ID.match(requested) else uuid.uuid4().hex
    conversation_id = f"web:{session_id}"
    await websocket.send_json({"type": "session", "conversation_id": session_id})
    router = websocket.app.state.services.router
    while True:
        frame = await websocket.receive()
        if frame["type"] == "websocket.disconnect":
            log.debug("web chat %s disconnected", conversation_id)
            return
        message = _read_text(frame.get("text") or "")
        if message is None:
            await websocket.send_json({"type": "error", "error": FRAME_HELP})
            continue
        if len(message) > MAX_TEXT:
            await websocket.send_json(
                {"type": "error", "error": f"message longer than {MAX_TEXT} characters"}
            )
            continue
        await websocket.send_json({"type": "typing"})
        try:
            replies = await router.handle(
                Inbound(
                    channel="web",
                    conversation_id=conversation_id,
                    text=message,
                    sender_id=session_id,
                )
            )
        except Exception:  # logged with context; the buyer gets a polite answer, not a dead socket
            log.exception("web chat message failed conversation=%s", conversation_id)
            await websocket.send_json({"type": "message", "text": FAILURE, "buttons": []})
            continue
        for reply in replies:
            await websocket.send_json({"type": "message", **reply.to_dict()})


def _read_text(raw: str) -> str | None:
    try:
        frame = json.loads(raw)
    except ValueError:
        return None
    if isinstance(frame, dict) and frame.get("type", "message") == "message":
        text = frame.get("text")
        return text if isinstance(text, str) else None
    return None


def routes() -> list[BaseRoute]:
    return [
        Route("/", demo_page, methods=["GET"]),
        WebSocketRoute("/ws", chat_socket),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
