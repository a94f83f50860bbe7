"""The buyer-message path to Rasa on aiohttp: `RasaClient` with `send` on an aiohttp session.

`send` runs once per bot turn. Under bench/turns.py load py-spy put about a fifth of the
gateway's CPU per turn in httpx and httpcore (request building, anyio streams, cookies) for
this one request; aiohttp (already installed: Rasa depends on it) does the same POST for
about 2 ms less CPU per turn on the development machine. The rarer calls (tracker events,
health) stay on the injected httpx client.

Same contract as `RasaClient.send`: the next Rasa server in turn, the others when one refuses
the connection (the message never reached it), `RasaUnavailable` for anything else.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import aiohttp
import httpx

from bot.conversations.rasa_client import CHANNEL_PATH, RasaClient, RasaUnavailable


def channel_session() -> aiohttp.ClientSession:
    """A keep-alive session for the gateway -> Rasa messages (the caller closes it). Idle
    connections close after 2 s, before Rasa's (Sanic) 5 s: a message is never written to a
    connection the server is closing."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=100, keepalive_timeout=2.0),
        # Rasa answers JSON; no cookies are part of this conversation.
        cookie_jar=aiohttp.DummyCookieJar(),
    )


class AiohttpRasaClient(RasaClient):
    """`RasaClient` whose `send` goes over `session` (owned by the caller)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        session: aiohttp.ClientSession,
        base_url: str | Sequence[str],
        *,
        token: str = "",
        timeout: float = 30.0,
        internal_token: str = "",
    ) -> None:
        super().__init__(
            client, base_url, token=token, timeout=timeout, internal_token=internal_token
        )
        self._session = session

    async def send(
        self,
        sender_id: str,
        text: str,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Deliver one message; returns the bot's replies in REST-channel form."""
        body = json.dumps({"sender": sender_id, "message": text, "metadata": metadata or {}})
        headers = {**self._channel_headers, "Content-Type": "application/json"}
        timeout = aiohttp.ClientTimeout(total=self._timeout)
        start = next(self._turns)
        refused: aiohttp.ClientConnectorError | None = None
        for offset in range(len(self._bases)):
            base = self._bases[(start + offset) % len(self._bases)]
            try:
                async with self._session.post(
                    f"{base}{CHANNEL_PATH}", data=body, headers=headers, timeout=timeout
                ) as response:
                    status, raw = response.status, await response.read()
            except aiohttp.ClientConnectorError as exc:
                refused = exc
                continue
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                raise RasaUnavailable(f"Rasa at {base} unreachable: {exc!r}") from exc
            return _replies(status, raw)
        where = ", ".join(self._bases)
        raise RasaUnavailable(f"Rasa at {where} unreachable: {refused!r}") from refused


def _replies(status: int, raw: bytes) -> list[dict[str, Any]]:
    if status != 200:
        shown = raw.decode("utf-8", errors="replace")[:200]
        raise RasaUnavailable(f"Rasa answered HTTP {status}: {shown}")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise RasaUnavailable("Rasa answered with a body that is not JSON") from exc
    if not isinstance(data, list):
        raise RasaUnavailable(f"unexpected Rasa reply shape: {type(data).__name__}")
    return [item for item in data if isinstance(item, dict)]
