"""What the actions need from the outside world, built once on first use.

The tracking service (settings, one shared httpx client, the database-backed cache) is created
lazily by the first action that asks for it: never at import time, never per `run()`.
Tests call `use_service()` / `use_sessionmaker()` / `use_clock()` to inject their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx

from bot.carriers.service import TrackingService, build_tracking_service
from bot.config import Settings
from bot.storage.db import make_engine, make_sessionmaker


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class _State:
    service: TrackingService | None = None
    sessionmaker: Any = None
    client: httpx.AsyncClient | None = None
    engine: Any = None
    clock: Callable[[], datetime] = _utcnow
    lock: asyncio.Lock | None = None
    settings: Settings | None = None


_state = _State()


def settings() -> Settings:
    """The action server's settings, read from the environment once."""
    if _state.settings is None:
        _state.settings = Settings.from_env()
    return _state.settings


async def _build() -> None:
    settings_ = settings()
    _state.client = httpx.AsyncClient(timeout=settings_.provider_timeout)
    if _state.sessionmaker is None:
        _state.engine = make_engine(settings_.database_url)
        _state.sessionmaker = make_sessionmaker(_state.engine)
    _state.service = build_tracking_service(
        settings_, client=_state.client, sessionmaker=_state.sessionmaker
    )


async def tracking_service() -> TrackingService:
    """The process-wide tracking service, built on first call."""
    if _state.service is None:
        if _state.lock is None:
            _state.lock = asyncio.Lock()
        async with _state.lock:
            if _state.service is None:
                await _build()
    assert _state.service is not None
    return _state.service


async def sessionmaker() -> Any:
    """The async session factory of the ParcelDesk database (built with the service)."""
    if _state.sessionmaker is None:
        await tracking_service()
    return _state.sessionmaker


def now() -> datetime:
    """The current time (timezone-aware); tests may freeze it with `use_clock`."""
    return _state.clock()


def use_service(service: TrackingService | None) -> None:
    """Make the actions use `service` (None: build the real one again on next use)."""
    _state.service = service


def use_sessionmaker(factory: Any) -> None:
    """Make the actions use this session factory for orders and subscriptions."""
    _state.sessionmaker = factory


def use_clock(clock: Callable[[], datetime] | None) -> None:
    """Freeze or restore the clock the explanations are computed against."""
    _state.clock = clock or _utcnow


async def close() -> None:
    """Close the HTTP client and the engine that `tracking_service()` built."""
    if _state.client is not None:
        await _state.client.aclose()
    if _state.engine is not None:
        await _state.engine.dispose()
    _state.service = _state.client = _state.engine = _state.sessionmaker = None
