"""The circuit breaker, driven by a fake clock."""

from __future__ import annotations

from bot.carriers.breaker import BreakerState, CircuitBreaker


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_it_opens_after_consecutive_failures_and_tries_again_later() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, reset_after=30, clock=clock)
    for _ in range(3):
        assert breaker.allow()
        breaker.record_failure()

    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    clock.now = 29.0
    assert not breaker.allow() and round(breaker.retry_in()) == 1
    clock.now = 30.0
    assert breaker.allow()  # the one trial call
    assert not breaker.allow()  # nobody else while it runs
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()


def test_a_failed_trial_opens_it_again() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, reset_after=10, clock=clock)
    breaker.record_failure()
    clock.now = 10.0
    assert breaker.allow()

    breaker.record_failure()

    assert breaker.state is BreakerState.OPEN and not breaker.allow()


def test_a_success_resets_the_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2)
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()

    assert breaker.state is BreakerState.CLOSED
