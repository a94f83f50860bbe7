"""The staff console: JSON API, one WebSocket and the pages, mounted at `/console/`."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import Mount

from bot.console.headers import SecurityHeaders


def console_routes() -> Mount:
    """Everything under /console, with the console's security headers on every response."""
    from bot.console import api, pages, socket

    return Mount(
        "/console",
        routes=[*api.routes(), socket.route(), *pages.routes()],
        middleware=[Middleware(SecurityHeaders)],
    )
