"""HTTP API for programmatic clients, plus the health check."""

from __future__ import annotations

import logging
import re

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.channels.api_auth import authorised_key, conversation_key, key_id
from bot.conversations import events, health
from bot.conversations.replies import Inbound
from bot.conversations.turn_errors import AlreadyHandled, NotStored
from bot.http_limits import BadJson, BodyTooLarge, RateLimit, parse_json, read_body

log = logging.getLogger(__name__)

MAX_TEXT = 4000
# 4000 characters of UTF-8 plus JSON escaping fit well inside this.
MAX_BODY = 64 * 1024
_CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")


# Per conversation: a person types at most a few messages a second; a script flooding one
# conversation gets a 429. (Not per address: one shop backend speaks for many buyers.)
_PER_CONVERSATION = RateLimit(rate=1.0, burst=10)
RETRY_STORE_SECONDS = 5


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


UNAUTHORISED = (
    'send an API key as "Authorization: Bearer <key>" (one of PARCELDESK_API_KEYS; '
    "parceldesk run prints a local one)"
)


def _key(request: Request) -> str | None:
    return authorised_key(request, request.app.state.services.settings.api_keys)


def _unauthorised() -> JSONResponse:
    return _error(401, UNAUTHORISED, {"WWW-Authenticate": "Bearer"})


def _limited(conversation_id: str) -> JSONResponse | None:
    wait = _PER_CONVERSATION.retry_after(conversation_id)
    if wait:
        return _error(429, f"too many messages; try again in {wait} s", {"Retry-After": str(wait)})
    return None


async def post_message(request: Request) -> JSONResponse:
    """`POST /api/v1/conversations/{conversation_id}/messages` with `{"text": "..."}`."""
    key = _key(request)
    if key is None:
        return _unauthorised()
    conversation_id = request.path_params["conversation_id"]
    if not _CONVERSATION_ID.match(conversation_id):
        return _error(400, "conversation_id may use letters, digits and _.:@- (max 128)")
    try:
        body = parse_json(await read_body(request, MAX_BODY))
    except BodyTooLarge:
        return _error(413, f"body is larger than {MAX_BODY} bytes")
    except BadJson:
        return _error(400, 'body must be JSON like {"text": "where is my parcel?"}')
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str):
        return _error(400, 'body must be JSON like {"text": "where is my parcel?"}')
    if len(text) > MAX_TEXT:
        return _error(413, f"text is longer than {MAX_TEXT} characters")
    client_id = body.get("client_id")
    if client_id is not None and not (isinstance(client_id, str) and 0 < len(client_id) <= 64):
        return _error(400, "client_id, when given, is a string of 1 to 64 characters")
    # The shop's own name for the buyer behind this message (e.g. their address): order-number
    # checks are limited per client; without it, per conversation.
    client = body.get("client")
    if client is not None and not (isinstance(client, str) and 0 < len(client) <= 128):
        return _error(400, "client, when given, is a string of 1 to 128 characters")
    internal_id = conversation_key(key, conversation_id)
    limited = _limited(internal_id)
    if limited is not None:
        return limited
    services = request.app.state.services
    try:
        replies = await services.router.handle(
            Inbound(
                channel="api",
                conversation_id=internal_id,
                text=text,
                sender_id=conversation_id,
                client_id=client_id,
                metadata={"client": f"api:{key_id(key)}:{client}"} if client else {},
            )
        )
    except NotStored:
        # Nothing was saved: say so, and when to retry, rather than pretend.
        return _error(
            503,
            "the message could not be saved; please send it again shortly",
            {"Retry-After": str(RETRY_STORE_SECONDS)},
        )
    except AlreadyHandled as repeat:
        return JSONResponse({"messages": [], "duplicate": True, "seq": repeat.seq})
    return JSONResponse({"messages": [r.to_dict() for r in replies]})


MAX_PAGE = 500


async def get_messages(request: Request) -> JSONResponse:
    """`GET /api/v1/conversations/{conversation_id}/messages?after=<seq>`: every message the
    buyer may see after `seq` (agent replies and updates that arrived meanwhile included),
    oldest first. Reading them marks outbound ones `delivered`."""
    api_key = _key(request)
    if api_key is None:
        return _unauthorised()
    conversation_id = request.path_params["conversation_id"]
    if not _CONVERSATION_ID.match(conversation_id):
        return _error(400, "conversation_id may use letters, digits and _.:@- (max 128)")
    raw_after = request.query_params.get("after", "0")
    if not raw_after.isdigit():
        return _error(400, "after must be a sequence number (0 or more)")
    services = request.app.state.services
    key = conversation_key(api_key, conversation_id)
    async with services.sessionmaker() as session, session.begin():
        rows = await events.after(
            key, int(raw_after), session=session, kinds=events.BUYER_KINDS, limit=MAX_PAGE
        )
        unread = [m for m, _ in rows if m.direction == "out" and m.delivery != "delivered"]
        await events.set_delivery([m.id for m in unread], "delivered", session=session)
    for message in unread:  # the console shows "delivered" live
        await services.bus.publish({"type": "delivery", "conversation_id": key, "seq": message.seq})
    return JSONResponse({"messages": [events.to_dict(m, name) for m, name in rows]})


async def _answers(http: httpx.AsyncClient, url: str) -> bool:
    try:
        response = await http.get(url, timeout=3.0)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


async def healthz(request: Request) -> JSONResponse:
    """Gateway liveness plus whether Rasa (with a model) and the action server answer."""
    services = request.app.state.services
    rasa_ok = await services.rasa.healthy()
    actions_ok = await _answers(services.http, f"{services.settings.actions_url}/health")
    database_ok = await health.database_writable(services.engine)
    healthy = rasa_ok and actions_ok and database_ok
    return JSONResponse(
        {
            "status": "ok" if healthy else "degraded",
            "gateway": True,
            "rasa": rasa_ok,
            "actions": actions_ok,
            "database": database_ok,
        },
        status_code=200 if healthy else 503,
    )


def routes() -> list[Route]:
    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/v1/conversations/{conversation_id}/messages", post_message, methods=["POST"]),
        Route("/api/v1/conversations/{conversation_id}/messages", get_messages, methods=["GET"]),
    ]
