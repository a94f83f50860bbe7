"""`parceldesk run` fails fast and clearly when it cannot start."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.stack import ROOT, stack_env


def test_it_fails_fast_naming_the_gateway_port_when_it_is_taken(tmp_path: Path) -> None:
    env = stack_env(tmp_path)
    port = int(env["PARCELDESK_PORT"])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "run"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"port {port} (gateway) is already in use" in result.stderr
    assert "PARCELDESK_PORT" in result.stderr


def test_it_explains_a_missing_model(tmp_path: Path) -> None:
    env = stack_env(tmp_path, {"PARCELDESK_MODEL_DIR": str(tmp_path / "no-models")})
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "no trained Rasa model" in result.stderr
    assert "parceldesk train" in result.stderr


def test_rasa_gets_its_token_from_the_environment_never_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from bot import rasa_launcher
    from bot.commands.run import build_specs
    from bot.config import Settings

    settings = Settings.from_env({"PARCELDESK_HOME": str(tmp_path)})
    rasa = build_specs(settings, tmp_path / "m.tar.gz", tmp_path / "e.yml", "-abc")[0]
    assert not any("-abc" in arg for arg in rasa.argv)
    assert rasa.env["PARCELDESK_RASA_TOKEN"] == "-abc"
    # The launcher adds it inside the process, as one argument (a leading "-" stays a value).
    seen: list[list[str]] = []
    monkeypatch.setenv("PARCELDESK_RASA_TOKEN", "-abc")
    monkeypatch.setattr("bot.rasa_patches.apply", lambda: None)
    monkeypatch.setattr("rasa.__main__.main", lambda: seen.append(list(sys.argv)))
    rasa_launcher.main(["run", "--enable-api"])
    assert seen == [["rasa", "run", "--enable-api", "--auth-token=-abc"]]
