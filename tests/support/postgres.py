"""A throwaway PostgreSQL database per test on the local server (PARCELDESK_TEST_POSTGRES_URL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.requirements import missing

ADMIN_URL = os.environ.get(
    "PARCELDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@contextmanager
def fresh_database() -> Iterator[str]:
    """Create an empty database, yield its URL, drop it afterwards. Skips if no server answers."""
    import psycopg2
    from sqlalchemy.engine import make_url

    admin = make_url(ADMIN_URL)
    try:
        conn = psycopg2.connect(
            host=admin.host,
            port=admin.port or 5432,
            user=admin.username or "postgres",
            dbname=admin.database,
            password=admin.password,
            connect_timeout=3,
        )
    except psycopg2.OperationalError as exc:
        missing(f"PostgreSQL not reachable at {ADMIN_URL}: {exc}")
    conn.autocommit = True
    name = f"parceldesk_{uuid.uuid4().hex[:12]}"
    with conn.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield str(admin.set(database=name))
    finally:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.close()
