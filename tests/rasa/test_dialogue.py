"""The Rasa project as a whole: data validation, every test story (dialogue and NLU) against
the model of the current data in models/. A missing model is trained here (`parceldesk train`,
cached by a content hash, so it costs nothing when `make train` already built it): the story
tests never skip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STORIES = sorted((ROOT / "tests" / "rasa").glob("test_stories*.yml"))
RASA = [sys.executable, "-m", "rasa"]
# Responses sent only by custom actions: the validator cannot see them used in rules/stories.
SENT_BY_ACTIONS = {
    "utter_ask_carrier",
    "utter_ask_tracking_number",
    "utter_ask_which_parcel",
    "utter_carrier_any",
    "utter_default",
    "utter_estimate_note",
    "utter_handoff",
    "utter_no_subscription",
    "utter_not_a_number",
    "utter_not_in_customs",
    "utter_number_help",
    "utter_offer_human",
    "utter_ask_order_check",
    "utter_order_check_failed",
    "utter_order_locked",
    "utter_order_marketplace",
    "utter_order_not_shipped",
    "utter_order_shipments",
    "utter_subscribed_order",
    "utter_offer_help",
    "utter_clarify",
    "utter_out_of_scope",
    "utter_subscribe_failed",
    "utter_subscribed",
    "utter_unsubscribed",
}


def rasa_env() -> dict[str, str]:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}


@pytest.fixture(scope="module")
def model() -> Path:
    """The model trained from the current domain, config and data; trained now if missing."""
    from bot.config import Settings
    from bot.rasa_project import model_path

    env = {**rasa_env(), "PARCELDESK_HOME": str(ROOT)}
    path = model_path(Settings.from_env(env))
    if not path.exists():
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "train"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert path.exists(), f"`parceldesk train` did not produce {path}"
    return path


def test_rasa_data_validate_is_clean() -> None:
    result = subprocess.run(
        [*RASA, "data", "validate"], cwd=ROOT, env=rasa_env(), capture_output=True, text=True
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    warnings = [line for line in output.splitlines() if "UserWarning" in line]
    unexpected = [
        w
        for w in warnings
        if not any(f"'{name}' is not used in any story or rule" in w for name in SENT_BY_ACTIONS)
    ]
    assert unexpected == []


def test_every_test_story_is_predicted_without_errors(model: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            *RASA,
            "test",
            "core",
            "--model",
            str(model),
            "--stories",
            str(ROOT / "tests" / "rasa"),
            "--fail-on-prediction-errors",
            "--out",
            str(tmp_path / "results"),
        ],
        cwd=ROOT,
        env=rasa_env(),
        capture_output=True,
        text=True,
    )
    failed = tmp_path / "results" / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else result.stdout[-3000:]
    assert result.returncode == 0, details


def test_the_nlu_understands_every_test_story_message(model: Path, tmp_path: Path) -> None:
    report = tmp_path / "nlu.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests/rasa/story_nlu_check.py"),
            str(model),
            str(report),
            *map(str, STORIES),
        ],
        cwd=ROOT,
        env=rasa_env(),
        capture_output=True,
        text=True,
    )
    assert report.exists(), result.stderr[-3000:]
    assert json.loads(report.read_text()) == []
    assert result.returncode == 0


def test_the_story_nlu_check_reports_a_wrong_annotation(model: Path, tmp_path: Path) -> None:
    story = tmp_path / "wrong.yml"
    story.write_text(
        'version: "3.1"\nstories:\n- story: wrong on purpose\n  steps:\n'
        "  - user: |\n      where is my parcel [RR123456785CN](order_number)\n"
        "    intent: goodbye\n  - action: utter_goodbye\n"
    )
    report = tmp_path / "nlu.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests/rasa/story_nlu_check.py"),
            str(model),
            str(report),
            str(story),
        ],
        cwd=ROOT,
        env=rasa_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    [problem] = json.loads(report.read_text())
    assert problem["predicted"] == "track_parcel"
    assert problem["predicted_entities"] == [["tracking_number", "RR123456785CN"]]
