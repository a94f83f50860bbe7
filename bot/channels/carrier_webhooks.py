"""Carrier push endpoints: `POST /webhooks/<path>` for every provider module that declares a
webhook (bot.carriers.providers: 17TRACK, AfterShip); a push updates the shipments cache.

Updates are merged into the gateway's `shipments` table, through the session factory the
gateway's lifespan puts in `request.app.state.services.sessionmaker`.

Each request is authenticated by its signature (header and signing function declared by the
provider module) before its body is parsed. A missing or wrong signature gets 401; a request
without the header is refused before its body is read, and a body is never read past
`MAX_WEBHOOK_BODY`. A signed push seen before (AfterShip's `event_id`, else the signature of
the exact body) is not applied again, and an AfterShip event whose `ts` is older than
`REPLAY_WINDOW` is refused (AfterShip webhook specification: `ts`, `event_id`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.carriers.cache import DbShipmentStore, ShipmentStore
from bot.carriers.providers import specs
from bot.carriers.providers.aftership import signature as aftership_signature
from bot.carriers.providers.track17 import signature as track17_signature
from bot.carriers.service import TrackingService
from bot.config import Settings
from bot.conversations import dedupe
from bot.http_limits import BadJson, BodyTooLarge, parse_json, read_body

# The signing functions live with their providers; re-exported for tests and scripts.
__all__ = ["aftership_signature", "carrier_webhook_routes", "track17_signature"]
from bot.tracking.model import Shipment

log = logging.getLogger(__name__)

# A tracking push with a long history is tens of KB; nothing legitimate comes near this.
MAX_WEBHOOK_BODY = 1024 * 1024
REPLAY_WINDOW = 7 * 24 * 3600


def _matches(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.strip().encode(), expected.encode())


Parser = Callable[[dict[str, Any]], Shipment | None]


def _gateway_store(request: Request) -> ShipmentStore:
    # Looked up per request: the lifespan opens the database after the routes are built.
    return DbShipmentStore(request.app.state.services.sessionmaker)


def _endpoint(
    *,
    name: str,
    secret: str,
    header: str,
    sign: Callable[[bytes, str], str],
    parse: Parser,
) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def receive(request: Request) -> JSONResponse:
        if not secret:
            log.warning("%s webhook refused: no key configured to verify it", name)
            return JSONResponse({"error": "webhook key not configured"}, status_code=401)
        given = request.headers.get(header)
        if not given:
            return JSONResponse({"error": "bad signature"}, status_code=401)
        try:
            body = await read_body(request, MAX_WEBHOOK_BODY)
        except BodyTooLarge:
            return JSONResponse({"error": "body too large"}, status_code=413)
        if not _matches(given, sign(body, secret)):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        try:
            payload = parse_json(body)
            stale = _stale(payload)
            update = parse(payload)
        except (BadJson, KeyError, TypeError, AttributeError) as exc:
            log.warning("%s webhook with an unreadable body: %s", name, type(exc).__name__)
            return JSONResponse({"error": "unreadable body"}, status_code=400)
        if stale:
            return JSONResponse({"error": "event too old (replay?)"}, status_code=409)
        sessions = request.app.state.services.sessionmaker
        delivery = f"{name}:{_event_id(payload, given)}"
        if await dedupe.seen("webhook", delivery, sessions):
            return JSONResponse({"ok": True, "duplicate": True, "updated": None})
        if update is None:
            await dedupe.claim_alone(sessions, "webhook", delivery)
            return JSONResponse({"ok": True, "updated": None})
        service = TrackingService([], store=_gateway_store(request))
        merged = await service.apply_update(update)
        # Claimed after applying: a failed apply can be retried by the provider; two identical
        # pushes racing both apply, which the merge makes harmless (a scan counts once).
        await dedupe.claim_alone(sessions, "webhook", delivery)
        return JSONResponse({"ok": True, "updated": merged.number, "status": merged.status.value})

    return receive


def _event_id(payload: object, signature: str) -> str:
    """AfterShip's event_id when present; else a digest of the signature (same body, same
    signature: a replay)."""
    if isinstance(payload, dict) and isinstance(payload.get("event_id"), str):
        return payload["event_id"][:100]
    return hashlib.sha256(signature.encode()).hexdigest()[:40]


def _stale(payload: object, now: float | None = None) -> bool:
    """True for an event whose signed `ts` is older than the replay window."""
    if not isinstance(payload, dict) or not isinstance(payload.get("ts"), (int, float)):
        return False
    return (now or time.time()) - float(payload["ts"]) > REPLAY_WINDOW


def carrier_webhook_routes(settings: Settings) -> list[Route]:
    """`POST /webhooks/<path>` for each provider module declaring a webhook, writing each
    verified update to the gateway's shipments table (`app.state.services.sessionmaker`)."""
    routes = []
    for spec in specs().values():
        if spec.webhook is None:
            continue
        hook = spec.webhook
        endpoint = _endpoint(
            name=spec.name,
            secret=spec.read(settings.env)[hook.secret],
            header=hook.header,
            sign=hook.sign,
            parse=hook.parse,
        )
        routes.append(Route(f"/webhooks/{hook.path}", endpoint, methods=["POST"]))
    return routes
