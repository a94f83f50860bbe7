"""`parceldesk track`: the merged shipment printed for people and as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import pytest

from bot.cli import COMMANDS, main
from tests.carriers.documented import DHL_NOT_FOUND, dhl_event, dhl_shipments
from tests.carriers.fakes import ReplayServer, Reply, replay_server

# Shaped like a DHL Express number but its check digit fails: asked with --force.
NUMBER = "1234567890"


@pytest.fixture
def dhl(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    with replay_server() as server:
        monkeypatch.setenv("PARCELDESK_PROVIDERS", "dhl")
        monkeypatch.setenv("PARCELDESK_DHL_API_KEY", "key")
        monkeypatch.setenv("PARCELDESK_DHL_URL", server.url + "/track")
        yield server


def test_json_output_is_the_shipment_model_with_iso_times(dhl, capsys) -> None:
    events = [
        dhl_event(
            "2024-05-05T22:10:00+02:00", "transit", "Arrived at Sort Facility", "LEIPZIG", "DE"
        )
    ]
    dhl.on("GET", "/track/shipments", Reply(json=dhl_shipments(NUMBER, "transit", events)))

    code = main(["track", "--force", "--json", "--no-cache", NUMBER])

    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["number"] == NUMBER and data["status"] == "in_transit"
    assert data["events"][0]["time"] == "2024-05-05T22:10:00+02:00"
    assert datetime.fromisoformat(data["fetched_at"]).tzinfo is not None
    assert data["sources"][0]["provider"] == "dhl" and data["sources"][0]["ok"]
    assert data.get("diagnosis")


def test_text_output_names_status_sources_and_events(dhl, capsys) -> None:
    events = [
        dhl_event(
            "2024-05-05T22:10:00+02:00", "transit", "Arrived at Sort Facility", "LEIPZIG", "DE"
        )
    ]
    dhl.on("GET", "/track/shipments", Reply(json=dhl_shipments(NUMBER, "transit", events)))

    main(["track", "--force", "--no-cache", NUMBER])

    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"{NUMBER}: in transit (arrival)"
    assert "[dhl] in_transit" in out
    assert "Arrived at Sort Facility  (LEIPZIG, DE)  <dhl>" in out


def test_an_unknown_number_exits_1(dhl, capsys) -> None:
    dhl.on("GET", "/track/shipments", Reply(status=404, json=DHL_NOT_FOUND))

    assert main(["track", "--force", "--no-cache", NUMBER]) == 1
    assert "not found" in capsys.readouterr().out


def test_wait_settings_change_the_diagnosis_in_the_json(dhl, capsys, monkeypatch) -> None:
    # A last scan from May 2024 is long past the default 30 days: "stalled".
    events = [
        dhl_event(
            "2024-05-05T22:10:00+02:00", "transit", "Arrived at Sort Facility", "LEIPZIG", "DE"
        )
    ]
    dhl.on("GET", "/track/shipments", Reply(json=dhl_shipments(NUMBER, "transit", events)))
    main(["track", "--force", "--json", "--no-cache", NUMBER])
    default = json.loads(capsys.readouterr().out)["diagnosis"]

    monkeypatch.setenv("PARCELDESK_WAIT_STALLED_DAYS", "100000")
    main(["track", "--force", "--json", "--no-cache", NUMBER])
    patient = json.loads(capsys.readouterr().out)["diagnosis"]

    assert default["reason"] == "stalled"
    assert patient["reason"] != "stalled"


def test_it_refuses_a_string_that_is_not_a_tracking_number(dhl, capsys) -> None:
    code = main(["track", "--no-cache", "where is it"])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        "parceldesk track: 'where is it' is not a tracking number (no tracking number format "
        "matches it); use --force to ask the providers anyway\n"
    )
    assert dhl.requests == []


def test_it_refuses_a_number_whose_check_digit_fails_with_the_checkers_verdict(dhl, capsys) -> None:
    code = main(["track", "--no-cache", NUMBER])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        "parceldesk track: '1234567890' is not a tracking number (INVALID: looks like DHL but "
        "the check digit does not match); use --force to ask the providers anyway\n"
    )
    assert dhl.requests == []


def test_it_prints_the_diagnosis_under_the_shipment(dhl, capsys) -> None:
    # A last scan from May 2024 is long past the default 30 days: "stalled".
    events = [dhl_event("2024-05-05T22:10:00+02:00", "transit", "Arrived", "LEIPZIG", "DE")]
    dhl.on("GET", "/track/shipments", Reply(json=dhl_shipments(NUMBER, "transit", events)))

    code = main(["track", "--force", "--no-cache", NUMBER])

    lines = capsys.readouterr().out.splitlines()
    diagnosis = lines.index("Diagnosis: stalled (No movement for a long time)")
    assert code == 0
    assert lines[diagnosis + 1].startswith("  ") and lines[diagnosis + 2].startswith(
        "  Next step: "
    )


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_commands_help_ends_with_an_example(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])

    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert f"\nexample:\n  parceldesk {command}" in out


def test_the_text_output_is_in_the_language_asked_for(dhl, capsys) -> None:
    # A last scan from May 2024 is long past the default 30 days: "stalled".
    events = [
        dhl_event(
            "2024-05-05T22:10:00+02:00", "transit", "Arrived at Sort Facility", "LEIPZIG", "DE"
        )
    ]
    dhl.on("GET", "/track/shipments", Reply(json=dhl_shipments(NUMBER, "transit", events)))

    code = main(["track", "--force", "--no-cache", "--lang", "de", NUMBER])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0] == f"{NUMBER}: unterwegs (arrival)"
    # The scan's date from Babel in German, its time as the place wrote it (22:10 in Leipzig).
    assert "  5. Mai 2024, 22:10  Arrived at Sort Facility  (LEIPZIG, DE)  <dhl>" in lines
    diagnosis = lines.index("Diagnose: stalled (Lange keine Bewegung)")
    assert lines[diagnosis + 2].startswith("  Nächster Schritt: ")
    assert not any("Next step" in line or "Diagnosis" in line for line in lines)
