"""Channel-neutral inbound and outbound message shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Reply:
    """One message to the buyer. `custom` carries markers such as {"handoff": {...}}."""

    text: str
    buttons: tuple[Button, ...] = ()
    custom: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "buttons": [b.to_dict() for b in self.buttons]}
        if self.custom:
            data["custom"] = self.custom
        return data

    @classmethod
    def from_rasa(cls, item: dict[str, Any]) -> Reply:
        """Build from one element of Rasa's REST channel output."""
        buttons = tuple(
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in item.get("buttons") or ()
        )
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else None
        text = item.get("text") or ""
        if not text and item.get("image"):
            text = str(item["image"])
        return cls(text=str(text), buttons=buttons, custom=custom)


@dataclass(frozen=True)
class Inbound:
    """A buyer's message as a channel hands it to the router."""

    channel: str  # "web", "api", "telegram"
    conversation_id: str  # unique across channels, e.g. "web:3f2a..." or "telegram:12345"
    text: str
    sender_id: str | None = None
    external_id: str | None = None  # the channel's own message/update id
    client_id: str | None = None  # the client's message id: a resend is stored once
    metadata: dict[str, Any] = field(default_factory=dict)


def clean_text(value: str) -> str:
    """Text safe to store on any database: lone surrogates become U+FFFD, NUL is dropped."""
    if value.isascii():
        return value.replace("\x00", "")
    fixed = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return fixed.replace("\x00", "")


def merge_markers(replies: list[Reply]) -> list[Reply]:
    """Fold marker-only messages (custom data, no text, no buttons; e.g. the handoff marker)
    into the message before them, so no channel shows an empty bubble."""
    merged: list[Reply] = []
    for reply in replies:
        if not reply.text and not reply.buttons and reply.custom and merged:
            previous = merged[-1]
            merged[-1] = Reply(
                previous.text, previous.buttons, {**(previous.custom or {}), **reply.custom}
            )
        else:
            merged.append(reply)
    return merged
