"""The embeddable chat widget: `/widget.js` loader, the iframe chat page, its WebSocket, and
the demo shop page at `/` that embeds it (see README "Embed on your site")."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from bot.channels.widget import pages, presence
from bot.channels.widget.socket import widget_socket

__all__ = ["presence", "routes"]


def routes() -> list[BaseRoute]:
    static = StaticFiles(directory=pages.STATIC_DIR)
    return [
        Route("/", pages.shop, methods=["GET"]),
        Route("/widget.js", pages.loader, methods=["GET"]),
        Route("/widget/frame", pages.frame, methods=["GET"]),
        Route("/widget/strings.json", pages.widget_strings, methods=["GET"]),
        WebSocketRoute("/widget/ws", widget_socket),
        Mount(
            "/widget/static",
            app=pages.WithHeaders(
                static, {**pages.BASE_HEADERS, "Cache-Control": "public, max-age=300"}
            ),
            name="widget-static",
        ),
    ]
