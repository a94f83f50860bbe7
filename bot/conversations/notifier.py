"""Re-checks subscribed parcels and tells the buyer when the status or the reason changes.

Several gateway replicas may run it at once: each due subscription is claimed with a lease
(`UPDATE ... WHERE claimed_until IS NULL OR claimed_until < now`, row count checked), so one
worker handles it and a crashed worker's claim expires.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, select, update
from sqlalchemy.orm import sessionmaker

from bot.carriers.service import TrackingService
from bot.conversations import buyers
from bot.conversations.outbox import Outbox
from bot.conversations.replies import Reply
from bot.storage.models import Subscription
from bot.texts import DEFAULT_LANG, text
from bot.tracking.explain import diagnose, render_reply
from bot.tracking.model import Status
from bot.tracking.thresholds import Thresholds

log = logging.getLogger(__name__)

# Parcels in these states will not change any more: stop checking after telling the buyer.
FINAL = {Status.DELIVERED, Status.EXPIRED}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class NotifierTiming:
    interval: float = 300.0  # seconds between scans for due subscriptions
    recheck: timedelta = timedelta(hours=6)  # how soon one parcel is checked again
    lease: timedelta = timedelta(minutes=5)  # how long a claim protects a subscription
    batch: int = 50


class Notifier:
    """Finds due subscriptions, tracks them, and pushes a message when something changed."""

    def __init__(
        self,
        *,
        sessionmaker: sessionmaker,
        tracking: TrackingService,
        outbox: Outbox,
        timing: NotifierTiming | None = None,
        thresholds: Thresholds | None = None,
        now: Callable[[], datetime] = _utcnow,
        worker: str | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._tracking = tracking
        self._outbox = outbox
        self._timing = timing or NotifierTiming()
        self._thresholds = thresholds
        self._now = now
        self.worker = worker or uuid.uuid4().hex[:12]

    async def run_forever(self) -> None:
        """Scan every `interval` seconds until cancelled; a failed scan is logged and retried."""
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # logged; the next scan tries again rather than killing the loop
                log.exception("notifier scan failed (worker %s)", self.worker)
            await asyncio.sleep(self._timing.interval)

    async def run_once(self) -> int:
        """Handle every subscription that is due now; returns how many this worker handled."""
        handled = 0
        for subscription_id in await self._claim_due():
            await self._check(subscription_id)
            handled += 1
        return handled

    async def _claim_due(self) -> list[int]:
        now = self._now()
        due = (
            Subscription.active.is_(True),
            or_(Subscription.next_check_at.is_(None), Subscription.next_check_at <= now),
            or_(Subscription.claimed_until.is_(None), Subscription.claimed_until < now),
        )
        claimed: list[int] = []
        async with self._sessionmaker() as session, session.begin():
            ids = (
                (
                    await session.execute(
                        select(Subscription.id)
                        .where(*due)
                        .order_by(Subscription.next_check_at)
                        .limit(self._timing.batch)
                    )
                )
                .scalars()
                .all()
            )
            for subscription_id in ids:
                result = await session.execute(
                    update(Subscription)
                    .where(Subscription.id == subscription_id, *due)
                    .values(claimed_by=self.worker, claimed_until=now + self._timing.lease)
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount == 1:
                    claimed.append(subscription_id)
        return claimed

    async def _check(self, subscription_id: int) -> None:
        async with self._sessionmaker() as session:
            sub = await session.get(Subscription, subscription_id)
            if sub is None or sub.claimed_by != self.worker:
                return
            conversation_id, number = sub.conversation_id, sub.tracking_number
            last_status, last_reason = sub.last_status, sub.last_reason
            # Updates are written in the conversation's language, like every other answer.
            lang = await buyers.language(conversation_id, session=session) or DEFAULT_LANG
        now = self._now()
        # The cache (kept fresh by TTLs and carrier webhooks) spares rate-limited providers.
        shipment = await self._tracking.track(number)
        diagnosis = diagnose(shipment, now, thresholds=self._thresholds)
        status, reason = shipment.status.value, diagnosis.reason
        # The first check only records where things stand: the buyer has just been told.
        changed = last_status is not None and (status, reason) != (last_status, last_reason)
        if changed:
            message = "\n".join(
                [
                    text("notify.update", lang, number=number),
                    render_reply(shipment, diagnosis, lang),
                ]
            )
            delivered = await self._outbox.push(conversation_id, [Reply(message)])
            log.info(
                "notified %s about %s (%s/%s, delivered=%s)",
                conversation_id,
                number,
                status,
                reason,
                delivered,
            )
        async with self._sessionmaker() as session, session.begin():
            await session.execute(
                update(Subscription)
                .where(Subscription.id == subscription_id, Subscription.claimed_by == self.worker)
                .values(
                    last_status=status,
                    last_reason=reason,
                    next_check_at=now + self._timing.recheck,
                    claimed_by=None,
                    claimed_until=None,
                    active=shipment.status not in FINAL,
                )
                .execution_options(synchronize_session=False)
            )
