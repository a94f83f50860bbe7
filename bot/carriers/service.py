"""The tracking service: ask every suitable provider at once, merge, cache, survive failures."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

import httpx

from bot.carriers.base import CarrierError, Provider
from bot.carriers.breaker import CircuitBreaker
from bot.carriers.cache import CacheEntry, DbShipmentStore, MemoryShipmentStore, ShipmentStore
from bot.carriers.merge import apply_update, merge
from bot.carriers.normalize import normalize_number
from bot.carriers.registry import build_providers
from bot.carriers.retry import RetryPolicy, call_with_retries
from bot.config import Settings
from bot.tracking.model import Shipment, Source, Status

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TrackingService:
    """Answers "where is this parcel?" from all enabled providers, never raising for their
    failures: what could not be asked is listed in `sources` and the answer marked partial."""

    def __init__(
        self,
        providers: Sequence[Provider],
        *,
        store: ShipmentStore | None = None,
        policy: RetryPolicy | None = None,
        failure_threshold: int = 5,
        reset_after: float = 30.0,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.providers = list(providers)
        self.store: ShipmentStore = store or MemoryShipmentStore()
        self.policy = policy or RetryPolicy()
        self.breakers = {
            p.name: CircuitBreaker(failure_threshold, reset_after) for p in self.providers
        }
        self._now = now
        self._inflight: dict[tuple[str, str | None, bool], asyncio.Future[Shipment]] = {}

    async def track(
        self, number: str, *, courier: str | None = None, refresh: bool = False
    ) -> Shipment:
        """The merged shipment for `number`, from the cache while fresh (unless `refresh`).

        Concurrent calls for the same number share one round of provider requests.
        """
        number = normalize_number(number)
        if not refresh:
            entry = await self.store.get(number)
            if entry is not None and entry.is_fresh(self._now()):
                return entry.shipment
        key = (number, courier, refresh)
        future = self._inflight.get(key)
        if future is None:
            future = asyncio.ensure_future(self._fetch(number, courier))
            self._inflight[key] = future
            future.add_done_callback(lambda _: self._inflight.pop(key, None))
        return await asyncio.shield(future)

    async def apply_update(self, update: Shipment) -> Shipment:
        """Merge one provider's pushed update (webhook) into the cached shipment and store it."""
        number = normalize_number(update.number)
        update = update.with_changes(number=number)
        entry = await self.store.get(number)
        now = self._now()
        merged = apply_update(entry.shipment if entry else None, update, now=now)
        await self.store.put(merged, now=now)
        return merged

    async def _fetch(self, number: str, courier: str | None) -> Shipment:
        chosen = [p for p in self.providers if p.supports(number, courier)]
        outcomes = await asyncio.gather(*(self._ask(p, number, courier) for p in chosen))
        now = self._now()
        answers = [o for o in outcomes if isinstance(o, Shipment)]
        failures = [o for o in outcomes if isinstance(o, Source)]
        sources: list[Source] = []
        for outcome in outcomes:
            sources.extend(outcome.sources if isinstance(outcome, Shipment) else [outcome])
        merged = merge(number, answers, sources=sources, now=now, partial=bool(failures))
        if failures and merged.status is Status.NOT_FOUND:
            # Nobody who answered knows the parcel and someone could not be asked: an older
            # answer with real data beats a "not found" that may be wrong.
            entry = await self.store.get(number)
            if entry is not None and (not answers or entry.shipment.status is not Status.NOT_FOUND):
                return self._stale(entry, failures, now)
        await self.store.put(merged, now=now)
        return merged

    @staticmethod
    def _stale(entry: CacheEntry, failures: list[Source], now: datetime) -> Shipment:
        failed = {f.provider for f in failures}
        kept = tuple(s for s in entry.shipment.sources if s.provider not in failed)
        return entry.shipment.with_changes(
            partial=True, stale_seconds=entry.age(now), sources=tuple(failures) + kept
        )

    async def _ask(self, provider: Provider, number: str, courier: str | None) -> Shipment | Source:
        """One provider's answer, or a Source saying why there is none."""
        breaker = self.breakers[provider.name]
        if not breaker.allow():
            return Source(
                provider=provider.name,
                ok=False,
                error=f"skipped: failing recently, next try in {breaker.retry_in():.0f}s",
                fetched_at=self._now(),
            )
        try:
            shipment = await call_with_retries(
                lambda: provider.track(number, courier=courier),
                provider=provider.name,
                policy=self.policy,
            )
        except CarrierError as exc:
            breaker.record_failure()
            log.warning("provider %s failed for %s: %s", provider.name, number, exc)
            return Source(provider=provider.name, ok=False, error=str(exc), fetched_at=self._now())
        except Exception as exc:
            # A bug in one client must not take the others' answers down; it is logged in full.
            breaker.record_failure()
            log.exception("provider %s crashed for %s", provider.name, number)
            return Source(
                provider=provider.name,
                ok=False,
                error=f"internal error: {type(exc).__name__}",
                fetched_at=self._now(),
            )
        breaker.record_success()
        return shipment.with_changes(number=number)


def build_tracking_service(
    settings: Settings, *, client: httpx.AsyncClient, sessionmaker: Any = None
) -> TrackingService:
    """The service for `settings`: providers in PARCELDESK_PROVIDERS order sharing `client`,
    cached in the database when `sessionmaker` is given, else in memory."""
    store: ShipmentStore = (
        DbShipmentStore(sessionmaker) if sessionmaker is not None else MemoryShipmentStore()
    )
    return TrackingService(
        build_providers(settings, client),
        store=store,
        policy=RetryPolicy.for_timeout(settings.provider_timeout),
    )
