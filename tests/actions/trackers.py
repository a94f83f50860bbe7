"""Build rasa_sdk trackers the way the Rasa server sends them to the action server."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker


def user_event(text: str, intent: str, entities: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 1.0}, "entities": list(entities)},
    }


def number_entity(value: str, entity: str = "tracking_number") -> dict[str, Any]:
    return {"entity": entity, "value": value, "start": 0, "end": len(value)}


def make_tracker(
    text: str = "",
    intent: str = "inform",
    *,
    entities: Iterable[dict[str, Any]] = (),
    slots: dict[str, Any] | None = None,
    before: Iterable[dict[str, Any]] = (),
    after: Iterable[dict[str, Any]] = (),
    active_loop: str | None = None,
    sender: str = "buyer-1",
) -> Tracker:
    """A tracker whose latest buyer message is `text`; `before`/`after` surround that event."""
    latest = user_event(text, intent, entities)
    return Tracker(
        sender,
        dict(slots or {}),
        {**latest["parse_data"], "text": text},
        [*before, latest, *after],
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )
