"""`POST /telegram/webhook`: where Telegram delivers updates in webhook mode."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.http_limits import BadJson, BodyTooLarge, parse_json, read_body

if TYPE_CHECKING:
    from bot.channels.telegram.channel import TelegramChannel

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_WEBHOOK_BODY = 1_000_000


async def telegram_webhook(request: Request) -> Response:
    """`POST /telegram/webhook`: one update from Telegram, checked against the secret."""
    channel: TelegramChannel | None = request.app.state.services.extras.get("telegram")
    if channel is None or not channel.webhook_mode:
        return JSONResponse({"error": "the Telegram webhook is not enabled"}, status_code=404)
    expected = request.app.state.services.settings.telegram_secret
    if not secret_matches(expected, request.headers.get(SECRET_HEADER)):
        return JSONResponse({"error": "wrong secret token"}, status_code=403)
    try:
        data = parse_json(await read_body(request, MAX_WEBHOOK_BODY))
    except BodyTooLarge:
        return JSONResponse({"error": "update too large"}, status_code=413)
    except BadJson:
        return JSONResponse({"error": "body is not JSON"}, status_code=400)
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return JSONResponse({"error": "not a Telegram update"}, status_code=400)
    if not channel.application.running:
        # Shutting down: Telegram retries later, another replica or the restarted one answers.
        return JSONResponse({"error": "shutting down"}, status_code=503)
    await channel.accept(data)
    return Response(status_code=200)


def secret_matches(expected: str, header: str | None) -> bool:
    """True when a webhook request carries our secret (compared in constant time)."""
    if not expected or header is None:
        return False
    return hmac.compare_digest(header.encode(), expected.encode())


def telegram_routes() -> list[BaseRoute]:
    """Gateway routes of the Telegram channel."""
    return [Route("/telegram/webhook", telegram_webhook, methods=["POST"])]
