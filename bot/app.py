"""Composition root: builds the engine, the HTTP client, the router and the Starlette app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import sessionmaker
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute

from bot.carriers.service import build_tracking_service
from bot.channels import widget
from bot.channels.security_headers import SecurityHeaders
from bot.config import Settings
from bot.conversations.bus import Bus, make_bus
from bot.conversations.desk import Desk
from bot.conversations.language import LanguagePolicy
from bot.conversations.notifier import Notifier, NotifierTiming
from bot.conversations.office_hours import OfficeHours
from bot.conversations.outbox import Outbox
from bot.conversations.rasa_client import RasaClient
from bot.conversations.rasa_wire import WireRasaClient
from bot.conversations.redelivery import Redelivery
from bot.conversations.router import Router
from bot.storage.db import make_engine, make_sessionmaker
from bot.texts import text

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything a request handler may need; built once per process in the lifespan."""

    settings: Settings
    engine: AsyncEngine
    sessionmaker: sessionmaker
    http: httpx.AsyncClient
    rasa: RasaClient
    router: Router
    outbox: Outbox
    bus: Bus
    desk: Desk
    extras: dict[str, Any] = field(default_factory=dict)


def build_services(
    settings: Settings,
    *,
    engine: AsyncEngine,
    http: httpx.AsyncClient,
    bus: Bus | None = None,
    wire: bool = False,
) -> Services:
    """Wire the per-process services around an engine and an HTTP client the caller owns.
    The bus (live wake-ups) is in-process unless the caller passes a Redis one. With
    `wire` buyer messages go to Rasa over the client's own keep-alive connections (less of the
    gateway's CPU per turn than httpx or aiohttp, see bot/conversations/rasa_wire.py); the
    caller then closes them with `services.rasa.aclose()`."""
    sessions = make_sessionmaker(engine)
    rasa_kwargs: dict[str, Any] = {
        "token": settings.rasa_token,
        "timeout": settings.rasa_timeout,
        "internal_token": settings.internal_token,
    }
    rasa_urls = settings.rasa_urls or settings.rasa_url
    rasa = (
        RasaClient(http, rasa_urls, **rasa_kwargs)
        if not wire
        else WireRasaClient(http, rasa_urls, **rasa_kwargs)
    )
    bus = bus or make_bus("")
    outbox = Outbox(sessionmaker=sessions, bus=bus)
    desk = Desk(
        sessionmaker=sessions,
        bus=bus,
        rasa=rasa,
        outbox=outbox,
        office_hours=OfficeHours.parse(settings.office_hours),
        handoff_timeout=settings.handoff_timeout,
    )
    return Services(
        settings=settings,
        engine=engine,
        sessionmaker=sessions,
        http=http,
        rasa=rasa,
        router=Router(
            sessionmaker=sessions,
            rasa=rasa,
            bus=bus,
            desk=desk,
            languages=LanguagePolicy(offered=settings.languages, default=settings.default_language),
        ),
        outbox=outbox,
        bus=bus,
        desk=desk,
    )


def _routes(settings: Settings) -> list[BaseRoute]:
    from bot.channels import http_api, orders_api, widget
    from bot.channels.carrier_webhooks import carrier_webhook_routes

    routes: list[BaseRoute] = [*http_api.routes(), *orders_api.routes(), *widget.routes()]
    if settings.telegram_token:
        from bot.channels.telegram import telegram_routes

        routes.extend(telegram_routes())
    routes.extend(carrier_webhook_routes(settings))
    from bot.console import console_routes

    routes.append(console_routes())
    return routes


async def _start_telegram(telegram: Any) -> asyncio.Task[None] | None:
    """Start Telegram; if the Bot API is unreachable, keep the gateway (web chat, API) up and
    retry in the background instead of failing the whole process."""
    from telegram.error import NetworkError

    try:
        await telegram.start()
        return None
    except NetworkError as exc:
        log.error("Telegram Bot API unreachable at start-up (%s); retrying in the background", exc)

    async def retry_forever() -> None:
        delay = 5.0
        while True:
            await asyncio.sleep(delay)
            await telegram.stop()
            try:
                await telegram.start()
                log.info("Telegram channel started after retrying")
                return
            except NetworkError as exc:
                log.warning("Telegram Bot API still unreachable (%s)", exc)
                delay = min(delay * 2, 300.0)

    return asyncio.create_task(retry_forever())


async def _evict_shipments(services: Services, every: float = 3600.0) -> None:
    """Keep the shipment cache bounded: hourly, drop entries long past their expiry."""
    from bot.carriers.cache import DbShipmentStore
    from bot.storage.models import utcnow

    store = DbShipmentStore(services.sessionmaker)
    while True:
        try:
            gone = await store.evict(now=utcnow())
            if gone:
                log.info("evicted %d expired shipment(s) from the cache", gone)
        except Exception:  # logged; the next hour tries again
            log.exception("shipment cache eviction failed")
        await asyncio.sleep(every)


def _redelivery(services: Services) -> Redelivery:
    """Answers held and crash-stranded messages once the bot is back."""
    return Redelivery(
        sessionmaker=services.sessionmaker,
        router=services.router,
        rasa=services.rasa,
        outbox=services.outbox,
        # A live turn ends within the Rasa timeout; older `received` messages were stranded.
        stranded_after=timedelta(seconds=services.settings.rasa_timeout + 10),
    )


def _notifier(services: Services) -> Notifier:
    """The notifier shares the gateway's database and HTTP client."""
    settings = services.settings
    tracking = build_tracking_service(
        settings, client=services.http, sessionmaker=services.sessionmaker
    )
    timing = NotifierTiming(
        interval=settings.notifier_interval,
        recheck=timedelta(minutes=settings.notifier_recheck_minutes),
    )
    return Notifier(
        sessionmaker=services.sessionmaker,
        tracking=tracking,
        outbox=services.outbox,
        timing=timing,
        thresholds=settings.thresholds,
    )


def create_app(settings: Settings | None = None) -> Starlette:
    """The gateway's ASGI app. Nothing connects until the lifespan starts."""
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        bus = make_bus(settings.redis_url)
        await bus.start()
        # Idle connections close after 2 s, before Rasa's (Sanic) and uvicorn's 5 s keep-alive:
        # a message is never written to a connection the server is closing.
        limits = httpx.Limits(max_connections=100, keepalive_expiry=2.0)
        timeout = httpx.Timeout(30.0, connect=5.0)
        async with httpx.AsyncClient(timeout=timeout, limits=limits) as http:
            services = build_services(settings, engine=engine, http=http, bus=bus, wire=True)
            app.state.services = services
            services.outbox.register("web", widget.presence.of(app).sender)
            telegram = None
            background: list[asyncio.Task[None]] = []
            if settings.telegram_token:
                # Imported only when configured: PTB is not needed for the other channels.
                from bot.channels.telegram import TelegramChannel

                telegram = TelegramChannel(settings, services)
                services.extras["telegram"] = telegram
                services.outbox.register("telegram", telegram.send)
                retry = await _start_telegram(telegram)
                if retry is not None:
                    background.append(retry)
            background.append(asyncio.create_task(services.desk.watch_overdue()))
            background.append(asyncio.create_task(_redelivery(services).run_forever()))
            background.append(asyncio.create_task(_evict_shipments(services)))
            if settings.notifier_interval > 0:
                background.append(asyncio.create_task(_notifier(services).run_forever()))
            try:
                yield
            finally:
                for task in background:
                    task.cancel()
                if telegram is not None:
                    await telegram.stop()
                if isinstance(services.rasa, WireRasaClient):
                    await services.rasa.aclose()
                await bus.close()
                await engine.dispose()

    return Starlette(
        routes=_routes(settings),
        lifespan=lifespan,
        exception_handlers={Exception: _unexpected_error},
        middleware=[Middleware(SecurityHeaders)],
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """Last line of defence: log the bug with context, answer politely, never a stack trace."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"error": text("gateway.failure")}, status_code=500)


def services_of(app: Starlette) -> Services:
    """The per-process services the lifespan built."""
    return app.state.services
