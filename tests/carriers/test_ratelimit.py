"""The token bucket, driven by a fake clock."""

from __future__ import annotations

import asyncio

from bot.carriers.ratelimit import RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


async def test_a_burst_up_to_the_rate_goes_out_at_once_then_requests_are_spaced() -> None:
    fake = FakeTime()
    limiter = RateLimiter(3, clock=fake.clock, sleep=fake.sleep)

    for _ in range(6):
        await limiter.acquire()

    assert fake.sleeps[:1] == [1 / 3] and len(fake.sleeps) == 3
    assert abs(fake.now - 1.0) < 1e-9  # six requests at 3/s with a burst of 3 take one second


async def test_tokens_come_back_with_time() -> None:
    fake = FakeTime()
    limiter = RateLimiter(1, clock=fake.clock, sleep=fake.sleep)
    await limiter.acquire()
    fake.now += 5.0

    await limiter.acquire()

    assert fake.sleeps == []


async def test_concurrent_waiters_are_served_one_by_one() -> None:
    fake = FakeTime()
    limiter = RateLimiter(1, clock=fake.clock, sleep=fake.sleep)

    await asyncio.gather(*(limiter.acquire() for _ in range(4)))

    assert fake.now == 3.0
