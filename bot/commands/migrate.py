"""`parceldesk migrate`: apply Alembic migrations to PARCELDESK_DATABASE_URL."""

from __future__ import annotations

import argparse

from bot.config import Settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--revision", default="head", help="target revision (default: head)")


def main(args: argparse.Namespace) -> int:
    from bot.storage.migrate import upgrade

    settings = Settings.from_env()
    upgrade(settings.database_url, args.revision)
    print(f"database at {settings.sync_database_url} is at {args.revision}")
    return 0
