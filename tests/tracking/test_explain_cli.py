"""`parceldesk explain`: reads a shipment JSON file and prints the diagnosis."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "departed_guangzhou.json"
ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["explain", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_it_prints_the_diagnosis_as_json(capsys):
    code, out, _ = run(capsys, "--json", "--now", "2024-11-20T10:00:00+00:00", str(FIXTURE))
    assert code == 0
    data = json.loads(out)
    assert list(data) == [
        "reason", "summary", "next_step", "check_again_after", "escalate", "evidence"
    ]  # fmt: skip
    assert data["reason"] == "international_transit"
    assert data["check_again_after"] == "2024-11-22"
    assert data["escalate"] is False
    assert "on 12 November, 8 days ago" in data["summary"]
    assert data["evidence"]["days_since_shipped"] == 11


def test_it_prints_a_readable_reply(capsys):
    code, out, _ = run(capsys, "--now", "2024-11-20T10:00:00Z", str(FIXTURE))
    assert code == 0
    assert out.startswith("Reason: international_transit (Between countries)\nEscalate: no\n")
    assert ": in transit — 'Departure from outward office of exchange, Guangzhou'" in out
    assert out.rstrip().endswith("Check again after 22 November.")


def test_now_without_an_offset_means_utc(capsys):
    _, with_z, _ = run(capsys, "--json", "--now", "2024-12-20T10:00:00Z", str(FIXTURE))
    _, naive, _ = run(capsys, "--json", "--now", "2024-12-20T10:00:00", str(FIXTURE))
    assert json.loads(with_z)["reason"] == json.loads(naive)["reason"] == "stalled"


def test_wait_settings_change_the_verdict(capsys, monkeypatch):
    monkeypatch.setenv("PARCELDESK_WAIT_INTERNATIONAL_DAYS", "5")
    _, out, _ = run(capsys, "--json", "--now", "2024-11-20T10:00:00Z", str(FIXTURE))
    assert json.loads(out)["evidence"]["variant"] == "slow"


def test_it_reads_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(FIXTURE.read_text("utf-8")))
    code, out, _ = run(capsys, "--json", "--now", "2024-11-20T10:00:00Z", "-")
    assert code == 0 and json.loads(out)["reason"] == "international_transit"


def test_a_missing_file_is_an_error_not_a_traceback(capsys, tmp_path):
    code, out, err = run(capsys, str(tmp_path / "nope.json"))
    assert code == 2 and out == ""
    assert "cannot read" in err


def test_a_time_without_offset_in_the_file_is_rejected(capsys, tmp_path):
    data = json.loads(FIXTURE.read_text("utf-8"))
    data["events"][0]["time"] = "2024-11-10T08:15:00"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), "utf-8")
    code, _, err = run(capsys, str(bad))
    assert code == 2
    assert "UTC offset" in err


def test_the_installed_command_runs(tmp_path):
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "explain", "--json", "--now", "2024-11-20T10:00Z",
         str(FIXTURE)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["reason"] == "international_transit"


def test_it_names_a_missing_file_in_one_line(capsys, tmp_path):
    missing = tmp_path / "nope.json"
    code, out, err = run(capsys, str(missing))
    assert (code, out) == (2, "")
    assert err == f"parceldesk explain: cannot read {missing}: No such file or directory\n"


def test_it_names_bad_json_in_one_line(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"number": "RR123456785CN",', "utf-8")
    code, out, err = run(capsys, str(bad))
    assert (code, out) == (2, "")
    assert err == (
        f"parceldesk explain: {bad} is not valid JSON "
        "(line 1, column 28: Expecting property name enclosed in double quotes)\n"
    )


def test_it_names_a_missing_field_in_one_line(capsys, tmp_path):
    data = json.loads(FIXTURE.read_text("utf-8"))
    del data["number"]
    bad = tmp_path / "no-number.json"
    bad.write_text(json.dumps(data), "utf-8")
    code, out, err = run(capsys, str(bad))
    assert (code, out) == (2, "")
    assert err == (
        f'parceldesk explain: {bad} has no "number" field: expected a shipment as '
        "`parceldesk track --json` prints it\n"
    )


def test_it_explains_in_the_language_asked_for(tmp_path, capsys):
    from bot.cli import main as cli_main

    shipment = tmp_path / "parcel.json"
    assert cli_main(["track", "--json", "RR123456785CN"]) == 0
    shipment.write_text(capsys.readouterr().out)
    assert cli_main(["explain", "--lang", "de", str(shipment)]) == 0
    out = capsys.readouterr().out
    assert "Sendung RR123456785CN: unterwegs" in out
    assert "Deutschland" in out
    assert cli_main(["track", "--lang", "de", "RR123456785CN"]) == 0
    assert "Zwischen zwei Ländern" in capsys.readouterr().out


def test_its_labels_and_dates_are_in_the_language_asked_for(capsys):
    code, out, _ = run(capsys, "--lang", "de", "--now", "2024-11-20T10:00:00Z", str(FIXTURE))
    assert code == 0
    assert out.startswith(
        "Grund: international_transit (Zwischen zwei Ländern)\nAn das Team übergeben: nein\n"
    )
    assert "22. November" in out and "2024-11-22" not in out
