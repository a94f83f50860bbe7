"""Put several providers' answers about one parcel together into one truthful Shipment."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from bot.tracking.model import STATUS_PROGRESS, Event, Shipment, Source, Status, SubStatus

_EPOCH = datetime.min.replace(tzinfo=timezone.utc)
_NON_WORD = re.compile(r"[\W_]+")


def _text(value: str) -> str:
    return _NON_WORD.sub(" ", value.casefold()).strip()


def same_scan(a: Event, b: Event) -> bool:
    """Whether two events are one scan reported twice: the same minute, and the same words (one
    description containing the other) or the same specific sub-status."""
    if abs((a.time - b.time).total_seconds()) >= 60:
        return False
    ta, tb = _text(a.description), _text(b.description)
    if ta and tb and (ta == tb or ta in tb or tb in ta):
        return True
    if a.sub_status is not SubStatus.OTHER and a.sub_status == b.sub_status:
        return a.status == b.status
    return not ta and not tb and a.status == b.status


def _providers(*names: str | None) -> str | None:
    seen: list[str] = []
    for name in names:
        for part in (name or "").split(","):
            if part and part not in seen:
                seen.append(part)
    return ",".join(seen) or None


def _combine(kept: Event, other: Event) -> Event:
    """One event out of a duplicate pair: the first-priority one, gaps filled from the other,
    and `provider` naming every provider that reported it (comma-separated)."""
    specific = kept if kept.sub_status is not SubStatus.OTHER else other
    return Event(
        time=kept.time,
        description=kept.description or other.description,
        location=kept.location or other.location,
        country=kept.country or other.country,
        status=specific.status if specific.sub_status is not SubStatus.OTHER else kept.status,
        sub_status=specific.sub_status,
        provider=_providers(kept.provider, other.provider),
    )


def merge_events(lists: Sequence[Sequence[Event]]) -> tuple[Event, ...]:
    """All events from `lists` (highest-priority provider first), each scan once, newest first."""
    merged: list[Event] = []
    for events in lists:
        for event in events:
            for i, existing in enumerate(merged):
                if same_scan(existing, event):
                    merged[i] = _combine(existing, event)
                    break
            else:
                merged.append(event)
    return tuple(sorted(merged, key=lambda e: e.time, reverse=True))


def freshest(shipments: Sequence[Shipment]) -> Shipment | None:
    """The answer whose newest event is the most recent (ties: further along the journey, then
    provider priority). Answers of "not found" only count when nobody knows more."""
    known = [s for s in shipments if s.status is not Status.NOT_FOUND]
    if not known:
        return None

    def rank(item: tuple[int, Shipment]) -> tuple[datetime, int, int]:
        index, shipment = item
        last = shipment.last_event
        return (last.time if last else _EPOCH, STATUS_PROGRESS[shipment.status], -index)

    return max(enumerate(known), key=rank)[1]


def _first(shipments: Sequence[Shipment], field: Callable[[Shipment], str | None]) -> str | None:
    """The first non-empty value of `field` in priority order."""
    return next((value for s in shipments if (value := field(s))), None)


def merge(
    number: str,
    answers: Sequence[Shipment],
    *,
    sources: Sequence[Source],
    now: datetime,
    partial: bool = False,
) -> Shipment:
    """One Shipment from the providers' `answers` (priority order). `sources` says which provider
    answered what or failed why; `partial` marks that some provider could not answer."""
    winner = freshest(answers)
    return Shipment(
        number=number,
        status=winner.status if winner else Status.NOT_FOUND,
        sub_status=winner.sub_status if winner else SubStatus.OTHER,
        courier=_first(answers, lambda s: s.courier),
        carrier=_first(answers, lambda s: s.carrier),
        origin_country=_first(answers, lambda s: s.origin_country),
        destination_country=_first(answers, lambda s: s.destination_country),
        events=merge_events([a.events for a in answers]),
        sources=tuple(sources),
        fetched_at=now,
        shipped_at=min((a.shipped_at for a in answers if a.shipped_at), default=None),
        partial=partial,
    )


def apply_update(cached: Shipment | None, update: Shipment, *, now: datetime) -> Shipment:
    """The cached shipment with one provider's pushed `update` merged in (webhooks)."""
    if cached is None:
        return update.with_changes(fetched_at=now, stale_seconds=None)
    pushed = {s.provider for s in update.sources}
    sources = [s for s in cached.sources if s.provider not in pushed] + list(update.sources)
    return merge(cached.number, [update, cached], sources=sources, now=now, partial=cached.partial)
