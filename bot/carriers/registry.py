"""Which provider clients exist, built in PARCELDESK_PROVIDERS order."""

from __future__ import annotations

import logging

import httpx

from bot.carriers.aftership import AfterShipProvider
from bot.carriers.base import Provider
from bot.carriers.dhl import DhlProvider
from bot.carriers.track17 import Track17Provider
from bot.config import Settings

log = logging.getLogger(__name__)

KNOWN_PROVIDERS = ("demo", "17track", "aftership", "dhl")


def build_providers(settings: Settings, client: httpx.AsyncClient) -> list[Provider]:
    """The enabled providers, highest priority first, sharing `client`.

    A provider without its API key is left out with a warning; an unknown name is a
    configuration mistake and raises ValueError.
    """
    providers: list[Provider] = []
    for name in settings.providers:
        if name == "demo":
            from bot.carriers.demo import DemoProvider  # its own module, loaded when enabled

            providers.append(DemoProvider())
        elif name == "17track":
            if _has_key(name, settings.track17_api_key, "PARCELDESK_17TRACK_API_KEY"):
                providers.append(
                    Track17Provider(
                        client, api_key=settings.track17_api_key, base_url=settings.track17_url
                    )
                )
        elif name == "aftership":
            if _has_key(name, settings.aftership_api_key, "PARCELDESK_AFTERSHIP_API_KEY"):
                providers.append(
                    AfterShipProvider(
                        client, api_key=settings.aftership_api_key, base_url=settings.aftership_url
                    )
                )
        elif name == "dhl":
            if _has_key(name, settings.dhl_api_key, "PARCELDESK_DHL_API_KEY"):
                providers.append(
                    DhlProvider(client, api_key=settings.dhl_api_key, base_url=settings.dhl_url)
                )
        else:
            raise ValueError(
                f"unknown provider {name!r} in PARCELDESK_PROVIDERS; "
                f"known: {', '.join(KNOWN_PROVIDERS)}"
            )
    return providers


def _has_key(name: str, key: str, variable: str) -> bool:
    if key:
        return True
    log.warning("provider %s is enabled but %s is not set; skipping it", name, variable)
    return False
