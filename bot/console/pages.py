"""The console's pages: server-rendered shells (Jinja2, autoescaped) that the small scripts in
static/ fill from the JSON API and the socket. No inline script: the CSP forbids it."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

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
        },
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/", app_page, methods=["GET"]),
        Route("/login", login_page, methods=["GET"]),
        Route("/conversations/{conversation_id:str}", app_page, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="console-static"),
    ]
