"""Carrier push endpoints: 17TRACK and AfterShip tell us about changes; we update the cache.

Updates are merged into the gateway's `shipments` table, through the session factory the
gateway's lifespan puts in `request.app.state.services.sessionmaker`.

Each request is authenticated by its signature before its body is parsed:
17TRACK's `sign` header is sha256(body + "/" + key) in hex; AfterShip's `aftership-hmac-sha256`
is base64(HMAC-SHA256(webhook secret, body)). A missing or wrong signature gets 401; a request
without the header is refused before its body is read, and a body is never read past
`MAX_WEBHOOK_BODY`. A signed push seen before (AfterShip's `event_id`, else the signature of
the exact body) is not applied again, and an AfterShip event whose `ts` is older than
`REPLAY_WINDOW` is refused (AfterShip webhook specification: `ts`, `event_id`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.carriers.aftership import parse_tracking
from bot.carriers.cache import DbShipmentStore, ShipmentStore
from bot.carriers.service import TrackingService
from bot.carriers.track17 import parse_track_info
from bot.channels.limits import BadJson, BodyTooLarge, parse_json, read_body
from bot.config import Settings
from bot.conversations import dedupe
from bot.tracking.model import Shipment

log = logging.getLogger(__name__)

# A tracking push with a long history is tens of KB; nothing legitimate comes near this.
MAX_WEBHOOK_BODY = 1024 * 1024
REPLAY_WINDOW = 7 * 24 * 3600


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
