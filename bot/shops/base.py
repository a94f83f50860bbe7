"""What every shop connector shares: its errors and how it waits out a rate limit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]
# A rate limit is waited out this many times per request before the sync gives up.
MAX_RETRIES = 5
# Never wait longer than this for one retry, whatever the shop asks.
MAX_WAIT = 60.0


class ShopError(Exception):
    """The shop refused or failed. `permanent` (bad credentials, wrong address): retrying
    will not help; otherwise (rate limit, 5xx) a later run may succeed."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def retry_after(header: str | None, default: float) -> float:
    """Seconds from a Retry-After header (seconds form), capped; `default` when absent."""
    try:
        return min(MAX_WAIT, max(0.0, float(header))) if header else default
    except ValueError:
        return default


async def real_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)
