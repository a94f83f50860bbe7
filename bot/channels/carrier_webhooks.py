"""Carrier push endpoints: 17TRACK and AfterShip tell us about changes; we update the cache.

Updates are merged into the gateway's `shipments` table, through the session factory the
gateway's lifespan puts in `request.app.state.services.sessionmaker`.

Each request is authenticated by its signature before anything is read from it:
17TRACK's `sign` header is sha256(body + "/" + key) in hex; AfterShip's `aftership-hmac-sha256`
is base64(HMAC-SHA256(webhook secret, body)). A missing or wrong signature gets 401.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.carriers.aftership import parse_tracking
from bot.carriers.cache import DbShipmentStore, ShipmentStore
from bot.carriers.service import TrackingService
from bot.carriers.track17 import parse_track_info
from bot.config import Settings
from bot.tracking.model import Shipment

log = logging.getLogger(__name__)


def track17_signature(body: bytes, key: str) -> str:
    """The `sign` header 17TRACK sends with a push of `body`."""
    return hashlib.sha256(body + b"/" + key.encode()).hexdigest()


def aftership_signature(body: bytes, secret: str) -> str:
    """The `aftership-hmac-sha256` header AfterShip sends with a webhook of `body`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


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
        body = await request.body()
        if not secret:
            log.warning("%s webhook refused: no key configured to verify it", name)
            return JSONResponse({"error": "webhook key not configured"}, status_code=401)
        if not _matches(request.headers.get(header), sign(body, secret)):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        try:
            payload = json.loads(body)
            update = parse(payload)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("%s webhook with an unreadable body: %r", name, exc)
            return JSONResponse({"error": "unreadable body"}, status_code=400)
        if update is None:
            return JSONResponse({"ok": True, "updated": None})
        service = TrackingService([], store=_gateway_store(request))
        merged = await service.apply_update(update)
        return JSONResponse({"ok": True, "updated": merged.number, "status": merged.status.value})

    return receive


def _track17_update(payload: dict[str, Any]) -> Shipment | None:
    if payload.get("event") != "TRACKING_UPDATED":
        return None  # e.g. TRACKING_STOPPED: nothing new about the parcel
    return parse_track_info(payload["data"])


def _aftership_update(payload: dict[str, Any]) -> Shipment | None:
    if payload.get("event") != "tracking_update":
        return None  # EDD revisions and pending-time alerts do not change the shipment
    return parse_tracking(payload["msg"])


def carrier_webhook_routes(settings: Settings) -> list[Route]:
    """`POST /webhooks/17track` and `POST /webhooks/aftership`, writing each verified update to
    the gateway's shipments table (`app.state.services.sessionmaker`, set by the lifespan)."""
    return [
        Route(
            "/webhooks/17track",
            _endpoint(
                name="17track",
                secret=settings.track17_webhook_key,
                header="sign",
                sign=track17_signature,
                parse=_track17_update,
            ),
            methods=["POST"],
        ),
        Route(
            "/webhooks/aftership",
            _endpoint(
                name="aftership",
                secret=settings.aftership_webhook_secret,
                header="aftership-hmac-sha256",
                sign=aftership_signature,
                parse=_aftership_update,
            ),
            methods=["POST"],
        ),
    ]
