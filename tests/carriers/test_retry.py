"""Retry policy: what is retried, how long it waits, and when it gives up."""

from __future__ import annotations

import pytest

from bot.carriers.base import CarrierError
from bot.carriers.retry import RetryPolicy, call_with_retries


class Script:
    """A call that fails with the given errors, then answers "ok"; fake time for the waits."""

    def __init__(self, *errors: CarrierError) -> None:
        self.errors = list(errors)
        self.calls = 0
        self.now = 0.0
        self.waits: list[float] = []

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


POLICY = RetryPolicy(attempts=3, base_delay=0.2, max_delay=2.0, attempt_timeout=5, deadline=10)


async def run(script: Script, policy: RetryPolicy = POLICY) -> str:
    return await call_with_retries(
        script,
        provider="p",
        policy=policy,
        sleep=script.sleep,
        clock=script.clock,
        jitter=lambda: 1.0,
    )


async def test_transient_errors_are_retried_with_growing_waits() -> None:
    script = Script(CarrierError("500", provider="p"), CarrierError("timeout", provider="p"))

    assert await run(script) == "ok"
    assert script.waits == [0.2, 0.4]


async def test_retry_after_is_honoured() -> None:
    script = Script(CarrierError("429", provider="p", retry_after=3.0))

    assert await run(script) == "ok"
    assert script.waits == [3.0]


async def test_permanent_errors_are_not_retried() -> None:
    script = Script(CarrierError("bad key", provider="p", permanent=True))

    with pytest.raises(CarrierError):
        await run(script)
    assert script.calls == 1


async def test_it_gives_up_after_the_last_attempt() -> None:
    script = Script(*(CarrierError("500", provider="p") for _ in range(5)))

    with pytest.raises(CarrierError, match="500"):
        await run(script)
    assert script.calls == 3


async def test_a_retry_after_beyond_the_deadline_is_not_waited_for() -> None:
    script = Script(CarrierError("429", provider="p", retry_after=60.0))

    with pytest.raises(CarrierError, match="429"):
        await run(script)
    assert script.waits == []
