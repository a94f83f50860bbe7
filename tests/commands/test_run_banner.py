"""The banner `parceldesk run` (and so `make run`) prints once every process is healthy says
where parcel answers come from: invented demo data unless a real carrier is configured."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bot.commands.run import _print_banner
from bot.config import Settings


def _carriers_line(capsys: pytest.CaptureFixture[str], **env: str) -> str:
    supervisor: Any = SimpleNamespace(children=[])
    _print_banner(Settings.from_env(env), supervisor)
    [line] = [x for x in capsys.readouterr().out.splitlines() if x.startswith("  carriers ")]
    return line


def test_the_banner_says_every_answer_is_demo_data_by_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _carriers_line(capsys) == (
        "  carriers       demo carrier only: every parcel answer is invented demo data. "
        "Real carriers: PARCELDESK_PROVIDERS plus PARCELDESK_17TRACK_API_KEY / "
        "PARCELDESK_AFTERSHIP_API_KEY / PARCELDESK_DHL_API_KEY"
    )


def test_the_banner_names_the_real_carriers_once_one_is_configured(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = _carriers_line(capsys, PARCELDESK_PROVIDERS="dhl,demo", PARCELDESK_DHL_API_KEY="k")
    assert line == "  carriers       providers dhl, demo"
