"""Keeps "typing…" showing while the bot works on an answer, and never holds the turn up.

The indicator is cosmetic, so the turn must not wait on it. Cancelling a task that is inside an
HTTP call is not enough on Python 3.10: the cancellation can be lost in the HTTP stack's own
cancel scopes, and a turn that then awaited the task waited for ever (and, with it, every later
update of that chat: CI saw "typing…" sent for a minute and no answer). So the loop also stops
on a flag, and the turn waits for it only briefly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

log = logging.getLogger(__name__)

# How long the end of a turn waits for an in-flight chat action before it leaves it behind.
STOP_GRACE = 1.0


@contextlib.asynccontextmanager
async def typing_while(
    send: Callable[[], Awaitable[bool]], *, every: float, grace: float = STOP_GRACE
) -> AsyncIterator[None]:
    """Call `send()` now and every `every` seconds until the block ends. `send` returns False
    to stop early (the chat is gone); its exceptions are logged, never raised."""
    stop = asyncio.Event()

    async def keep_typing() -> None:
        while not stop.is_set():
            try:
                if not await send():
                    return
            except Exception as exc:  # cosmetic: never let it break the turn
                log.debug("typing indicator failed: %r", exc)
            if stop.is_set():
                return
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), every)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        stop.set()
        task.cancel()
        # `asyncio.wait` neither raises nor waits past `grace`; a send still in flight ends on
        # its own and the loop then sees `stop`.
        done, _pending = await asyncio.wait({task}, timeout=grace)
        for finished in done:
            if not finished.cancelled() and finished.exception() is not None:
                log.debug("typing indicator ended with %r", finished.exception())
