"""Rasa's responses (`utter_*`), worded from the sentence catalogue in the buyer's language.

Rasa asks its NLG endpoint for every response it sends (endpoints.yml `nlg:`); the action
server answers at `POST /nlg` (bot/actions_server.py), so `domain.yml` keeps only the response
names and `bot/texts` is the one home of the words. The language is the one the gateway chose
for the conversation, sent as `language` in each buyer message's metadata.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from bot import texts

# The buttons that go with a response: (title key, payload). Titles are catalogue sentences.
BUTTONS: dict[str, tuple[tuple[str, str], ...]] = {
    "utter_frustration": (
        ("button.request_human", "/request_human"),
        ("button.track_parcel", "/track_parcel"),
    ),
    "utter_offer_help": (("button.request_human", "/request_human"), ("button.deny", "/deny")),
    "utter_offer_human": (
        ("button.request_human", "/request_human"),
        ("button.track_parcel", "/track_parcel"),
    ),
    "utter_not_received": (("button.request_human", "/request_human"), ("button.deny", "/deny")),
    "utter_refund_or_claim": (
        ("button.request_human", "/request_human"),
        ("button.deny", "/deny"),
    ),
    "utter_change_address": (
        ("button.request_human", "/request_human"),
        ("button.deny", "/deny"),
    ),
}


def tracker_language(tracker: Mapping[str, Any]) -> str:
    """The conversation's language from a tracker state: the `language` the gateway put in the
    latest buyer message's metadata (English when there is none)."""
    for event in reversed(tracker.get("events") or []):
        if event.get("event") == "user":
            lang = (event.get("metadata") or {}).get("language")
            if isinstance(lang, str) and lang:
                return texts.normalise(lang)
    return texts.DEFAULT_LANG


class _Blank(dict[str, Any]):
    """Template fields: a field with no value reads as an empty string, never raises."""

    def __missing__(self, key: str) -> str:
        return ""


def render(body: Mapping[str, Any]) -> dict[str, Any]:
    """The NLG answer for Rasa's request body: `{"text", "buttons"}` in the buyer's language.

    Template fields come from the tracker's slots, then from the arguments the action passed
    (`utter_message(response=..., number=...)`)."""
    name = str(body.get("response") or "")
    tracker = body.get("tracker") or {}
    lang = tracker_language(tracker)
    fields = _Blank({k: v for k, v in (tracker.get("slots") or {}).items() if v is not None})
    arguments = dict(body.get("arguments") or {})
    buttons_given = arguments.pop("buttons", None)
    fields.update({k: v for k, v in arguments.items() if v is not None})
    if not texts.has_text(name, lang):
        return {"text": None, "buttons": []}
    template = texts.catalogue(lang).messages.get(name) or texts.catalogue("en").messages[name]
    text = string.Formatter().vformat(template, (), fields)
    if buttons_given:
        # Rasa appends the buttons the action passed to whatever this returns
        # (RemoteAction._utter_responses): returning them too showed every button twice.
        return {"text": text, "buttons": []}
    buttons = [
        {"title": texts.text(title, lang), "payload": payload}
        for title, payload in BUTTONS.get(name, ())
    ]
    return {"text": text, "buttons": buttons}
