"""The widget's WebSocket (`/widget/ws`): one browser tab following one conversation.

Protocol (JSON text frames):
  client -> server  {"type": "hello", "token": str|null, "after": seq, "ref": str|null,
                     "user": {"id", "name", "email", "hash"}|null, "locale": str|null}   first
  server -> client  {"type": "welcome", "token": str|null, "ref": str, "reset": bool,
                     "status": "bot"|"pending"|"open"|"resolved", "lang": str}
  server -> client  {"type": "event", "event": {...events.to_dict...}}   every buyer-visible
                     event after `after`, then each new one, in seq order, never twice
  client -> server  {"type": "message", "client_id": str, "text": str}
  server -> client  {"type": "ack", "client_id": str, "seq": int}    stored (also for repeats)
  client -> server  {"type": "typing", "on": bool} | {"type": "read", "seq": int} | {"type": "ping"}
  server -> client  {"type": "typing", "who": "bot"|"agent", "name": str, "on": bool}
  server -> client  {"type": "error", "code": str, "error": str[, "client_id"]} | {"type": "pong"}

The database is the truth: every wake-up (bus notice, reconnect, a periodic safety tick) reads
the log after the last seq this socket sent. Bot replies reach the tab that way too, so what
`router.handle` returns is not sent again. The conversation token is never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.websockets import WebSocket, WebSocketDisconnect

from bot.channels.widget import origins, presence
from bot.conversations import buyers, events, identity
from bot.conversations.replies import Inbound
from bot.conversations.turn_errors import AlreadyHandled
from bot.texts import normalise, text

log = logging.getLogger(__name__)

MAX_TEXT = 4000
# A 4000-character message is at most ~24 KB of JSON even with every character escaped.
MAX_FRAME = 64 * 1024
HELLO_TIMEOUT = 10.0
# Re-read the log this often even without a wake-up (a lost Redis notice, a missed race).
SAFETY_TICK = 20.0
# After a failed read of the log, the next try comes this much sooner than a safety tick.
RETRY_AFTER_FAILURE = 1.0
# Messages of one socket being processed at once; more wait (back-pressure on the reader).
IN_FLIGHT = 8
PAGE = 200
FAILURE = text("gateway.failure")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# Close codes the widget understands (4000-4999 are application codes).
CLOSE_ORIGIN = 4403
CLOSE_IDENTITY = 4401
CLOSE_PROTOCOL = 4400


def ref_of(conversation_id: str) -> str:
    """A stable, non-secret handle for the conversation (tells a tab its log belongs to it)."""
    return hashlib.sha256(conversation_id.encode()).hexdigest()[:16]


class Refused(Exception):
    def __init__(self, code: str, message: str, close: int) -> None:
        super().__init__(message)
        self.code = code
        self.close = close


def _user_of(hello: dict[str, Any], settings: Any) -> str | None:
    """The verified user id, or None for an anonymous visitor. Raises Refused for a wrong
    signature (never silently downgraded) and, when identity is required, for no signature."""
    user = hello.get("user")
    verified: str | None = None
    if isinstance(user, dict) and user.get("id") not in (None, ""):
        user_id = str(user["id"])[: identity.MAX_USER_ID]
        if settings.widget_identity_secret:
            if not identity.verify(settings.widget_identity_secret, user_id, user.get("hash")):
                raise Refused("identity", "the user's signature does not match", CLOSE_IDENTITY)
            verified = user_id
    if settings.widget_identity_required and verified is None:
        raise Refused("identity_required", "this chat needs a signed-in user", CLOSE_IDENTITY)
    return verified


class WidgetConnection:
    """One open socket: sends the log in order and relays the buyer's frames."""

    def __init__(self, websocket: WebSocket, conversation_id: str, after: int) -> None:
        self.websocket = websocket
        self.services = websocket.app.state.services
        self.conversation_id = conversation_id
        # Who is behind the socket across conversations (order-check attempts are limited per
        # client): the peer address.
        peer = websocket.client.host if websocket.client else "unknown"
        self.client = f"web:{peer}"
        self.sent_seq = after
        self._send_lock = asyncio.Lock()
        self._flush_lock = asyncio.Lock()
        self._unread: dict[int, int] = {}  # seq -> message id: pushed, not yet read
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._tasks: set[asyncio.Task[None]] = set()
        self._working = 0
        self._failed = asyncio.Event()  # a delivery failed: the tick retries soon

    async def send(self, frame: dict[str, Any]) -> None:
        async with self._send_lock:
            await self.websocket.send_text(json.dumps(frame, separators=(",", ":")))

    async def flush(self) -> None:
        """Send every buyer-visible event after the last one sent; mark outbound ones `sent`."""
        async with self._flush_lock:
            while True:
                async with self.services.sessionmaker() as session:
                    rows = await events.after(
                        self.conversation_id,
                        self.sent_seq,
                        session=session,
                        kinds=events.BUYER_KINDS,
                        limit=PAGE,
                    )
                if not rows:
                    return
                pushed: list[int] = []
                for message, agent_name in rows:
                    await self.send({"type": "event", "event": events.to_dict(message, agent_name)})
                    if message.sender == "buyer" and message.client_id:
                        await self.send(
                            {"type": "ack", "client_id": message.client_id, "seq": message.seq}
                        )
                    if message.direction == "out" and message.delivery != "delivered":
                        self._unread[int(message.seq)] = message.id
                        if message.delivery != "sent":
                            pushed.append(message.id)
                    self.sent_seq = int(message.seq)
                if pushed:
                    async with self.services.sessionmaker() as session, session.begin():
                        await events.set_delivery(pushed, "sent", session=session)
                if len(rows) < PAGE:
                    return

    async def deliver(self) -> None:
        """`flush`; a database error is logged and the tick reads again soon, so that the loops
        that deliver events outlive one failed read."""
        try:
            await self.flush()
        except SQLAlchemyError as exc:
            self._failed.set()
            log.warning(
                "widget delivery failed conversation=%s after seq=%s: %s (retrying)",
                self.conversation_id,
                self.sent_seq,
                type(exc).__name__,
            )

    async def mark_read(self, seq: int) -> None:
        ids = [mid for s, mid in self._unread.items() if s <= seq]
        if not ids:
            return
        async with self.services.sessionmaker() as session, session.begin():
            await events.set_delivery(ids, "delivered", session=session)
        for s in [s for s in self._unread if s <= seq]:
            del self._unread[s]

    async def follow(self, follower: AsyncIterator[dict[str, Any]]) -> None:
        """Wake-ups from the bus: new events of this conversation, staff typing, resyncs."""
        async for notice in follower:
            kind = notice.get("type")
            if kind == "resync":
                await self.deliver()
            elif notice.get("conversation_id") != self.conversation_id:
                continue
            elif kind == "event" and int(notice.get("seq") or 0) > self.sent_seq:
                await self.deliver()
            elif kind == "typing" and notice.get("who") in ("bot", "agent"):
                await self.send(
                    {
                        "type": "typing",
                        "who": notice.get("who"),
                        "name": str(notice.get("name") or ""),
                        "on": bool(notice.get("on")),
                    }
                )

    async def tick(self) -> None:
        """A read of the log every SAFETY_TICK whatever the bus says, and soon after a failure."""
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._failed.wait(), SAFETY_TICK)
            if self._failed.is_set():
                await asyncio.sleep(RETRY_AFTER_FAILURE)
                self._failed.clear()
            await self.deliver()

    async def read(self) -> None:
        """The buyer's frames until the socket closes."""
        while True:
            raw = await _receive(self.websocket)
            if raw is not None and len(raw) > MAX_FRAME:
                await self.websocket.close(code=1009)  # "message too big"
                return
            frame = (_json(raw) if raw else None) or {}
            kind = frame.get("type")
            if kind == "message":
                await self._message(frame)
            elif kind == "typing":
                on = bool(frame.get("on"))
                await self.services.desk.typing(self.conversation_id, "buyer", on)
            elif kind == "read" and isinstance(frame.get("seq"), int):
                await self.mark_read(int(frame["seq"]))
            elif kind == "ping":
                await self.send({"type": "pong"})
            else:
                await self.send(
                    {"type": "error", "code": "frame", "error": "unknown or malformed frame"}
                )

    async def _message(self, frame: dict[str, Any]) -> None:
        client_id, body = frame.get("client_id"), frame.get("text")
        if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
            await self.send({"type": "error", "code": "client_id", "error": "bad client_id"})
            return
        if not isinstance(body, str) or len(body) > MAX_TEXT:
            await self.send(
                {
                    "type": "error",
                    "code": "too_long",
                    "client_id": client_id,
                    "error": f"messages are at most {MAX_TEXT} characters",
                }
            )
            return
        await self._slots.acquire()
        task = asyncio.create_task(self._handle(client_id, body))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, client_id: str, body: str) -> None:
        desk = self.services.desk
        try:
            self._working += 1
            if self._working == 1:
                await desk.typing(self.conversation_id, "bot", True)
            try:
                await self.services.router.handle(
                    Inbound(
                        channel="web",
                        conversation_id=self.conversation_id,
                        text=body,
                        client_id=client_id,
                        metadata={"client": self.client},
                    )
                )
            except AlreadyHandled as repeat:
                await self.send({"type": "ack", "client_id": client_id, "seq": repeat.seq})
            except Exception:  # logged with context; the buyer is told, the socket stays up
                log.exception("widget message failed conversation=%s", self.conversation_id)
                await self.send(
                    {"type": "error", "code": "failed", "client_id": client_id, "error": FAILURE}
                )
            # The reply events were announced on the bus; read them now anyway, in case this
            # socket's wake-up is still queued behind others.
            await self.deliver()
        except (WebSocketDisconnect, RuntimeError, OSError):
            return  # the tab went away; what was stored is read on its next connection
        finally:
            self._working -= 1
            if self._working == 0:
                with contextlib.suppress(Exception):
                    await desk.typing(self.conversation_id, "bot", False)
            self._slots.release()

    async def run(self) -> None:
        # Subscribed before the catch-up read, so nothing published in between is missed.
        follower = self.services.bus.follow()
        helpers = [asyncio.create_task(self.follow(follower)), asyncio.create_task(self.tick())]
        try:
            await self.flush()
            await self.read()
        finally:
            follower.close()
            for task in helpers:
                task.cancel()
            for task in helpers:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task


async def _receive(websocket: WebSocket) -> str | None:
    """The next text frame; None for a binary one. Raises WebSocketDisconnect on close."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    return message.get("text")


def _json(raw: str) -> dict[str, Any] | None:
    try:
        frame = json.loads(raw)
    except ValueError:
        return None
    return frame if isinstance(frame, dict) else None


async def _hello(websocket: WebSocket) -> dict[str, Any]:
    raw = await asyncio.wait_for(_receive(websocket), HELLO_TIMEOUT)
    frame = _json(raw) if raw and len(raw) <= MAX_FRAME else None
    if not frame or frame.get("type") != "hello":
        raise Refused("hello", 'the first frame must be {"type": "hello", ...}', CLOSE_PROTOCOL)
    return frame


async def widget_socket(websocket: WebSocket) -> None:
    """Origin check, hello (token or signed user), then follow the conversation."""
    services = websocket.app.state.services
    settings = services.settings
    origin = websocket.headers.get("origin")
    own = origins.same_site(origin, websocket.headers.get("host"), websocket.url.scheme == "wss")
    if not own and not origins.allowed(origin, settings.widget_origins):
        log.warning("widget socket refused for origin %r", origin)
        await websocket.close(code=CLOSE_ORIGIN)  # before accept: the handshake gets a 403
        return
    await websocket.accept()
    try:
        hello = await _hello(websocket)
        user = _user_of(hello, settings)
        token = hello.get("token") if isinstance(hello.get("token"), str) else None
        async with services.sessionmaker() as session, session.begin():
            opened = await identity.open_conversation(
                session,
                token=token[:128] if token else None,
                verified_user=user,
                language=identity.clean_language(hello.get("locale")),
            )
            status = await identity.status_of(opened.conversation_id, session)
            lang = normalise(await buyers.language(opened.conversation_id, session=session))
    except Refused as refused:
        with contextlib.suppress(Exception):
            await websocket.send_json(
                {"type": "error", "code": refused.code, "error": str(refused)}
            )
            await websocket.close(code=refused.close)
        return
    except (asyncio.TimeoutError, WebSocketDisconnect):
        with contextlib.suppress(Exception):
            await websocket.close(code=CLOSE_PROTOCOL)
        return
    except Exception:  # storage down: a polite answer and a close the widget retries after
        log.exception("widget hello failed")
        with contextlib.suppress(Exception):
            await websocket.send_json({"type": "error", "code": "unavailable", "error": FAILURE})
            await websocket.close(code=1011)
        return
    ref = ref_of(opened.conversation_id)
    after = hello.get("after")
    # A tab that rendered another conversation (new token, other user) starts from the top.
    reset = hello.get("ref") != ref or not isinstance(after, int) or after < 0
    start = after if isinstance(after, int) and not reset else 0
    try:
        await websocket.send_json(
            {
                "type": "welcome",
                "token": opened.token,
                "ref": ref,
                "reset": reset,
                "status": status,
                "lang": lang,
            }
        )
    except WebSocketDisconnect:  # the tab went away before its welcome: nothing to serve
        return
    connection = WidgetConnection(websocket, opened.conversation_id, start)
    online = presence.of(websocket.app)
    online.add(opened.conversation_id)
    try:
        await connection.run()
    except (WebSocketDisconnect, RuntimeError, OSError):
        log.debug("widget socket closed conversation=%s", opened.conversation_id)
    finally:
        online.discard(opened.conversation_id)
