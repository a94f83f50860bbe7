"""Live wake-ups for clients that follow conversations: in-process by default, Redis pub/sub
across gateway replicas (`PARCELDESK_REDIS_URL`). Only a wake-up: what a client shows always
comes from the event log, read after the last sequence number it rendered.

Notices are small dicts, e.g. {"type": "event", "conversation_id": "web:..", "seq": 12} or
{"type": "typing", "conversation_id": "..", "who": "agent", "name": "Ana", "on": true}.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol

log = logging.getLogger(__name__)

Notice = dict[str, Any]
CHANNEL = "parceldesk:events"
# A follower that cannot keep up loses wake-ups, not events: it re-reads the log on the next.
QUEUE_SIZE = 1000


class Follower:
    """One follower's queue, registered the moment it is created: create it *before* reading
    the log for catch-up, so nothing published in between is missed. Iterate it for notices;
    `close()` (or `with`) unregisters it."""

    def __init__(self, fanout: _Fanout) -> None:
        self._fanout = fanout
        self.queue: asyncio.Queue[Notice] = asyncio.Queue(QUEUE_SIZE)
        fanout.queues.add(self.queue)

    def __aiter__(self) -> AsyncIterator[Notice]:
        return self

    async def __anext__(self) -> Notice:
        return await self.queue.get()

    async def get(self) -> Notice:
        return await self.queue.get()

    def close(self) -> None:
        self._fanout.queues.discard(self.queue)

    def __enter__(self) -> Follower:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class Bus(Protocol):
    async def publish(self, notice: Notice) -> None: ...

    def follow(self) -> Follower: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class _Fanout:
    """Local subscribers, each with a bounded queue."""

    def __init__(self) -> None:
        self.queues: set[asyncio.Queue[Notice]] = set()

    def deliver(self, notice: Notice) -> None:
        for queue in list(self.queues):
            try:
                queue.put_nowait(notice)
            except asyncio.QueueFull:
                # Drop the oldest: followers catch up from the database anyway.
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                queue.put_nowait(notice)

    def follow(self) -> Follower:
        return Follower(self)

    @property
    def followers(self) -> int:
        return len(self.queues)


class MemoryBus:
    """One process: publish goes straight to the local followers."""

    def __init__(self) -> None:
        self._fanout = _Fanout()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def publish(self, notice: Notice) -> None:
        self._fanout.deliver(notice)

    def follow(self) -> Follower:
        return self._fanout.follow()


class RedisBus:
    """Several replicas: publish to a Redis channel; one listener per process fans out."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis  # imported only when configured

        self._redis = redis.from_url(url)
        self._fanout = _Fanout()
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen())
        await asyncio.wait_for(self._ready.wait(), timeout=10)

    async def _listen(self) -> None:
        delay = 0.5
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(CHANNEL)
                self._ready.set()
                delay = 0.5
                async for item in pubsub.listen():
                    if item.get("type") != "message":
                        continue
                    try:
                        self._fanout.deliver(json.loads(item["data"]))
                    except (ValueError, TypeError):
                        log.warning("ignored a malformed notice on %s", CHANNEL)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis restarts: reconnect; clients re-read the log
                log.warning("redis bus disconnected (%s); reconnecting in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                # Wake every follower so it re-reads what it may have missed.
                self._fanout.deliver({"type": "resync"})
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.close()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self._redis.aclose() if hasattr(self._redis, "aclose") else await self._redis.close()

    async def publish(self, notice: Notice) -> None:
        try:
            await self._redis.publish(CHANNEL, json.dumps(notice))
        except Exception as exc:  # the event is stored; followers catch up on the next wake-up
            log.warning("redis publish failed (%s); delivering locally only", exc)
            self._fanout.deliver(notice)

    def follow(self) -> Follower:
        return self._fanout.follow()


def make_bus(redis_url: str) -> Bus:
    """Redis pub/sub when a URL is set, else in-process."""
    return RedisBus(redis_url) if redis_url else MemoryBus()
