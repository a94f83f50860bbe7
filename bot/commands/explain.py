"""`parceldesk explain [--json] [--now ISO] [--lang xx] FILE`: why a shipment looks stuck and
what to do, with every label in the `--lang` language (`cli.*` catalogue sentences).

FILE (or `-` for stdin) holds a shipment as `parceldesk track --json` prints it
(`Shipment.to_dict()`, optionally with a "diagnosis" key, which is ignored). Thresholds come
from the `PARCELDESK_WAIT_*` settings.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot import texts
from bot.config import Settings
from bot.tracking.explain import diagnose, reason_title, render_reply
from bot.tracking.model import Shipment
from bot.tracking.numbers import check_number

JSON_KEYS = ("reason", "summary", "next_step", "check_again_after", "escalate", "evidence")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="shipment JSON file, or - for stdin")
    parser.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    parser.add_argument(
        "--now",
        metavar="ISO",
        help="explain as of this time (ISO 8601; no offset means UTC). Default: now",
    )
    parser.add_argument("--lang", default="en", help="language of the texts (default: en)")


def parse_now(value: str | None) -> datetime:
    """The `--now` value as an aware datetime; a value without an offset is taken as UTC."""
    if not value:
        return datetime.now(timezone.utc)
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def load_shipment(data: dict[str, Any]) -> Shipment:
    """A shipment from `track --json` output; a {"shipment": {...}} wrapper is accepted too."""
    if "number" not in data and isinstance(data.get("shipment"), dict):
        data = data["shipment"]
    data = {k: v for k, v in data.items() if k != "diagnosis"}
    return Shipment.from_dict(data)


def problem(name: str, raw: str) -> tuple[Shipment | None, str | None]:
    """The shipment in `raw`, or the one line that says what is wrong with the file."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
    if not isinstance(data, dict):
        return None, f"{name} is not a shipment: expected a JSON object, got {type(data).__name__}"
    try:
        return load_shipment(data), None
    except KeyError as exc:
        return None, (
            f'{name} has no "{exc.args[0]}" field: expected a shipment as '
            "`parceldesk track --json` prints it"
        )
    except (ValueError, TypeError, AttributeError) as exc:
        return None, f"{name} is not a readable shipment: {exc}"


def main(args: argparse.Namespace) -> int:
    """Explain the shipment in FILE; exit 2 with one line on stderr when it cannot be read."""
    name = "stdin" if args.file == "-" else args.file
    try:
        raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except OSError as exc:
        print(f"parceldesk explain: cannot read {name}: {exc.strerror}", file=sys.stderr)
        return 2
    shipment, wrong = problem(name, raw)
    try:
        now = parse_now(args.now)
    except ValueError:
        wrong = wrong or f"--now {args.now!r} is not an ISO 8601 time"
    if shipment is None or wrong:
        print(f"parceldesk explain: {wrong}", file=sys.stderr)
        return 2
    thresholds = Settings.from_env().thresholds
    check = check_number(shipment.number) if shipment.number else None
    diagnosis = diagnose(shipment, now, number_check=check, thresholds=thresholds, lang=args.lang)
    if args.json:
        data = diagnosis.to_dict()
        print(json.dumps({k: data[k] for k in JSON_KEYS}, indent=2, ensure_ascii=False))
        return 0
    lang = args.lang
    title = reason_title(diagnosis.reason, lang)
    answer = texts.text("cli.yes" if diagnosis.escalate else "cli.no", lang)
    print(texts.text("cli.reason", lang, reason=diagnosis.reason, title=title))
    print(texts.text("cli.escalate", lang, answer=answer))
    print()
    print(render_reply(shipment, diagnosis, args.lang))
    return 0
