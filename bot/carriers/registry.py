"""Which provider clients exist, built in PARCELDESK_PROVIDERS order from the modules'
declarations (bot.carriers.providers: each module's SPEC)."""

from __future__ import annotations

import logging

import httpx

from bot.carriers.base import Provider
from bot.carriers.providers import specs
from bot.carriers.providers.demo import SPEC as DEMO_SPEC
from bot.config import Settings
from bot.tracking.model import Shipment

log = logging.getLogger(__name__)

# The built-in provider whose histories are invented (bot.carriers.providers.demo).
DEMO = DEMO_SPEC.name


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


def configured(settings: Settings) -> list[str]:
    """The enabled providers that have their required settings: the ones that will answer.
    (A name `build_providers` would reject is left to it.)"""
    known = specs()
    return [
        name
        for name in settings.providers
        if name in known and not known[name].missing(known[name].read(settings.env))
    ]


def only_demo(settings: Settings) -> bool:
    """True when the demo carrier is the only provider that will answer: every answer is
    invented. A real carrier named in PARCELDESK_PROVIDERS without its key does not count,
    since it is left out at start-up."""
    return set(configured(settings)) <= {DEMO}


def is_demo(shipment: Shipment) -> bool:
    """True when the demo carrier contributed to this answer (its data is invented)."""
    return any(source.provider == DEMO for source in shipment.sources)


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
