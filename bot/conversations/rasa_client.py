"""Talks to the Rasa server over its REST channel and HTTP API."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa could not be reached or answered with an error; the message was not processed."""


class RasaClient:
    """Sends buyer messages to Rasa. The `httpx.AsyncClient` is injected and owned by the caller."""

    def __init__(
        self, client: httpx.AsyncClient, base_url: str, *, token: str = "", timeout: float = 30.0
    ) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._token = token
        self._timeout = timeout

    async def send(
        self,
        sender_id: str,
        text: str,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Deliver one message; returns the bot's replies in REST-channel form."""
        body = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        try:
            response = await self._client.post(
                f"{self._base}/webhooks/rest/webhook", json=body, timeout=self._timeout
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa at {self._base} unreachable: {exc!r}") from exc
        if response.status_code != 200:
            raise RasaUnavailable(
                f"Rasa answered HTTP {response.status_code}: {response.text[:200]}"
            )
        try:
            data = response.json()
        except ValueError as exc:
            raise RasaUnavailable("Rasa answered with a body that is not JSON") from exc
        if not isinstance(data, list):
            raise RasaUnavailable(f"unexpected Rasa reply shape: {type(data).__name__}")
        return [item for item in data if isinstance(item, dict)]

    async def append_events(self, conversation_id: str, items: list[dict[str, Any]]) -> None:
        """Append events (pause, resume, slot, bot) to the conversation's tracker."""
        try:
            response = await self._client.post(
                f"{self._base}/conversations/{conversation_id}/tracker/events",
                params={"token": self._token} if self._token else None,
                json=items,
                timeout=self._timeout,
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa at {self._base} unreachable: {exc!r}") from exc
        if response.status_code != 200:
            raise RasaUnavailable(
                f"Rasa answered HTTP {response.status_code}: {response.text[:200]}"
            )

    async def tracker_events(self, conversation_id: str) -> list[dict[str, Any]]:
        """The conversation's tracker events (all of them), oldest first."""
        try:
            response = await self._client.get(
                f"{self._base}/conversations/{conversation_id}/tracker",
                params={"include_events": "ALL", **({"token": self._token} if self._token else {})},
                timeout=self._timeout,
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"Rasa at {self._base} unreachable: {exc!r}") from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            events = response.json().get("events") or []
        except (ValueError, AttributeError) as exc:
            raise RasaUnavailable("Rasa answered a tracker that is not JSON") from exc
        return [e for e in events if isinstance(e, dict)]

    async def healthy(self) -> bool:
        """True when the Rasa server answers its status endpoint with a loaded model."""
        try:
            response = await self._client.get(
                f"{self._base}/status",
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
