"""`python -m bot.rasa_launcher` is Rasa's command line with bot.rasa_patches applied, and
`parceldesk run` starts Rasa through it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import rasa_launcher, rasa_patches


def test_it_applies_the_patches_and_hands_the_arguments_to_rasa(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from rasa.core.actions.action import RemoteAction

    try:
        rasa_launcher.main(["--version"])
        assert "3.6.21" in capsys.readouterr().out
        assert RemoteAction._validate_action_result.parceldesk_patched
    finally:
        rasa_patches.revert()


def test_it_is_how_parceldesk_run_starts_rasa(tmp_path: Path) -> None:
    from bot.commands.run import build_specs
    from bot.config import Settings

    settings = Settings.from_env({"PARCELDESK_HOME": str(tmp_path)})
    rasa = build_specs(settings, tmp_path / "m.tar.gz", tmp_path / "e.yml", "tok")[0]
    assert rasa.argv[1:5] == ["-m", "bot.rasa_launcher", "run", "--enable-api"]
