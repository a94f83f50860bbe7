"""The console's pages: server-rendered shells (Jinja2, autoescaped) that the small scripts in
static/ fill from the JSON API and the socket. No inline script: the CSP forbids it."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bot.carriers.registry import only_demo, real_carrier_keys
from bot.console import auth

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


async def login_page(request: Request) -> Response:
    if await auth.staff_of(request) is not None:
        return RedirectResponse("/console/", status_code=303)
    return templates.TemplateResponse(request, "login.html", {})


async def app_page(request: Request) -> Response:
    """The queue and, when the URL names one, a conversation (same page, two panes)."""
    staff = await auth.staff_of(request)
    if staff is None:
        return RedirectResponse("/console/login", status_code=303)
    return templates.TemplateResponse(
        request,
        "console.html",
        {
            "agent": staff.agent,
            "conversation_id": request.path_params.get("conversation_id", ""),
            # With only the demo carrier on, a banner says every parcel answer is invented.
            "demo_data": only_demo(request.app.state.services.settings),
            "real_carrier_keys": real_carrier_keys(),
        },
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/", app_page, methods=["GET"]),
        Route("/login", login_page, methods=["GET"]),
        Route("/conversations/{conversation_id:str}", app_page, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="console-static"),
    ]
