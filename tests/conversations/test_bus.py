"""Live wake-ups reach followers in this process and, through Redis, in other replicas."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from bot.conversations.bus import MemoryBus, RedisBus
from tests.support.requirements import missing

REDIS_URL = "redis://127.0.0.1:6379/15"


async def _next(follower) -> dict:
    return await asyncio.wait_for(follower.get(), timeout=5)


async def test_a_memory_bus_wakes_every_local_follower() -> None:
    bus = MemoryBus()
    first, second = bus.follow(), bus.follow()
    waiting = [asyncio.ensure_future(_next(first)), asyncio.ensure_future(_next(second))]
    await asyncio.sleep(0)
    await bus.publish({"type": "event", "conversation_id": "api:x", "seq": 3})
    assert [await w for w in waiting] == [
        {"type": "event", "conversation_id": "api:x", "seq": 3}
    ] * 2


@pytest.mark.scaleout
async def test_a_notice_published_on_one_replica_reaches_followers_on_another() -> None:
    replica_a, replica_b = RedisBus(REDIS_URL), RedisBus(REDIS_URL)
    try:
        await asyncio.gather(replica_a.start(), replica_b.start())
    except Exception as exc:  # reported as a missing service
        missing(f"Redis not reachable at {REDIS_URL}: {exc}")
    try:
        follower = replica_b.follow()
        waiting = asyncio.ensure_future(_next(follower))
        await asyncio.sleep(0.05)
        notice = {"type": "event", "conversation_id": f"web:{uuid.uuid4().hex}", "seq": 1}
        await replica_a.publish(notice)
        assert await waiting == notice
    finally:
        await replica_a.close()
        await replica_b.close()
