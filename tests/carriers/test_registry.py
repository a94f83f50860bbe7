"""Building providers from settings."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import httpx
import pytest

from bot.carriers.registry import build_providers, carriers_notice, is_demo, only_demo
from bot.config import Settings
from bot.tracking.model import Shipment, Source, Status


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
    configured = settings(PARCELDESK_PROVIDERS="17track,demo", PARCELDESK_17TRACK_API_KEY="t")
    assert carriers_notice(configured) == "providers 17track, demo"
    assert only_demo(configured) is False


def test_a_real_carrier_named_without_its_key_leaves_the_demo_carrier_alone() -> None:
    # 17TRACK is left out at start-up without its key, so every answer is still invented.
    unkeyed = settings(PARCELDESK_PROVIDERS="17track,demo")
    assert only_demo(unkeyed) is True
    assert carriers_notice(unkeyed).startswith("demo carrier only: every parcel answer is invented")


def test_an_answer_is_demo_data_when_the_demo_carrier_contributed_to_it() -> None:
    now = datetime(2024, 5, 6, tzinfo=timezone.utc)

    def answer(*providers: str) -> Shipment:
        sources = tuple(Source(provider=p, ok=True, fetched_at=now) for p in providers)
        return Shipment(number="RR123456785CN", status=Status.IN_TRANSIT, sources=sources)

    assert is_demo(answer("demo")) is True
    assert is_demo(answer("17track", "demo")) is True
    assert is_demo(answer("17track")) is False
    assert is_demo(answer()) is False
