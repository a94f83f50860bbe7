"""Which provider clients exist, built in PARCELDESK_PROVIDERS order from the modules'
declarations (bot.carriers.providers: each module's SPEC)."""

from __future__ import annotations

import logging

import httpx

from bot.carriers.base import Provider
from bot.carriers.providers import specs
from bot.config import Settings

log = logging.getLogger(__name__)


def build_providers(settings: Settings, client: httpx.AsyncClient) -> list[Provider]:
    """The enabled providers, highest priority first, sharing `client`.

    A provider without a required setting (its API key) is left out with a warning; an
    unknown name is a configuration mistake and raises ValueError.
    """
    known = specs()
    providers: list[Provider] = []
    for name in settings.providers:
        spec = known.get(name)
        if spec is None:
            raise ValueError(
                f"unknown provider {name!r} in PARCELDESK_PROVIDERS; known: {', '.join(known)}"
            )
        values = spec.read(settings.env)
        missing = spec.missing(values)
        if missing:
            log.warning(
                "provider %s is enabled but %s is not set; skipping it", name, ", ".join(missing)
            )
            continue
        providers.append(spec.build(values, client))
    return providers


def only_demo(settings: Settings) -> bool:
    """True when the demo carrier is the only provider enabled: every answer is invented."""
    return set(settings.providers) <= {"demo"}


def real_carrier_keys() -> list[str]:
    """The variables that turn real carriers on (each provider's required settings)."""
    return [
        spec.variable(setting.key)
        for spec in specs().values()
        for setting in spec.settings
        if setting.required
    ]


def carriers_notice(settings: Settings) -> str:
    """One line for the start-up banner saying where answers come from."""
    if only_demo(settings):
        return (
            "demo carrier only: every parcel answer is invented demo data. Real carriers: "
            f"PARCELDESK_PROVIDERS plus {' / '.join(real_carrier_keys())}"
        )
    return f"providers {', '.join(settings.providers)}"
