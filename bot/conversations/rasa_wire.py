"""The buyer-message path to Rasa: HTTP/1.1 keep-alive over asyncio streams, parsed by httptools.

`send` runs once per bot turn, and the gateway's own latency per turn is what a buyer waits
for on top of Rasa's. Measured on the 2-core development machine, with the gap of a real turn
between requests (the gateway idles while Rasa works, and then runs with cold caches), one
POST to Rasa cost 0.84-0.90 ms of the gateway's CPU over aiohttp (0.22 ms back to back) and
0.26 ms here (0.08 ms back to back); httpx cost more than aiohttp. The request is always the
same shape (a JSON POST to one path of a known server), so what a general client does per
request (URL and header objects, cookie jars, tracing hooks, payload wrappers) is not needed.
httptools (the parser uvicorn uses) reads the responses, chunked or not; asyncio's streams
carry the bytes, with TLS for `https://` Rasa servers.

Same contract as `RasaClient.send`: the next Rasa server in turn, the others when one cannot
be connected to (the message never reached it), `RasaUnavailable` for anything else. The
rarer calls (tracker events, health) stay on the injected httpx client.

Idle connections are dropped after `IDLE_SECONDS` (2 s), before Rasa's (Sanic) 5 s keep-alive
ends them: a message is never written to a connection the server is closing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httptools

from bot.conversations.rasa_client import (
    CHANNEL_PATH,
    RasaClient,
    RasaUnavailable,
    channel_replies,
)

IDLE_SECONDS = 2.0
MAX_RESPONSE_BYTES = 8 * 1024 * 1024


class NotConnected(Exception):
    """The server could not be connected to: the request never reached it."""


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0

    def usable(self, now: float) -> bool:
        return (
            now - self.idle_since < IDLE_SECONDS
            and not self.reader.at_eof()
            and not self.writer.is_closing()
        )

    def close(self) -> None:
        self.writer.close()


@dataclass
class _Response:
    """What httptools' callbacks collect for one response."""

    body: list[bytes] = field(default_factory=list)
    size: int = 0
    complete: bool = False
    keep_alive: bool = False
    parser: Any = None

    def on_headers_complete(self) -> None:
        # Read here: the parser resets itself once the message is complete.
        self.keep_alive = bool(self.parser.should_keep_alive())

    def on_body(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_RESPONSE_BYTES:
            raise ValueError("response too large")
        self.body.append(chunk)

    def on_message_complete(self) -> None:
        self.complete = True


class Server:
    """One Rasa server: its address, the request head for the channel, idle connections."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base}")
        self.base = base
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.tls = ssl.create_default_context() if parts.scheme == "https" else None
        path = (parts.path.rstrip("/") + CHANNEL_PATH).encode()
        host = parts.netloc.rpartition("@")[2].encode()
        lines = [b"POST " + path + b" HTTP/1.1", b"Host: " + host]
        lines += [f"{name}: {value}".encode("latin-1") for name, value in headers.items()]
        lines += [b"Content-Type: application/json", b"Accept: application/json"]
        self._head = b"\r\n".join(lines) + b"\r\nContent-Length: "
        self._idle: list[_Connection] = []

    async def post(self, body: bytes) -> tuple[int, bytes]:
        """POST `body` to the channel; (status, response body)."""
        connection = await self._connection()
        try:
            status, raw, keep = await self._exchange(connection, body)
        except BaseException:
            connection.close()  # half a response, a timeout, a cancel: never reused
            raise
        if keep:
            connection.idle_since = time.monotonic()
            self._idle.append(connection)
        else:
            connection.close()
        return status, raw

    async def _connection(self) -> _Connection:
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()
            if connection.usable(now):
                return connection
            connection.close()
        try:
            reader, writer = await asyncio.open_connection(
                self.host, self.port, ssl=self.tls, limit=MAX_RESPONSE_BYTES
            )
        except OSError as exc:  # refused, unreachable, no such host
            raise NotConnected(f"{self.base}: {exc!r}") from exc
        return _Connection(reader, writer)

    async def _exchange(self, connection: _Connection, body: bytes) -> tuple[int, bytes, bool]:
        connection.writer.write(self._head + str(len(body)).encode() + b"\r\n\r\n" + body)
        response = _Response()
        parser = response.parser = httptools.HttpResponseParser(response)
        while not response.complete:
            data = await connection.reader.read(65536)
            if not data:
                raise ConnectionError("Rasa closed the connection before answering in full")
            parser.feed_data(data)
        return parser.get_status_code(), b"".join(response.body), response.keep_alive

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()


class WireRasaClient(RasaClient):
    """`RasaClient` whose `send` goes over its own keep-alive connections (see the module's
    docstring); `aclose()` closes them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # RasaClient's arguments
        self._servers = [Server(base, self._channel_headers) for base in self._bases]

    async def send(
        self,
        sender_id: str,
        text: str,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Deliver one message; returns the bot's replies in REST-channel form."""
        body = json.dumps({"sender": sender_id, "message": text, "metadata": metadata or {}})
        refused: NotConnected | None = None
        for server in self._in_turn(self._servers):
            try:
                status, raw = await asyncio.wait_for(server.post(body.encode()), self._timeout)
            except NotConnected as exc:
                refused = exc
                continue
            except (OSError, ValueError, httptools.HttpParserError, asyncio.TimeoutError) as exc:
                raise RasaUnavailable(f"Rasa at {server.base} unreachable: {exc!r}") from exc
            return channel_replies(status, raw)
        where = ", ".join(self._bases)
        raise RasaUnavailable(f"Rasa at {where} unreachable: {refused!r}") from refused

    async def aclose(self) -> None:
        for server in self._servers:
            with contextlib.suppress(Exception):
                server.close()
