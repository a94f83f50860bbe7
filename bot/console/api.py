"""The console's JSON API under /console/api/ (the pages use it; an integrator can too).

Cookie session from `POST /console/api/session`; every state-changing call sends the
`X-CSRF-Token` it got at login. Errors are `{"error": "..."}` with a fitting status code; a
claim that lost the race is a 409 naming who holds the conversation.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.console import auth, parcel
from bot.console.auth import Staff, error, staff_only
from bot.conversations import agents, events, orders, ownership, queue, subscriptions
from bot.http_limits import BadJson, BodyTooLarge, parse_json, read_body

MAX_TEXT = 4000
MAX_BODY = 64 * 1024


async def _json_body(request: Request) -> dict[str, Any] | None:
    """The JSON object in the body, or None. Counted while read: a huge body is refused at
    MAX_BODY bytes, not buffered."""
    try:
        body = parse_json(await read_body(request, MAX_BODY) or b"{}")
    except (BodyTooLarge, BadJson):
        return None
    return body if isinstance(body, dict) else None


def _services(request: Request) -> Any:
    return request.app.state.services


# --- session ---------------------------------------------------------------------------------
async def login(request: Request) -> Response:
    """`POST /console/api/session` {"name", "password"} -> {"agent", "csrf_token"} + cookie."""
    body = await _json_body(request)
    name = body.get("name") if body else None
    password = body.get("password") if body else None
    if not isinstance(name, str) or not isinstance(password, str):
        return error(400, 'send JSON like {"name": "ana", "password": "..."}')
    by_name, by_address = auth.throttles(request)
    name_key = name.strip().lower()
    address_key = auth.client_address(request)
    wait = max(by_name.retry_after(name_key), by_address.retry_after(address_key))
    if wait:
        response = error(429, f"too many failed logins; try again in {wait} seconds")
        response.headers["Retry-After"] = str(wait)
        return response
    services = _services(request)
    async with services.sessionmaker() as session, session.begin():
        agent = await agents.authenticate(name.strip(), password, session=session)
        started = await agents.start_session(agent, session=session) if agent else None
    if started is None:
        by_name.failed(name_key)
        by_address.failed(address_key)
        return error(401, "wrong name or password, or the account is disabled")
    by_name.succeeded(name_key)
    response = JSONResponse(
        {"agent": auth.agent_json(started.agent), "csrf_token": started.csrf_token}
    )
    auth.set_cookie(response, request, started.token)
    return response


@staff_only
async def whoami(request: Request, staff: Staff) -> Response:
    """`GET /console/api/session`: the logged-in agent and the CSRF token (after a reload)."""
    return JSONResponse({"agent": staff.public(), "csrf_token": staff.csrf_token})


@staff_only
async def logout(request: Request, staff: Staff) -> Response:
    """`DELETE /console/api/session`: end this login."""
    async with _services(request).sessionmaker() as session, session.begin():
        await agents.end_session(staff.token, session=session)
    response = JSONResponse({"ok": True})
    auth.clear_cookie(response, request)
    return response


# --- reading -----------------------------------------------------------------------------------
@staff_only
async def list_conversations(request: Request, staff: Staff) -> Response:
    """`GET /console/api/conversations?status=pending|open|mine|resolved|bot` (default: pending
    then open). Pending first, oldest first."""
    status = request.query_params.get("status", "active")
    if status not in queue.FILTERS:
        return error(400, f"status is one of {', '.join(queue.FILTERS)}")
    services = _services(request)
    async with services.sessionmaker() as session:
        rows = await queue.listing(status, session=session, agent_id=staff.agent.id)
    timeout = services.desk.handoff_timeout
    return JSONResponse({"conversations": [r.to_dict(timeout) for r in rows]})


async def _panel(request: Request, staff: Staff, *, refresh: bool = False) -> Response:
    conversation_id = request.path_params["conversation_id"]
    services = _services(request)
    async with services.sessionmaker() as session:
        row = await queue.one(conversation_id, session=session)
        if row is None:
            return error(404, "no such conversation")
        numbers = await queue.conversation_numbers(conversation_id, session=session)
        said = await queue.bot_said(conversation_id, session=session)
        subscribed = await subscriptions.active_numbers(conversation_id, session=session)
        # Orders the buyer asked about (verified or not: staff see them all) and their parcels.
        asked = await orders.asked_about(conversation_id, session=session)
    order_of: dict[str, str] = {}
    for number, _verified, order in asked:
        for shipment in order.shipments if order else []:
            order_of.setdefault(shipment.tracking_number, number)
            if shipment.tracking_number not in numbers:
                numbers.append(shipment.tracking_number)
    order_cards = [
        {
            **(order.to_dict() if order else {"order_number": number, "shipments": []}),
            "known": order is not None,
            "verified": verified,
            "subscribed": order is not None
            and bool(order.shipments)
            and all(s.tracking_number in subscribed for s in order.shipments),
        }
        for number, verified, order in asked
    ]
    parcels = [
        {
            **await parcel.parcel(services, n, lang=row.language, refresh=refresh),
            "order": order_of.get(n),
            "subscribed": n in subscribed,
            "bot_said": [s for s in said if n in (s["text"] or "").replace(" ", "").upper()],
        }
        for n in numbers
    ]
    return JSONResponse(
        {
            "conversation": row.to_dict(services.desk.handoff_timeout),
            "orders": order_cards,
            "parcels": parcels,
            "bot_said": said,
            "canned": parcel.canned_replies(staff.agent.name, parcels, lang=row.language),
        }
    )


@staff_only
async def conversation(request: Request, staff: Staff) -> Response:
    """`GET /console/api/conversations/{id}`: the queue row, the parcel panel, canned replies."""
    return await _panel(request, staff)


@staff_only
async def recheck(request: Request, staff: Staff) -> Response:
    """`POST .../recheck`: ask the carriers again (skipping the cache), then the panel."""
    return await _panel(request, staff, refresh=True)


@staff_only
async def conversation_events(request: Request, staff: Staff) -> Response:
    """`GET .../events?after=<seq>`: the staff view of the log (notes and status records too)."""
    conversation_id = request.path_params["conversation_id"]
    raw = request.query_params.get("after", "0")
    if not raw.isdigit():
        return error(400, "after is a sequence number (0 for everything)")
    async with _services(request).sessionmaker() as session:
        if await queue.one(conversation_id, session=session) is None:
            return error(404, "no such conversation")
        found = await events.after(conversation_id, int(raw), session=session)
    listed = [events.to_dict(m, name, staff=True) for m, name in found]
    return JSONResponse({"events": listed, "last_seq": listed[-1]["seq"] if listed else int(raw)})


# --- changing ----------------------------------------------------------------------------------
def _refused(refused: ownership.TransitionRefused, action: str) -> Response:
    if refused.status is None:
        return error(404, "no such conversation")
    if refused.status == "open" and refused.agent:
        message = f"{refused.agent} is already handling this conversation"
    else:
        message = f"cannot {action}: the conversation is {refused.status}"
    return error(409, message, status=refused.status, agent=refused.agent)


async def _row(request: Request, conversation_id: str) -> dict[str, Any] | None:
    services = _services(request)
    async with services.sessionmaker() as session:
        row = await queue.one(conversation_id, session=session)
    return row.to_dict(services.desk.handoff_timeout) if row else None


@staff_only
async def claim(request: Request, staff: Staff) -> Response:
    """`POST .../claim`: take the conversation (409 naming the holder when someone was first)."""
    conversation_id = request.path_params["conversation_id"]
    try:
        await _services(request).desk.claim(conversation_id, staff.agent)
    except ownership.TransitionRefused as refused:
        return _refused(refused, "claim")
    return JSONResponse({"conversation": await _row(request, conversation_id)})


def _transition(action: str, method: str) -> Callable[[Request], Awaitable[Response]]:
    @staff_only
    async def handler(request: Request, staff: Staff) -> Response:
        conversation_id = request.path_params["conversation_id"]
        desk = _services(request).desk
        try:
            await getattr(desk, method)(conversation_id, staff.agent)
        except ownership.TransitionRefused as refused:
            return _refused(refused, action)
        return JSONResponse({"conversation": await _row(request, conversation_id)})

    handler.__name__ = method
    return handler


async def _text_of(request: Request) -> str | Response:
    body = await _json_body(request)
    text = body.get("text") if body else None
    if not isinstance(text, str) or not text.strip():
        return error(400, 'send JSON like {"text": "Hello, I am looking at your parcel."}')
    if len(text) > MAX_TEXT:
        return error(413, f"text is longer than {MAX_TEXT} characters")
    return text.strip()


async def _send(request: Request, staff: Staff, text: str) -> Response:
    conversation_id = request.path_params["conversation_id"]
    services = _services(request)
    try:
        message = await services.desk.reply(conversation_id, staff.agent, text)
    except events.NotOwner:
        async with services.sessionmaker() as session:
            status, holder = await ownership.current(conversation_id, session=session)
        if status is None:
            return error(404, "no such conversation")
        who = f"{holder} holds it" if holder else f"it is {status}"
        return error(
            409, f"claim the conversation before replying ({who})", status=status, agent=holder
        )
    seq = int(message.seq)
    async with services.sessionmaker() as session:
        delivery, failure = await queue.delivery_of(conversation_id, seq, session=session)
    # Delivery state changed after the event was announced: wake the consoles again.
    await services.bus.publish({"type": "delivery", "conversation_id": conversation_id, "seq": seq})
    message.delivery, message.delivery_error = delivery, failure
    return JSONResponse({"event": events.to_dict(message, staff.agent.name, staff=True)})


@staff_only
async def send_message(request: Request, staff: Staff) -> Response:
    """`POST .../messages` {"text"}: a reply on the buyer's channel (only by the holder)."""
    text = await _text_of(request)
    if isinstance(text, Response):
        return text
    return await _send(request, staff, text)


@staff_only
async def add_note(request: Request, staff: Staff) -> Response:
    """`POST .../notes` {"text"}: an internal note, never sent to the buyer."""
    text = await _text_of(request)
    if isinstance(text, Response):
        return text
    conversation_id = request.path_params["conversation_id"]
    try:
        note = await _services(request).desk.note(conversation_id, staff.agent, text)
    except ownership.TransitionRefused:
        return error(404, "no such conversation")
    return JSONResponse({"event": events.to_dict(note, staff.agent.name, staff=True)})


@staff_only
async def canned(request: Request, staff: Staff) -> Response:
    """`GET .../canned`: the canned replies filled in for this conversation;
    `POST .../canned` {"key"}: send one of them as it is."""
    if request.method == "GET":
        response = await _panel(request, staff)
        if response.status_code != 200:
            return response
        return JSONResponse({"canned": json.loads(bytes(response.body))["canned"]})
    body = await _json_body(request)
    key = body.get("key") if body else None
    panel = await _panel(request, staff)
    if panel.status_code != 200:
        return panel
    offered = {c["key"]: c["text"] for c in json.loads(bytes(panel.body))["canned"]}
    if key not in offered:
        return error(400, f"key is one of {', '.join(offered) or '(none for this conversation)'}")
    return await _send(request, staff, offered[key])


@staff_only
async def subscribe(request: Request, staff: Staff) -> Response:
    """`POST .../subscribe` {"number"?} or {"order"}: updates for the number (default: the
    latest one), or for every parcel of an order the conversation asked about."""
    conversation_id = request.path_params["conversation_id"]
    body = await _json_body(request) or {}
    services = _services(request)
    if body.get("order"):
        return await _subscribe_order(request, staff, conversation_id, str(body["order"]))
    async with services.sessionmaker() as session, session.begin():
        numbers = await queue.conversation_numbers(conversation_id, session=session)
        number = body.get("number") or (numbers[-1] if numbers else None)
        if await queue.one(conversation_id, session=session) is None:
            return error(404, "no such conversation")
        if not number or number not in numbers:
            return error(400, "no tracking number in this conversation to subscribe to")
        fresh = await subscriptions.subscribe(conversation_id, number, session=session)
    if fresh:
        await services.desk.note(
            conversation_id, staff.agent, f"Subscribed the buyer to updates for {number}."
        )
    return JSONResponse({"subscribed": number, "new": fresh})


async def _subscribe_order(
    request: Request, staff: Staff, conversation_id: str, order_number: str
) -> Response:
    services = _services(request)
    async with services.sessionmaker() as session, session.begin():
        if await queue.one(conversation_id, session=session) is None:
            return error(404, "no such conversation")
        asked = {n for n, _v, _o in await orders.asked_about(conversation_id, session=session)}
        if order_number not in asked:
            return error(400, "the buyer has not asked about this order in this conversation")
        numbers = await orders.subscribe_order(conversation_id, order_number, session=session)
    if not numbers:
        return error(400, "this order has no parcel to follow yet")
    await services.desk.note(
        conversation_id,
        staff.agent,
        f"Subscribed the buyer to updates for every parcel of order {order_number}.",
    )
    return JSONResponse({"subscribed": numbers, "order": order_number})


async def not_found(request: Request) -> Response:
    return error(404, f"no console API at {request.url.path}")


def routes() -> list[Route]:
    one = "/api/conversations/{conversation_id:str}"
    return [
        Route("/api/session", login, methods=["POST"]),
        Route("/api/session", whoami, methods=["GET"]),
        Route("/api/session", logout, methods=["DELETE"]),
        Route("/api/conversations", list_conversations, methods=["GET"]),
        Route(one, conversation, methods=["GET"]),
        Route(one + "/events", conversation_events, methods=["GET"]),
        Route(one + "/claim", claim, methods=["POST"]),
        Route(one + "/messages", send_message, methods=["POST"]),
        Route(one + "/notes", add_note, methods=["POST"]),
        Route(one + "/handback", _transition("hand back", "hand_back"), methods=["POST"]),
        Route(one + "/resolve", _transition("resolve", "resolve"), methods=["POST"]),
        Route(one + "/reopen", _transition("reopen", "reopen"), methods=["POST"]),
        Route(one + "/canned", canned, methods=["GET", "POST"]),
        Route(one + "/recheck", recheck, methods=["POST"]),
        Route(one + "/subscribe", subscribe, methods=["POST"]),
        Route("/api/{rest:path}", not_found),
    ]
