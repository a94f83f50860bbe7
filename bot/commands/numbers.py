"""`parceldesk numbers [--json] TEXT`: find and validate tracking numbers in a text."""

from __future__ import annotations

import argparse
import json
import sys

from bot.tracking.numbers import Match, find_numbers


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("--json", action="store_true", help="print the matches as a JSON list")
    parser.add_argument(
        "text", nargs="*", help="text to scan (several words are joined); reads stdin if absent"
    )


def verdict(match: Match) -> str:
    """What the checker says about the number, e.g. "INVALID: looks like UPS but ..."."""
    if match.valid and not match.ambiguous:
        how = "check digit OK" if match.checksum else "pattern match, no check digit"
        return f"{match.courier_name} ({match.format}), {how}"
    if match.valid:
        names = ", ".join(f"{c.courier_name} ({c.format})" for c in match.candidates)
        return f"ambiguous, could be: {names}"
    if match.problem == "unknown_country":
        return f"INVALID: a UPU S10 number, but {match.number[-2:]} is no country code"
    who = match.courier_name or " / ".join(dict.fromkeys(c.courier_name for c in match.candidates))
    return f"INVALID: looks like {who} but the check digit does not match"


def describe(match: Match) -> str:
    """One readable line (plus candidate lines when ambiguous) for a match."""
    line = f"{match.number}  {verdict(match)} [{match.span[0]}:{match.span[1]}]"
    if match.country:
        line += f"\n    S10: {match.service}, issued in {match.country} by {match.operator}"
    if match.corrected_from:
        line += f"\n    corrected from {match.corrected_from} (look-alike characters)"
    return line


def main(args: argparse.Namespace) -> int:
    """Print the tracking numbers found in the text; exit 1 when there are none."""
    text = " ".join(args.text) if args.text else sys.stdin.read()
    matches = find_numbers(text)
    if args.json:
        print(json.dumps([m.to_dict() for m in matches], ensure_ascii=False, indent=2))
    elif not matches:
        print("no tracking number found")
    else:
        for match in matches:
            print(describe(match))
    return 0 if matches else 1
