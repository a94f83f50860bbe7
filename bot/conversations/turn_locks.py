"""One turn of a conversation at a time, within one gateway process.

Live messages and replays of one conversation take the same lock, in arrival order (asyncio
locks hand over first come, first served). Every user is counted, so a conversation's lock is
forgotten only when nobody holds or waits for it: a lock dropped while held would let the next
message run beside the current one. Idle conversations leave nothing behind.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator


class TurnLocks:
    def __init__(self) -> None:
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._users: defaultdict[str, int] = defaultdict(int)

    @contextlib.asynccontextmanager
    async def turn(self, conversation_id: str) -> AsyncIterator[None]:
        lock = self._locks[conversation_id]
        self._users[conversation_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[conversation_id] -= 1
            if self._users[conversation_id] == 0:
                del self._users[conversation_id]
                self._locks.pop(conversation_id, None)

    def __len__(self) -> int:
        """Conversations with a turn running or waiting."""
        return len(self._locks)
