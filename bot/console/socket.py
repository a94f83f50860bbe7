"""`/console/ws`: one WebSocket per console tab, authenticated by the login cookie, accepted
only from the gateway's own origin.

  server -> client  {"type": "hello", "agent": {...}}
  server -> client  {"type": "queue", "conversation_id", "seq", "status"?}   the list changed
  client -> server  {"type": "follow", "conversation_id", "after"}           open a conversation
  server -> client  {"type": "event", "conversation_id", "event": {...}}     each event > after
  server -> client  {"type": "delivery", "conversation_id", "seq", "delivery", "delivery_error"}
  client -> server  {"type": "typing", "on": bool}                           agent typing
  server -> client  {"type": "typing", "conversation_id", "who", "name", "on"}
  client -> server  {"type": "ping"}  -> {"type": "pong"}                     heartbeat
  server -> client  {"type": "bye", "reason"} then close 4401                login ended

Events always come from the database, read after the last seq this socket sent, so a bus
wake-up that is late, doubled or lost never shows an event twice or skips one; the client
sends the last seq it rendered when it (re)follows.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any
from urllib.parse import urlsplit

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from bot.console import auth
from bot.conversations import agents, events, queue

log = logging.getLogger(__name__)

CLOSE_UNAUTHORISED = 4401
CLOSE_FORBIDDEN = 4403
PAGE = 500


def same_origin(websocket: WebSocket) -> bool:
    """Browsers always send Origin on WebSockets; it must name this gateway (the host the
    socket was opened on), so another site cannot ride an agent's cookie."""
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host")
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


class ConsoleSocket:
    """One tab: follows at most one conversation at a time, plus the queue."""

    def __init__(self, websocket: WebSocket, staff: auth.Staff) -> None:
        self.ws = websocket
        self.staff = staff
        self.services = websocket.app.state.services
        self.following: str | None = None
        self.sent_seq = 0
        self._lock = asyncio.Lock()  # one catch-up at a time, so seqs go out in order
        self._send_lock = asyncio.Lock()  # the relay and the reader both send

    async def send(self, frame: dict[str, Any]) -> None:
        async with self._send_lock:
            await self.ws.send_text(json.dumps(frame))

    async def catch_up(self) -> None:
        """Send every event of the followed conversation after the last one sent."""
        async with self._lock:
            conversation_id = self.following
            if conversation_id is None:
                return
            while True:
                async with self.services.sessionmaker() as session:
                    found = await events.after(
                        conversation_id, self.sent_seq, session=session, limit=PAGE
                    )
                for message, name in found:
                    if self.following != conversation_id:
                        return
                    await self.send(
                        {
                            "type": "event",
                            "conversation_id": conversation_id,
                            "event": events.to_dict(message, name, staff=True),
                        }
                    )
                    self.sent_seq = int(message.seq)
                if len(found) < PAGE:
                    return

    async def follow(self, conversation_id: str, after: int) -> None:
        async with self._lock:
            self.following = conversation_id
            self.sent_seq = max(0, after)
        await self.catch_up()

    async def on_notice(self, notice: dict[str, Any]) -> None:
        kind = notice.get("type")
        conversation_id = notice.get("conversation_id")
        if kind == "resync":
            await self.send({"type": "queue", "conversation_id": None, "seq": None})
            await self.catch_up()
        elif kind == "event":
            await self.send(
                {
                    "type": "queue",
                    "conversation_id": conversation_id,
                    "seq": notice.get("seq"),
                    "status": notice.get("status"),
                }
            )
            if conversation_id == self.following:
                await self.catch_up()
        elif kind == "delivery" and conversation_id and conversation_id == self.following:
            seq = int(notice.get("seq") or 0)
            async with self.services.sessionmaker() as session:
                state, failure = await queue.delivery_of(conversation_id, seq, session=session)
            await self.send(
                {
                    "type": "delivery",
                    "conversation_id": conversation_id,
                    "seq": seq,
                    "delivery": state,
                    "delivery_error": failure,
                }
            )
        elif kind == "typing" and conversation_id == self.following:
            mine = notice.get("who") == "agent" and notice.get("name") == self.staff.agent.name
            if not mine:
                await self.send(notice)

    async def heartbeat(self) -> bool:
        """Mark the agent online; False when the login ended (logged out or disabled)."""
        async with self.services.sessionmaker() as session, session.begin():
            found = await agents.resolve_session(self.staff.token, session=session)
            if found is not None:
                await agents.seen(self.staff.agent.id, session=session)
        return found is not None

    async def on_frame(self, frame: dict[str, Any]) -> bool:
        """Handle one client frame; False to close the socket."""
        kind = frame.get("type")
        if kind == "follow":
            conversation_id = frame.get("conversation_id")
            after = frame.get("after", 0)
            if not isinstance(conversation_id, str) or not isinstance(after, int):
                await self.send({"type": "error", "error": "follow needs conversation_id, after"})
                return True
            await self.follow(conversation_id, after)
        elif kind == "unfollow":
            async with self._lock:
                self.following = None
        elif kind == "typing" and self.following:
            await self.services.desk.typing(
                self.following, "agent", bool(frame.get("on")), self.staff.agent.name
            )
        elif kind == "ping":
            if not await self.heartbeat():
                await self.send({"type": "bye", "reason": "your login has ended"})
                return False
            # A wake-up lost in transit is repaired here at the latest.
            await self.catch_up()
            await self.send({"type": "pong"})
        else:
            await self.send({"type": "error", "error": f"unknown frame type {kind!r}"})
        return True


async def console_socket(websocket: WebSocket) -> None:
    if not same_origin(websocket):
        await websocket.close(code=CLOSE_FORBIDDEN)
        return
    staff = await auth.staff_of(websocket)
    if staff is None:
        await websocket.close(code=CLOSE_UNAUTHORISED)
        return
    await websocket.accept()
    tab = ConsoleSocket(websocket, staff)
    # Subscribed before anything is read from the log, so no wake-up can fall in between.
    with tab.services.bus.follow() as notices:

        async def relay() -> None:
            async for notice in notices:
                await tab.on_notice(notice)

        relay_task = asyncio.create_task(relay())
        try:
            await tab.heartbeat()
            await tab.send({"type": "hello", "agent": staff.public()})
            while True:
                if relay_task.done():
                    relay_task.result()  # re-raise what broke the relay
                raw = await websocket.receive_text()
                try:
                    frame = json.loads(raw)
                except ValueError:
                    frame = None
                if not isinstance(frame, dict):
                    await tab.send({"type": "error", "error": "frames are JSON objects"})
                    continue
                if not await tab.on_frame(frame):
                    await websocket.close(code=CLOSE_UNAUTHORISED)
                    return
        except (WebSocketDisconnect, RuntimeError):
            log.debug("console socket closed agent=%s", staff.agent.name)
        finally:
            relay_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await relay_task


def route() -> WebSocketRoute:
    return WebSocketRoute("/ws", console_socket)
