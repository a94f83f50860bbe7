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
from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket

from bot.conversations.replies import Inbound, Reply
from bot.conversations.router import Router
from bot.tracking.texts import text

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_TEXT = 4000
FAILURE = text("gateway.failure")
FRAME_HELP = 'send JSON frames like {"type": "message", "text": "where is my parcel?"}'
_SESSION_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


async def demo_page(_request: Request) -> FileResponse:
    return FileResponse(STATIC_DIR / "demo.html", media_type="text/html")


class LiveSockets:
    """Open chat sockets by conversation, so the notifier and agents can push to a buyer who
    is online. (One process's sockets; replicas share state through the database.)"""

    def __init__(self) -> None:
        self._sockets: dict[str, set[WebSocket]] = {}

    def add(self, conversation_id: str, websocket: WebSocket) -> None:
        self._sockets.setdefault(conversation_id, set()).add(websocket)

    def discard(self, conversation_id: str, websocket: WebSocket) -> None:
        sockets = self._sockets.get(conversation_id)
        if sockets is not None:
            sockets.discard(websocket)
            if not sockets:
                del self._sockets[conversation_id]

    async def push(self, conversation_id: str, replies: Sequence[Reply]) -> bool:
        """Send to every open tab of the conversation; False when none is open."""
        delivered = False
        for websocket in list(self._sockets.get(conversation_id, ())):
            try:
                for reply in replies:
                    await websocket.send_json({"type": "message", **reply.to_dict()})
                delivered = True
            except (RuntimeError, OSError):  # the tab went away mid-send
                self.discard(conversation_id, websocket)
        return delivered


def live_sockets(app: Starlette) -> LiveSockets:
    """The app's registry of open chat sockets (created on first use)."""
    if not hasattr(app.state, "live_sockets"):
        app.state.live_sockets = LiveSockets()
    return app.state.live_sockets


async def chat_socket(websocket: WebSocket) -> None:
    """One browser tab's chat. Reconnecting with `?session=<id>` continues the conversation."""
    await websocket.accept()
    requested = websocket.query_params.get("session", "")
    session_id = requested if _SESSION_ID.match(requested) else uuid.uuid4().hex
    conversation_id = f"web:{session_id}"
    await websocket.send_json({"type": "session", "conversation_id": session_id})
    router = websocket.app.state.services.router
    sockets = live_sockets(websocket.app)
    sockets.add(conversation_id, websocket)
    try:
        await _converse(websocket, router, conversation_id, session_id)
    finally:
        sockets.discard(conversation_id, websocket)


async def _converse(
    websocket: WebSocket, router: Router, conversation_id: str, session_id: str
) -> None:
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
