"""The demo carrier: the embedded default provider, with no network.

Showcase numbers (docs/demo-numbers.md, defined in `demo_showcases`) each play one situation a
buyer meets; any other number gets the deterministic generated journey of `demo_journeys`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone

import httpx

from bot.carriers.providers.demo.journeys import (
    COUNTRIES,
    PLACES,
    PROVIDER,
    Place,
    Step,
    build_generic,
)
from bot.carriers.providers.demo.showcases import (
    INVALID_EXAMPLE,
    SHOWCASE_BY_NUMBER,
    SHOWCASES,
    Showcase,
    build_showcase,
)
from bot.carriers.spec import ProviderSettings, ProviderSpec
from bot.tracking.model import Shipment, Status

# Names other modules and tests import from here; the definitions live in the two modules above.
__all__ = [
    "COUNTRIES",
    "INVALID_EXAMPLE",
    "PLACES",
    "PROVIDER",
    "SHOWCASES",
    "SHOWCASE_BY_NUMBER",
    "DemoProvider",
    "Place",
    "Showcase",
    "Step",
    "build_generic",
    "build_showcase",
]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class DemoProvider:
    """The built-in provider: answers every number from scripted or generated histories."""

    name = PROVIDER

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._now = now or _utc_now

    def supports(self, number: str, courier: str | None) -> bool:
        """The demo answers for any number and any courier."""
        return True

    async def track(self, number: str, *, courier: str | None = None) -> Shipment:
        """The showcase history for a documented number, else a generated one."""
        now = self._now()
        if now.tzinfo is None:
            raise ValueError("DemoProvider's clock must return timezone-aware datetimes")
        key = re.sub(r"[\s-]", "", number).upper()
        showcase = SHOWCASE_BY_NUMBER.get(key)
        if showcase is not None:
            return build_showcase(showcase, now, courier)
        return build_generic(key, now, courier)


def _build(settings: ProviderSettings, client: httpx.AsyncClient) -> DemoProvider:
    return DemoProvider()  # no network, no settings: the embedded default


SPEC = ProviderSpec(
    name=PROVIDER,
    prefix="DEMO",
    title="Demo carrier (built in; scripted and generated histories, no network)",
    build=_build,
    statuses={status.value: status for status in Status},  # it speaks our statuses natively
)
