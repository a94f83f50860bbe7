"""Finding an answer Rasa already gave: the gateway sends its message id in the user event's
metadata, so a message that timed out at the gateway (or was stranded by a crash) can be
answered from Rasa's tracker instead of being asked again."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# The gateway's id of the buyer message, in Rasa's user-event metadata.
MESSAGE_ID_KEY = "gateway_message_id"


def answer_in_tracker(
    tracker_events: Iterable[dict[str, Any]], message_id: int
) -> list[dict[str, Any]] | None:
    """The bot messages that followed the user event for `message_id`, in REST-channel form;
    None when the tracker has no such event or no answer after it."""
    answer: list[dict[str, Any]] | None = None
    for event in tracker_events:
        if answer is None:
            meta = event.get("metadata") or {}
            if event.get("event") == "user" and meta.get(MESSAGE_ID_KEY) == message_id:
                answer = []
            continue
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            data = event.get("data") or {}
            answer.append(
                {
                    "text": event.get("text") or "",
                    "buttons": data.get("buttons") or [],
                    "custom": data.get("custom"),
                }
            )
    return answer or None
