"""Migrations build exactly the models' schema on SQLite and PostgreSQL: after `upgrade`,
Alembic's autogenerate (with the options of migrations/env.py) finds nothing to add, drop or
alter, so a column added to bot/storage/models.py without a revision fails here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, create_engine

from bot.config import to_sync_url
from bot.storage.migrate import upgrade
from bot.storage.models import metadata
from tests.support.postgres import fresh_database


def autogenerate_diff(url: str, target: MetaData = metadata) -> list[Any]:
    """What `alembic revision --autogenerate` would write for the database at `url`."""
    engine = create_engine(to_sync_url(url))
    try:
        with engine.connect() as connection:
            # Same comparison as migrations/env.py: types compared (Alembic's default since
            # 1.12), server defaults not (the revisions keep backfill defaults the models omit).
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, target))
    finally:
        engine.dispose()


def test_it_leaves_no_difference_to_the_models_in_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'db.sqlite'}"
    upgrade(url)
    upgrade(url)  # idempotent
    assert autogenerate_diff(url) == []


@pytest.mark.scaleout
def test_it_leaves_no_difference_to_the_models_in_postgresql() -> None:
    with fresh_database() as url:
        upgrade(url)
        assert autogenerate_diff(url) == []


def test_it_notices_a_model_column_that_has_no_migration(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url)
    changed = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["conversations"].append_column(Column("mood", String(16), nullable=True))
    [(op, _schema, table, column)] = autogenerate_diff(url, changed)
    assert (op, table, column.name) == ("add_column", "conversations", "mood")


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "var" / "db.sqlite"
    upgrade(f"sqlite:///{path}")
    assert path.stat().st_mode & 0o777 == 0o600
