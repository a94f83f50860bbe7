"""Rasa's only input channel: the gateway. `POST /webhooks/gateway/webhook` takes and returns
the REST channel's bodies, but only with `Authorization: Bearer <PARCELDESK_INTERNAL_TOKEN>`
(compared in constant time), so neither a local process nor a web page in a browser on this
host can talk to the bot around the gateway's transcript. Loaded by Rasa from credentials.yml;
the token comes from the environment, never from a command line."""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

TOKEN_ENV = "PARCELDESK_INTERNAL_TOKEN"


class GatewayInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "gateway"

    def __init__(self, token: str | None = None) -> None:
        self._token = token if token is not None else os.environ.get(TOKEN_ENV, "")

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GatewayInput:
        return cls()

    def authorised(self, header: str | None) -> bool:
        scheme, _, given = (header or "").partition(" ")
        return (
            bool(self._token)
            and scheme.lower() == "bearer"
            and hmac.compare_digest(given.strip().encode(), self._token.encode())
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.on_request
        async def only_the_gateway(request: Request) -> Any:
            if not self.authorised(request.headers.get("authorization")):
                return response.json({"error": "only the gateway may talk to Rasa"}, status=401)
            if "json" not in (request.headers.get("content-type") or ""):
                return response.json({"error": "JSON bodies only"}, status=415)
            return None

        return blueprint
