"""Building providers from settings."""

from __future__ import annotations

import logging

import httpx
import pytest

from bot.carriers.registry import build_providers, carriers_notice
from bot.config import Settings


def settings(**env: str) -> Settings:
    return Settings.from_env(env)


async def test_providers_come_in_the_configured_order() -> None:
    async with httpx.AsyncClient() as client:
        providers = build_providers(
            settings(
                PARCELDESK_PROVIDERS="dhl,aftership,17track",
                PARCELDESK_DHL_API_KEY="d",
                PARCELDESK_AFTERSHIP_API_KEY="a",
                PARCELDESK_17TRACK_API_KEY="t",
                PARCELDESK_DHL_URL="http://127.0.0.1:9/dhl",
            ),
            client,
        )

    assert [p.name for p in providers] == ["dhl", "aftership", "17track"]


async def test_a_provider_without_its_key_is_skipped_with_a_warning(caplog) -> None:
    caplog.set_level(logging.WARNING)
    async with httpx.AsyncClient() as client:
        providers = build_providers(
            settings(PARCELDESK_PROVIDERS="17track,aftership", PARCELDESK_AFTERSHIP_API_KEY="a"),
            client,
        )

    assert [p.name for p in providers] == ["aftership"]
    assert "PARCELDESK_17TRACK_API_KEY" in caplog.text


async def test_an_unknown_provider_name_is_a_configuration_error() -> None:
    async with httpx.AsyncClient() as client:
        with pytest.raises(ValueError, match="fedex"):
            build_providers(settings(PARCELDESK_PROVIDERS="fedex"), client)


def test_it_says_plainly_when_only_the_demo_carrier_answers() -> None:
    assert carriers_notice(settings()) == (
        "demo carrier only: every parcel answer is invented demo data. Real carriers: "
        "PARCELDESK_PROVIDERS plus PARCELDESK_17TRACK_API_KEY / PARCELDESK_AFTERSHIP_API_KEY / "
        "PARCELDESK_DHL_API_KEY"
    )


def test_it_names_the_enabled_providers_otherwise() -> None:
    assert carriers_notice(settings(PARCELDESK_PROVIDERS="17track,demo")) == (
        "providers 17track, demo"
    )
