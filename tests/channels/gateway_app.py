"""A real gateway (create_app on uvicorn) for channel tests, without Rasa behind it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.app import create_app
from bot.config import Settings
from bot.storage.migrate import upgrade
from tests.support.ports import free_port
from tests.support.servers import serve

# The HTTP API key every test gateway accepts.
API_KEY = "pd_test_gateway_key"
API_HEADERS = {"Authorization": f"Bearer {API_KEY}"}


@contextmanager
def gateway(
    tmp_path: Path, *, migrated: bool = True, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Serve the gateway on a free port; Rasa and the action server are absent (closed ports).
    `migrated=False` leaves the database without tables, to provoke storage failures; `env`
    adds PARCELDESK_* settings."""
    database = f"sqlite:///{tmp_path / 'gateway.db'}"
    if migrated:
        upgrade(database)
    settings = Settings.from_env(
        {
            "PARCELDESK_VAR_DIR": str(tmp_path),
            "PARCELDESK_DATABASE_URL": database,
            "PARCELDESK_RASA_PORT": str(free_port()),
            "PARCELDESK_ACTIONS_PORT": str(free_port()),
            "PARCELDESK_API_KEYS": API_KEY,
            **(env or {}),
        }
    )
    with serve(create_app(settings)) as url:
        yield url
