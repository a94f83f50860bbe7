"""Apply Alembic migrations programmatically (for `parceldesk run`, `migrate` and tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.config import to_sync_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at the packaged migrations and `database_url`."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", to_sync_url(database_url).replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database at `database_url` up to `revision`, creating SQLite's folder if needed."""
    sync_url = to_sync_url(database_url)
    path = Path(sync_url[len("sqlite:///") :]) if sync_url.startswith("sqlite:///") else None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)  # buyers' conversations: readable by the owner only
    command.upgrade(alembic_config(database_url), revision)
