"""The gateway's composition root."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.app import create_app
from bot.config import Settings
from bot.storage.migrate import upgrade
from tests.support.ports import free_port
from tests.support.servers import serve


def test_the_gateway_serves_web_chat_even_when_telegram_is_unreachable(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'gw.db'}"
    upgrade(database)
    settings = Settings.from_env(
        {
            "PARCELDESK_VAR_DIR": str(tmp_path),
            "PARCELDESK_DATABASE_URL": database,
            "PARCELDESK_RASA_PORT": str(free_port()),
            "PARCELDESK_TELEGRAM_TOKEN": "123:abc",
            "PARCELDESK_TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}/bot",
            "PARCELDESK_API_KEYS": "pd_test_app",
        }
    )
    with serve(create_app(settings)) as url:
        page = httpx.get(f"{url}/", timeout=10)
        assert page.status_code == 200 and "ParcelDesk" in page.text
        reply = httpx.post(
            f"{url}/api/v1/conversations/t1/messages",
            json={"text": "hi"},
            headers={"Authorization": "Bearer pd_test_app"},
            timeout=30,
        )
        # Rasa is not running either: a polite answer, not an error page.
        assert reply.status_code == 200
        assert "technical problem" in reply.json()["messages"][0]["text"]
