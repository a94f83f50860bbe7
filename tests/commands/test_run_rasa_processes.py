"""`parceldesk run` with PARCELDESK_RASA_PROCESSES: several Rasa processes behind one gateway."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.commands.run import build_specs
from bot.config import Settings
from tests.support.stack import ROOT, stack_env


def test_it_starts_one_rasa_per_process_on_consecutive_ports(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "PARCELDESK_HOME": str(tmp_path),
            "PARCELDESK_RASA_PORT": "6100",
            "PARCELDESK_RASA_PROCESSES": "2",
            "PARCELDESK_REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    specs = build_specs(settings, tmp_path / "m.tar.gz", tmp_path / "e.yml", "tok")
    rasa = [s for s in specs if s.name.startswith("rasa")]
    assert [(s.name, s.port) for s in rasa] == [("rasa", 6100), ("rasa-2", 6101)]
    assert all("-p" in s.argv and str(s.port) in s.argv for s in rasa)
    gateway = next(s for s in specs if s.name == "gateway")
    assert gateway.env["PARCELDESK_RASA_URLS"] == "http://127.0.0.1:6100,http://127.0.0.1:6101"


def test_it_sends_to_the_one_rasa_by_default(tmp_path: Path) -> None:
    settings = Settings.from_env({"PARCELDESK_HOME": str(tmp_path), "PARCELDESK_RASA_PORT": "6100"})
    specs = build_specs(settings, tmp_path / "m.tar.gz", tmp_path / "e.yml", "tok")
    assert [s.name for s in specs] == ["rasa", "actions", "gateway"]
    assert specs[-1].env["PARCELDESK_RASA_URLS"] == "http://127.0.0.1:6100"


def test_explicit_rasa_urls_win_and_zero_processes_is_refused() -> None:
    settings = Settings.from_env(
        {"PARCELDESK_RASA_PROCESSES": "2", "PARCELDESK_RASA_URLS": "http://lb:5005"}
    )
    assert settings.rasa_urls == ("http://lb:5005",)
    with pytest.raises(ValueError, match="PARCELDESK_RASA_PROCESSES"):
        Settings.from_env({"PARCELDESK_RASA_PROCESSES": "0"})


def test_it_refuses_several_rasa_processes_without_redis(tmp_path: Path) -> None:
    env = stack_env(tmp_path, {"PARCELDESK_RASA_PROCESSES": "2"})
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "PARCELDESK_REDIS_URL" in result.stderr
