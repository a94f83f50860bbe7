"""HTTP side of the widget: the loader (`/widget.js`), the chat page the loader puts in an
iframe (`/widget/frame`), their static assets, and the demo shop page at `/`."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.carriers.registry import only_demo
from bot.channels.widget import origins, strings

STATIC_DIR = Path(__file__).resolve().parent / "static"
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))

# The demo shop page's blocks that only make sense while the demo carrier alone answers.
_DEMO_DATA = re.compile(r"<!--demo-data.*?<!--/demo-data-->\n?", re.DOTALL)

# Headers for everything the widget serves.
BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _frame_csp(request: Request, parent: str) -> str:
    host = request.headers.get("host", "")
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' ws://{host} wss://{host}",
            "base-uri 'none'",
            "form-action 'none'",
            # Only the page that asked for the frame, and only if it is an allowed site.
            f"frame-ancestors {parent}",
        )
    )


async def loader(_request: Request) -> Response:
    """`/widget.js`: the one script a shop pastes. Cached briefly; loadable cross-origin."""
    return FileResponse(
        STATIC_DIR / "loader.js",
        media_type="text/javascript; charset=utf-8",
        headers={
            **BASE_HEADERS,
            "Cache-Control": "public, max-age=300",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


async def frame(request: Request) -> Response:
    """The chat page inside the iframe. `?origin=` names the embedding page; it must be an
    allowed site, and the CSP lets only that origin frame the page."""
    settings = request.app.state.services.settings
    parent = request.query_params.get("origin", "")
    own = origins.same_site(parent, request.headers.get("host"), request.url.scheme == "https")
    if not (own or origins.allowed(parent, settings.widget_origins)):
        return PlainTextResponse(
            "This site is not allowed to embed the ParcelDesk chat (PARCELDESK_WIDGET_ORIGINS).",
            status_code=403,
            headers={**BASE_HEADERS, "Content-Security-Policy": "frame-ancestors 'none'"},
        )
    bundle = strings.strings_for(strings.first_offered(request.headers.get("accept-language", "")))
    return templates.TemplateResponse(
        request,
        "frame.html",
        {
            "lang": bundle["lang"],
            "s": bundle["strings"],
            "languages": bundle["languages"],
            "bundle": bundle,
        },
        headers={
            **BASE_HEADERS,
            "Content-Security-Policy": _frame_csp(request, origins.canonical(parent)),
            "Cache-Control": "no-store",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        },
    )


async def widget_strings(request: Request) -> Response:
    """`GET /widget/strings.json?lang=pt-BR`: the widget's words in that language. Public, so
    any page may read them (the loader runs on the shop's page)."""
    return JSONResponse(
        strings.strings_for(request.query_params.get("lang", "")[:16]),
        headers={
            **BASE_HEADERS,
            "Cache-Control": "public, max-age=300",
            "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


async def shop(request: Request) -> Response:
    """The demo shop page: embeds the widget exactly the way a shop would. While the demo
    carrier is the only one answering, a banner and the chat's title say the answers are demo
    data; with a real carrier configured the page's demo-data blocks are left out."""
    page = (STATIC_DIR / "shop.html").read_text(encoding="utf-8")
    if not only_demo(request.app.state.services.settings):
        page = _DEMO_DATA.sub("", page)
    return Response(
        page,
        media_type="text/html; charset=utf-8",
        headers={**BASE_HEADERS, "Cache-Control": "no-store"},
    )


class WithHeaders:
    """Adds the base security headers to a mounted static app's responses."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def patched(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.headers]}
            await send(message)

        await self.app(scope, receive, patched)
