"""Which web conversations have a widget tab open in this process, so the outbox can tell
the notifier whether a pushed message reached someone live. (The tab itself reads the
message from the event log; this only answers "is anyone there?")"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from starlette.applications import Starlette

from bot.conversations.replies import Reply


class Presence:
    def __init__(self) -> None:
        self._open: Counter[str] = Counter()

    def add(self, conversation_id: str) -> None:
        self._open[conversation_id] += 1

    def discard(self, conversation_id: str) -> None:
        self._open[conversation_id] -= 1
        if self._open[conversation_id] <= 0:
            del self._open[conversation_id]

    def __contains__(self, conversation_id: object) -> bool:
        return conversation_id in self._open

    async def sender(self, conversation_id: str, _replies: Sequence[Reply]) -> bool:
        """Outbox sender for "web": the tab follows the log, so only report presence."""
        return conversation_id in self


def of(app: Starlette) -> Presence:
    """The app's presence registry (created on first use)."""
    if not hasattr(app.state, "widget_presence"):
        app.state.widget_presence = Presence()
    return app.state.widget_presence
