"""Migrations build the same schema on SQLite and PostgreSQL, and re-running is harmless."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from bot.config import to_sync_url
from bot.storage.migrate import upgrade
from bot.storage.models import metadata
from tests.support.postgres import fresh_database


def _tables(url: str) -> set[str]:
    engine = create_engine(to_sync_url(url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_creates_every_model_table_in_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'db.sqlite'}"
    upgrade(url)
    upgrade(url)  # idempotent
    assert set(metadata.tables) | {"alembic_version"} == _tables(url)


@pytest.mark.scaleout
def test_upgrade_creates_every_model_table_in_postgresql() -> None:
    with fresh_database() as url:
        upgrade(url)
        assert set(metadata.tables) | {"alembic_version"} == _tables(url)


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "var" / "db.sqlite"
    upgrade(f"sqlite:///{path}")
    assert path.stat().st_mode & 0o777 == 0o600
