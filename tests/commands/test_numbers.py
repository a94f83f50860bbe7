"""`parceldesk numbers`: readable and JSON output through the real CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.cli import main


def test_it_prints_a_readable_line_per_number(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["numbers", "where is RR12345678SCN and", "RR123456786CN?"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("RR123456785CN  China Post (s10), check digit OK")
    assert "corrected from RR12345678SCN" in out
    assert "RR123456786CN  INVALID: looks like China Post" in out
    assert "check digit does not match" in out


def test_it_explains_an_unknown_s10_country(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["numbers", "RB123456785XX"]) == 0
    assert "a UPU S10 number, but XX is no country code" in capsys.readouterr().out


def test_json_lists_the_matches_with_their_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["numbers", "--json", "parcel rr 123 456 785 cn, also 60120172242323"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [m["number"] for m in data] == ["RR123456785CN", "60120172242323"]
    first, second = data
    assert first["span"] == [7, 24] and first["raw"] == "rr 123 456 785 cn"
    assert (first["courier"], first["country"], first["service"]) == ("s10", "CN", "registered")
    assert first["valid"] is True and first["corrected_from"] is None
    assert second["ambiguous"] is True and second["courier"] is None
    assert [c["courier"] for c in second["candidates"]] == ["dhl"]


def test_it_says_so_and_exits_1_when_there_is_no_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["numbers", "hello, call me on +1 415-555-0132"]) == 1
    assert capsys.readouterr().out.strip() == "no tracking number found"
    assert main(["numbers", "--json", "nothing here"]) == 1
    assert json.loads(capsys.readouterr().out) == []


def test_it_runs_as_a_program_reading_stdin() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "numbers", "--json"],
        input="1Z5R89390357567127",
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["courier"] == "ups"
