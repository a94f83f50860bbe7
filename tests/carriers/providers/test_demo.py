"""The demo carrier: documented showcase numbers that each play one situation on any date, and
deterministic, plausible histories for every other number."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.carriers.base import Provider
from bot.carriers.providers.demo import INVALID_EXAMPLE, SHOWCASES, DemoProvider, build_generic
from bot.tracking.explain import REASONS, diagnose
from bot.tracking.model import Status
from bot.tracking.numbers import check_number

ROOT = Path(__file__).resolve().parents[3]

# Dates chosen to cross a year boundary and both sides of the European and US DST changes.
NOWS = [
    datetime(2024, 11, 20, 10, 0, tzinfo=timezone.utc),
    datetime(2025, 1, 2, 0, 30, tzinfo=timezone.utc),
    datetime(2025, 3, 30, 1, 30, tzinfo=timezone.utc),
    datetime(2025, 7, 15, 23, 59, tzinfo=timezone(timedelta(hours=-7))),
    datetime(2026, 2, 28, 12, 0, tzinfo=timezone(timedelta(hours=8))),
]


def provider_at(now: datetime) -> DemoProvider:
    return DemoProvider(now=lambda: now)


def test_it_is_a_provider_that_answers_for_every_number():
    demo = DemoProvider()
    assert isinstance(demo, Provider)
    assert demo.name == "demo"
    assert demo.supports("anything", None) and demo.supports("1Z999AA10123456784", "ups")


@pytest.mark.parametrize("showcase", SHOWCASES, ids=lambda s: s.number)
def test_every_showcase_number_passes_its_check_digit(showcase):
    match = check_number(showcase.number)
    assert match is not None and match.valid, match
    assert match.courier == "s10" and match.country == showcase.origin


def test_the_invalid_example_fails_its_check_digit_and_is_explained():
    match = check_number(INVALID_EXAMPLE)
    assert match is not None and not match.valid
    assert diagnose(None, NOWS[0], number_check=match).reason == "invalid_number"


def test_rr123456785cn_is_the_international_transit_showcase():
    by_number = {s.number: s.reason for s in SHOWCASES}
    assert by_number["RR123456785CN"] == "international_transit"


def test_the_showcases_cover_every_reason_a_carrier_can_cause():
    covered = {s.reason for s in SHOWCASES}
    assert covered == set(REASONS) - {"invalid_number"}


@pytest.mark.parametrize("now", NOWS, ids=lambda n: n.isoformat())
@pytest.mark.parametrize("showcase", SHOWCASES, ids=lambda s: s.number)
async def test_each_showcase_gets_its_documented_reason_on_any_date(showcase, now):
    shipment = await provider_at(now).track(showcase.number)
    assert shipment.number == showcase.number
    diagnosis = diagnose(shipment, now)
    assert diagnosis.reason == showcase.reason, diagnosis.summary


async def test_showcase_numbers_are_found_however_they_are_typed():
    now = NOWS[0]
    typed = await provider_at(now).track("rr 123-456-785 cn")
    assert typed.number == "RR123456785CN"
    assert diagnose(typed, now).reason == "international_transit"


async def test_scans_carry_local_offsets_that_follow_daylight_saving():
    winter = await provider_at(datetime(2025, 1, 20, tzinfo=timezone.utc)).track("RR900000005CN")
    summer = await provider_at(datetime(2025, 7, 20, tzinfo=timezone.utc)).track("RR900000005CN")
    offsets = {
        (e.location, e.time.utcoffset()) for s in (winter, summer) for e in s.events
    }  # fmt: skip
    assert ("Guangzhou", timedelta(hours=8)) in offsets
    assert ("Berlin", timedelta(hours=1)) in offsets
    assert ("Berlin", timedelta(hours=2)) in offsets
    ny = await provider_at(datetime(2025, 1, 20, tzinfo=timezone.utc)).track("EA220000005CN")
    assert {e.time.utcoffset() for e in ny.events if e.location == "New York"} == {
        timedelta(hours=-5)
    }


async def test_showcase_histories_are_built_back_from_now():
    now = NOWS[0]
    shipment = await provider_at(now).track("RR123456785CN")
    last = shipment.last_event
    assert last is not None
    assert last.description == "Departure from outward office of exchange"
    assert last.location == "Guangzhou" and last.country == "CN"
    assert timedelta(days=3) <= now - last.time < timedelta(days=4)
    assert all(e.provider == "demo" for e in shipment.events)
    assert [e.time for e in shipment.events] == sorted(
        (e.time for e in shipment.events), reverse=True
    )
    assert (shipment.origin_country, shipment.destination_country) == ("CN", "DE")
    assert shipment.sources[0].provider == "demo" and shipment.sources[0].ok


async def test_the_data_error_showcase_has_an_old_ship_date_and_no_scans():
    now = NOWS[0]
    shipment = await provider_at(now).track("LX700000000CN")
    assert shipment.status == Status.NOT_FOUND and not shipment.events
    assert shipment.shipped_at is not None
    assert (now - shipment.shipped_at).days == 21


async def test_another_number_gets_the_same_history_every_time():
    now = NOWS[0]
    first = await provider_at(now).track("RR111111115CN")
    again = await DemoProvider(now=lambda: now).track("RR111111115CN")
    assert first.to_dict() == again.to_dict()
    other = await provider_at(now).track("EA000000005US")
    assert other.to_dict()["events"] != first.to_dict()["events"]


def test_generated_histories_are_seeded_by_a_stable_hash_not_pythons_hash():
    # The journey depends only on SHA-256 of the number, so it survives process restarts
    # (PYTHONHASHSEED); pin one property that follows from the digest.
    number = "RR111111115CN"
    digest = hashlib.sha256(number.encode()).digest()
    choices = ["DE", "US", "GB", "FR", "NL", "ES"]
    expected_destination = choices[digest[0] % len(choices)]
    assert build_generic(number, NOWS[0]).destination_country == expected_destination


def test_generated_histories_move_forward_from_day_to_day():
    number = "LZ987654321GB"
    start = datetime(2025, 5, 1, 12, 0, tzinfo=timezone.utc)
    advanced = 0
    for day in range(60):
        today = build_generic(number, start + timedelta(days=day))
        tomorrow = build_generic(number, start + timedelta(days=day + 1))
        if today.shipped_at != tomorrow.shipped_at:
            continue  # the 40-day cycle started a new journey
        older = {(e.time, e.description) for e in today.events}
        newer = {(e.time, e.description) for e in tomorrow.events}
        assert older <= newer
        advanced += len(newer) > len(older)
    assert advanced >= 5


def test_generated_histories_are_plausible_journeys():
    numbers = [f"RR{serial:08d}0CN" for serial in range(0, 400, 10)]
    numbers += ["1Z999AA10123456784", "123456789012", "EA000000005US"]
    seen: set[str] = set()
    for day in range(0, 40, 3):
        now = NOWS[0] + timedelta(days=day)
        for number in numbers:
            shipment = build_generic(number, now)
            assert shipment.origin_country != shipment.destination_country
            assert all(e.time <= now for e in shipment.events)
            diagnosis = diagnose(shipment, now)
            seen.add(diagnosis.reason)
            # A normal journey never looks lost or broken.
            assert diagnosis.reason in {
                "not_yet_updated",
                "on_track",
                "international_transit",
                "delivered",
            }, (number, now, diagnosis.summary)
    assert {"on_track", "international_transit", "delivered"} <= seen


async def test_a_clock_without_offset_is_refused():
    with pytest.raises(ValueError):
        await DemoProvider(now=lambda: datetime(2025, 1, 1)).track("RR123456785CN")


def test_every_showcase_is_documented_with_its_reason():
    table = (ROOT / "docs" / "demo-numbers.md").read_text("utf-8")
    for showcase in SHOWCASES:
        assert f"| `{showcase.number}` | `{showcase.reason}` |" in table, showcase.number
    assert f"`{INVALID_EXAMPLE}`" in table


def _cli(*args: str, tmp_path: Path, stdin: str | None = None, rc: int = 0) -> str:
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "PARCELDESK_PROVIDERS": "demo",
        "PARCELDESK_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == rc, done.stderr
    return done.stdout


@pytest.mark.parametrize("showcase", SHOWCASES, ids=lambda s: s.number)
def test_parceldesk_track_prints_the_expected_reason(showcase, tmp_path):
    # `track` exits 1 when no provider knows the number, and still prints the shipment.
    unknown = not showcase.steps
    out = json.loads(
        _cli("track", "--json", "--no-cache", showcase.number, tmp_path=tmp_path, rc=int(unknown))
    )
    assert out["number"] == showcase.number
    assert out["diagnosis"]["reason"] == showcase.reason
    # The same JSON is what `parceldesk explain` reads.
    again = json.loads(_cli("explain", "--json", "-", tmp_path=tmp_path, stdin=json.dumps(out)))
    assert again["reason"] == showcase.reason
