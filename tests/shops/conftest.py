"""Shop connector tests: local servers replaying the platforms' documented shapes, and a
migrated SQLite database (the `sessions` fixture of tests/conftest.py) to store what the
connectors return."""

from __future__ import annotations


class Waits:
    """Stands in for asyncio.sleep: records how long the connector chose to wait."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)
