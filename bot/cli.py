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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parceldesk", description="ParcelDesk parcel assistant")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"bot.commands.{name}")
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
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
