"""`PUT/DELETE /api/v1/orders/{order_number}`: a shop's backend keeps ParcelDesk's copy of an
order up to date (same API keys as the conversations API).

PUT body: `{"email": "...", "shipments": [{"tracking_number": "...", "carrier": "..."}]}`
(optionally `postcode`, `customer_id`, and `shipped_at` per shipment). It replaces the order
and all its shipments: 200 when it existed, 201 when new. DELETE: 204, or 404 when unknown.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.api_auth import authorised_key
from bot.channels.http_api import UNAUTHORISED
from bot.conversations import orders
from bot.conversations.order_csv import parse_shipped_at, parse_tracking_number
from bot.http_limits import BadJson, BodyTooLarge, parse_json, read_body

MAX_BODY = 64 * 1024
MAX_SHIPMENTS = 50
EXAMPLE = '{"email": "buyer@example.com", "shipments": [{"tracking_number": "RR123456785CN"}]}'


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def _authorised(request: Request) -> bool:
    return authorised_key(request, request.app.state.services.settings.api_keys) is not None


class Invalid(ValueError):
    """The body does not describe an order; the message says what to fix."""


def order_from_body(order_number: str, body: Any) -> orders.OrderIn:
    """The order a PUT body describes (normalised), or Invalid."""
    if not isinstance(body, dict):
        raise Invalid(f"body must be JSON like {EXAMPLE}")
    email = orders.normalise_email(body.get("email")) if body.get("email") else None
    if body.get("email") and email is None:
        raise Invalid("email is not an e-mail address")
    postcode = orders.normalise_postcode(body.get("postcode")) if body.get("postcode") else None
    if body.get("postcode") and postcode is None:
        raise Invalid("postcode is not a postcode")
    if email is None and postcode is None:
        raise Invalid("an order needs an email (or a postcode) to check the buyer with")
    raw_shipments = body.get("shipments", [])
    if not isinstance(raw_shipments, list) or len(raw_shipments) > MAX_SHIPMENTS:
        raise Invalid(f"shipments is a list of at most {MAX_SHIPMENTS} objects")
    shipments: dict[str, orders.ShipmentIn] = {}
    for index, item in enumerate(raw_shipments):
        if not isinstance(item, dict) or not isinstance(item.get("tracking_number"), str):
            raise Invalid(f"shipments[{index}] needs a tracking_number string")
        number, why = parse_tracking_number(item["tracking_number"])
        if number is None:
            raise Invalid(f"shipments[{index}]: {why or 'tracking_number is empty'}")
        carrier = item.get("carrier")
        if carrier is not None and not (isinstance(carrier, str) and len(carrier) <= 64):
            raise Invalid(f"shipments[{index}].carrier is a string of at most 64 characters")
        shipped_at = None
        if item.get("shipped_at"):
            try:
                shipped_at = parse_shipped_at(str(item["shipped_at"]))
            except ValueError as exc:
                raise Invalid(f"shipments[{index}].shipped_at is not an ISO date") from exc
        shipments.setdefault(number, orders.ShipmentIn(number, carrier or None, shipped_at))
    customer_id = body.get("customer_id")
    if customer_id is not None and not isinstance(customer_id, (str, int)):
        raise Invalid("customer_id is a string")
    return orders.OrderIn(
        order_number=order_number,
        email=email,
        postcode=postcode,
        customer_id=str(customer_id)[:191] if customer_id not in (None, "") else None,
        shipments=tuple(shipments.values()),
        source="api",
    )


async def put_order(request: Request) -> Response:
    if not _authorised(request):
        return _error(401, UNAUTHORISED, **{"WWW-Authenticate": "Bearer"})
    number = orders.normalise_order_number(request.path_params["order_number"])
    if number is None:
        return _error(400, "order_number may use letters, digits and ._/- (max 64)")
    try:
        body = parse_json(await read_body(request, MAX_BODY))
        order = order_from_body(number, body)
    except BodyTooLarge:
        return _error(413, f"body is larger than {MAX_BODY} bytes")
    except BadJson:
        return _error(400, f"body must be JSON like {EXAMPLE}")
    except Invalid as exc:
        return _error(422, str(exc))
    async with request.app.state.services.sessionmaker() as session, session.begin():
        existed = await orders.find(number, session=session) is not None
        await orders.replace_orders([order], session=session)
        stored = await orders.find(number, session=session)
    assert stored is not None
    return JSONResponse(stored.to_dict(), status_code=200 if existed else 201)


async def delete_order(request: Request) -> Response:
    if not _authorised(request):
        return _error(401, UNAUTHORISED, **{"WWW-Authenticate": "Bearer"})
    number = orders.normalise_order_number(request.path_params["order_number"])
    if number is None:
        return _error(404, "no such order")
    async with request.app.state.services.sessionmaker() as session, session.begin():
        gone = await orders.delete_order(number, session=session)
    return Response(status_code=204) if gone else _error(404, "no such order")


def routes() -> list[Route]:
    path = "/api/v1/orders/{order_number:path}"
    return [
        Route(path, put_order, methods=["PUT"]),
        Route(path, delete_order, methods=["DELETE"]),
    ]
