"""Talks to the Rasa server over its REST channel and HTTP API."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from typing import Any, TypeVar

import httpx

# Rasa's input channel for the gateway (bot/rasa_channel.py); the REST channel is off.
CHANNEL_PATH = "/webhooks/gateway/webhook"


class RasaUnavailable(Exception):
    """Rasa could not be reached or answered with an error; the message was not processed."""


T = TypeVar("T")


def channel_replies(status: int, raw: bytes) -> list[dict[str, Any]]:
    """The bot's replies from the channel's answer (REST-channel form); RasaUnavailable for an
    error status or a body that is not a JSON list. A reply that is not an object is dropped."""
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


class RasaClient:
    """Sends buyer messages to Rasa. The `httpx.AsyncClient` is injected and owned by the caller.

    With several Rasa servers (`base_url` a list) requests go round robin; they share the
    tracker store, and Rasa's lock store (Redis) keeps each conversation's messages in order.
    A server that refuses the connection is skipped: the request never reached it."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str | Sequence[str],
        *,
        token: str = "",
        timeout: float = 30.0,
        internal_token: str = "",
    ) -> None:
        self._client = client
        # Rasa's channel for the gateway accepts only this bearer token (bot/rasa_channel.py).
        self._channel_headers = (
            {"Authorization": f"Bearer {internal_token}"} if internal_token else {}
        )
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        self._bases = [url.rstrip("/") for url in urls if url.strip()]
        if not self._bases:
            raise ValueError("RasaClient needs at least one Rasa URL")
        self._base = self._bases[0]
        self._turns = itertools.count()
        self._token = token
        self._timeout = timeout

    def _in_turn(self, servers: Sequence[T]) -> list[T]:
        """`servers` (one per Rasa URL) in the order this request tries them: the next one in
        turn first (round robin), then the others."""
        start = next(self._turns) % len(servers)
        return [*servers[start:], *servers[:start]]

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request to the next Rasa server in turn (the others if it refuses to connect)."""
        refused: httpx.ConnectError | None = None
        for base in self._in_turn(self._bases):
            try:
                return await self._client.request(method, f"{base}{path}", **kwargs)
            except httpx.ConnectError as exc:
                refused = exc
            except httpx.HTTPError as exc:
                raise RasaUnavailable(f"Rasa at {base} unreachable: {exc!r}") from exc
        where = ", ".join(self._bases)
        raise RasaUnavailable(f"Rasa at {where} unreachable: {refused!r}") from refused

    async def send(
        self,
        sender_id: str,
        text: str,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Deliver one message; returns the bot's replies in REST-channel form."""
        body = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        response = await self._request(
            "POST",
            CHANNEL_PATH,
            json=body,
            headers=self._channel_headers,
            timeout=self._timeout,
        )
        return channel_replies(response.status_code, response.content)

    async def append_events(self, conversation_id: str, items: list[dict[str, Any]]) -> None:
        """Append events (pause, resume, slot, bot) to the conversation's tracker."""
        response = await self._request(
            "POST",
            f"/conversations/{conversation_id}/tracker/events",
            params={"token": self._token} if self._token else None,
            json=items,
            timeout=self._timeout,
        )
        if response.status_code != 200:
            raise RasaUnavailable(
                f"Rasa answered HTTP {response.status_code}: {response.text[:200]}"
            )

    async def tracker_events(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation's tracker events (all of them), oldest first."""
        response = await self._request(
            "GET",
            f"/conversations/{conversation_id}/tracker",
            params={"include_events": "ALL", **({"token": self._token} if self._token else {})},
            timeout=self._timeout,
        )
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            events = response.json().get("events") or []
        except (ValueError, AttributeError) as exc:
            raise RasaUnavailable("Rasa answered a tracker that is not JSON") from exc
        return [e for e in events if isinstance(e, dict)]

    async def healthy(self) -> bool:
        """True when a Rasa server answers its status endpoint with a loaded model (any one
        of them: the others take its share of messages while it is down)."""
        for base in self._bases:
            if await self._healthy(base):
                return True
        return False

    async def _healthy(self, base: str) -> bool:
        try:
            response = await self._client.get(
                f"{base}/status",
                params={"token": self._token} if self._token else None,
                timeout=3.0,
            )
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            return False
        try:
            return bool(response.json().get("model_file"))
        except ValueError:
            return False
