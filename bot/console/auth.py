"""Who is calling the console: the login cookie (HttpOnly, SameSite=Strict), the CSRF token
every state-changing request carries in `X-CSRF-Token`, and the login rate limit."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response

from bot.conversations import agents
from bot.storage.models import Agent

COOKIE = "parceldesk_console"
COOKIE_PATH = "/console"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

Handler = Callable[[Request, "Staff"], Awaitable[Response]]


@dataclass(frozen=True)
class Staff:
    """A logged-in agent and the CSRF token of this login."""

    agent: Agent
    csrf_token: str
    token: str

    def public(self) -> dict[str, Any]:
        return agent_json(self.agent)


def agent_json(agent: Agent) -> dict[str, Any]:
    return {"id": agent.id, "name": agent.name, "admin": bool(agent.is_admin)}


def error(code: int, message: str, **extra: Any) -> JSONResponse:
    """Every console error: JSON with a sentence a person can act on (HTTP status `code`)."""
    return JSONResponse({"error": message, **extra}, status_code=code)


# Failed logins allowed per 5 minutes: few per name (guessing one password), more per address
# (an office behind one NAT must not lock itself out because of one forgetful colleague).
PER_NAME = 5
PER_ADDRESS = 30


def throttles(connection: HTTPConnection) -> tuple[agents.LoginThrottle, agents.LoginThrottle]:
    """The process's login throttles: (per name, per client address)."""
    extras = connection.app.state.services.extras
    if "console_throttles" not in extras:
        extras["console_throttles"] = (
            agents.LoginThrottle(limit=PER_NAME),
            agents.LoginThrottle(limit=PER_ADDRESS),
        )
    return extras["console_throttles"]


async def staff_of(connection: HTTPConnection) -> Staff | None:
    """The live login behind the request's cookie; None when absent, expired, logged out or
    the agent was disabled (checked on every request, so disabling logs out at once)."""
    token = connection.cookies.get(COOKIE, "")
    if not token:
        return None
    services = connection.app.state.services
    async with services.sessionmaker() as session:
        found = await agents.resolve_session(token, session=session)
    if found is None:
        return None
    agent, csrf = found
    return Staff(agent=agent, csrf_token=csrf, token=token)


def staff_only(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap an API handler: 401 without a live login; 403 for a state-changing request whose
    `X-CSRF-Token` does not match the login's."""

    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        staff = await staff_of(request)
        if staff is None:
            response = error(401, "log in to the console first")
            clear_cookie(response, request)
            return response
        if request.method not in SAFE_METHODS and not agents.csrf_matches(
            staff.csrf_token, request.headers.get(CSRF_HEADER)
        ):
            return error(403, "missing or wrong X-CSRF-Token header; reload the console")
        return await handler(request, staff)

    return guarded


def set_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(agents.SESSION_LIFETIME.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        COOKIE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def client_address(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else "unknown"
