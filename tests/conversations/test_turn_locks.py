"""One turn of a conversation at a time; idle conversations leave no lock behind."""

from __future__ import annotations

import asyncio

from bot.conversations.turn_locks import TurnLocks


async def test_turns_of_one_conversation_run_in_order_and_others_beside_them() -> None:
    locks = TurnLocks()
    order: list[str] = []

    async def turn(conversation: str, name: str, hold: float) -> None:
        async with locks.turn(conversation):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    await asyncio.gather(turn("a", "a1", 0.05), turn("a", "a2", 0), turn("b", "b1", 0))
    assert order.index("a1 out") < order.index("a2 in")
    assert order.index("b1 in") < order.index("a1 out")
    assert len(locks) == 0
