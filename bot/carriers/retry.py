"""Retries with exponential backoff for transient provider errors, within a time budget."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.carriers.base import CarrierError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one provider for one request.

    Each attempt is cut off after `attempt_timeout` seconds; all attempts plus the waits between
    them stay within `deadline` seconds. Waits grow as `base_delay * 2**n` (with jitter) up to
    `max_delay`, or follow the provider's Retry-After when it says so.
    """

    attempts: int = 3
    base_delay: float = 0.2
    max_delay: float = 2.0
    attempt_timeout: float = 8.0
    deadline: float = 12.0

    @classmethod
    def for_timeout(cls, timeout: float) -> RetryPolicy:
        """The default policy for a per-provider timeout (PARCELDESK_PROVIDER_TIMEOUT)."""
        return cls(attempt_timeout=timeout, deadline=timeout * 1.5)


async def call_with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    provider: str,
    policy: RetryPolicy,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
    jitter: Callable[[], float] = random.random,
) -> T:
    """Run `call`, retrying 429s, 5xx, timeouts and other transient CarrierErrors.

    Permanent errors are raised at once. When the next wait would overrun the deadline (for
    instance a long Retry-After) the last error is raised instead of waiting.
    """
    started = clock()
    attempt = 0
    while True:
        attempt += 1
        remaining = policy.deadline - (clock() - started)
        try:
            return await asyncio.wait_for(call(), timeout=min(policy.attempt_timeout, remaining))
        except asyncio.TimeoutError:
            error = CarrierError(
                f"no answer within {min(policy.attempt_timeout, remaining):.1f}s",
                provider=provider,
            )
        except CarrierError as exc:
            if exc.permanent:
                raise
            error = exc
        if attempt >= policy.attempts:
            raise error
        backoff = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
        delay = backoff * (0.5 + jitter() / 2)
        if error.retry_after is not None:
            delay = max(delay, error.retry_after)
        if clock() - started + delay >= policy.deadline:
            raise error
        await sleep(delay)
