"""The typing indicator: shown while the block runs, stopped after it, never holding it up."""

from __future__ import annotations

import asyncio

from bot.channels.telegram.typing_indicator import typing_while


async def test_it_sends_at_once_and_again_until_the_block_ends() -> None:
    sent: list[float] = []

    async def send() -> bool:
        sent.append(asyncio.get_running_loop().time())
        return True

    async with typing_while(send, every=0.01):
        await asyncio.sleep(0.1)
    count = len(sent)
    assert count >= 3
    await asyncio.sleep(0.05)
    assert len(sent) == count, "it went on after the block ended"


async def test_a_send_that_swallows_its_cancellation_does_not_hold_the_turn() -> None:
    # What Python 3.10 can do inside an HTTP client: the cancel is lost and the call goes on.
    sends = 0
    release = asyncio.Event()

    async def send() -> bool:
        nonlocal sends
        sends += 1
        while not release.is_set():
            try:
                await asyncio.sleep(0.01)
            except asyncio.CancelledError:
                continue  # lost cancellation
        return True

    async def turn() -> str:
        async with typing_while(send, every=0.01, grace=0.05):
            await asyncio.sleep(0)
        return "answered"

    assert await asyncio.wait_for(turn(), timeout=5) == "answered"
    release.set()  # the stuck call finally returns; the loop must see the stop flag
    await asyncio.sleep(0.1)
    assert sends == 1


async def test_failures_are_not_raised_and_false_stops_it() -> None:
    calls = 0

    async def failing() -> bool:
        nonlocal calls
        calls += 1
        raise RuntimeError("network down")

    async with typing_while(failing, every=0.01):
        await asyncio.sleep(0.05)
    assert calls >= 2

    stops = 0

    async def blocked() -> bool:
        nonlocal stops
        stops += 1
        return False

    async with typing_while(blocked, every=0.01):
        await asyncio.sleep(0.05)
    assert stops == 1
