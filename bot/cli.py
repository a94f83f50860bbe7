"""`parceldesk` command line: one sub-command per module under bot/commands/."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Sub-command name -> module under bot.commands exposing `configure(parser)` and `main(args)`.
COMMANDS: dict[str, str] = {
    "run": "Start Rasa, the action server and the gateway; stop all on Ctrl-C.",
    "train": "Train the Rasa model if domain.yml, config.yml or data/ changed.",
    "migrate": "Apply database migrations.",
    "numbers": "Find and validate tracking numbers in a text.",
    "track": "Track a parcel through the enabled providers.",
    "explain": "Explain a shipment (JSON file): why it looks stuck and what to do.",
    "agents": "Add, list or disable support agents (staff console logins).",
    "orders": "Import a shop's orders from CSV or sync them from Shopify / WooCommerce.",
}


# Shown at the end of each command's --help.
EXAMPLES: dict[str, str] = {
    "run": (
        "parceldesk run\n"
        "  PARCELDESK_PROVIDERS=17track,demo PARCELDESK_17TRACK_API_KEY=... parceldesk run"
    ),
    "train": "parceldesk train\n  parceldesk train --force",
    "migrate": (
        "parceldesk migrate\n"
        "  PARCELDESK_DATABASE_URL=postgresql://u:p@127.0.0.1/pd parceldesk migrate"
    ),
    "numbers": (
        'parceldesk numbers "my parcel RR123456785CN has not moved"\n'
        "  echo 1Z5R89390357567127 | parceldesk numbers --json"
    ),
    "track": (
        "parceldesk track RR123456785CN\n"
        "  parceldesk track --json --courier dhl 00340434161094042557\n"
        "  parceldesk track --force 1234567890   (ask although the check digit fails)"
    ),
    "explain": (
        "parceldesk explain parcel.json\n"
        "  parceldesk explain --json --now 2024-05-20T12:00:00Z parcel.json\n"
        "  (parcel.json from: parceldesk track --json RR123456785CN > parcel.json)"
    ),
    "agents": "parceldesk agents add alice --admin\n  parceldesk agents list",
    "orders": "parceldesk orders import orders.csv",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parceldesk", description="ParcelDesk parcel assistant")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"bot.commands.{name}")
        sub_parser = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=f"example:\n  {EXAMPLES[name]}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.configure(sub_parser)
        sub_parser.set_defaults(handler=module.main)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
