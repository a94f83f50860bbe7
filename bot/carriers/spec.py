"""What a provider module declares about itself, so that adding a carrier is one file.

Each module in `bot.carriers.providers` exposes `SPEC = ProviderSpec(...)`: its settings (read
from the environment by the prefix `PARCELDESK_<PREFIX>_`), how to build the client, its status
mapping and, if the provider pushes updates, its webhook (path, signature header, signing
function, parser). The registry, the webhook routes, `.env.example` and the README's settings
table are all derived from these declarations (docs/adding-a-carrier.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from bot.carriers.base import Provider
from bot.tracking.model import Shipment, Status


@dataclass(frozen=True)
class Setting:
    """One `PARCELDESK_<PREFIX>_<key>` variable of a provider."""

    key: str  # e.g. "API_KEY"
    doc: str  # one line for .env.example and the README table
    default: str = ""
    # Empty leaves the provider out (with a warning) even when PARCELDESK_PROVIDERS names it.
    required: bool = False
    # When empty, take the value of this other key of the same provider (e.g. the API key).
    fallback: str | None = None


@dataclass(frozen=True)
class Webhook:
    """A provider's push endpoint: `POST /webhooks/<path>`, signed with `secret` (a setting key)."""

    path: str
    header: str
    secret: str
    sign: Callable[[bytes, str], str]
    parse: Callable[[dict[str, Any]], Shipment | None]


# A provider's settings as read from the environment: key -> value.
ProviderSettings = Mapping[str, str]


@dataclass(frozen=True)
class ProviderSpec:
    """Everything the rest of ParcelDesk needs to know about one provider."""

    name: str  # as written in PARCELDESK_PROVIDERS
    prefix: str  # settings are PARCELDESK_<prefix>_<key>
    title: str  # human name, for logs and docs
    build: Callable[[ProviderSettings, httpx.AsyncClient], Provider]
    statuses: Mapping[str, Status]  # the provider's own status codes -> ours (documented)
    settings: tuple[Setting, ...] = ()
    webhook: Webhook | None = None

    def variable(self, key: str) -> str:
        return f"PARCELDESK_{self.prefix}_{key}"

    def read(self, env: Mapping[str, str]) -> dict[str, str]:
        """This provider's settings from `env` (defaults and fallbacks applied)."""
        values = {s.key: env.get(self.variable(s.key), s.default) for s in self.settings}
        for setting in self.settings:
            if not values[setting.key] and setting.fallback:
                values[setting.key] = values[setting.fallback]
        return values

    def missing(self, values: Mapping[str, str]) -> list[str]:
        """The variables of required settings that are empty."""
        return [self.variable(s.key) for s in self.settings if s.required and not values[s.key]]
