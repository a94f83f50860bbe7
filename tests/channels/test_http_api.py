"""The HTTP API answers bad input clearly and never shows a crash."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.channels.gateway_app import gateway


def test_bad_bodies_and_ids_get_clear_errors(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        endpoint = f"{url}/api/v1/conversations/c1/messages"
        assert httpx.post(endpoint, content=b"{oops", timeout=10).status_code == 400
        not_text = httpx.post(endpoint, json={"text": 42}, timeout=10)
        assert not_text.status_code == 400 and "text" in not_text.json()["error"]
        huge = httpx.post(endpoint, content=b"x" * 200_000, timeout=10)
        assert huge.status_code == 413
        bad_id = httpx.post(
            f"{url}/api/v1/conversations/a%20b/messages", json={"text": "hi"}, timeout=10
        )
        assert bad_id.status_code == 400


def test_health_is_degraded_when_rasa_and_actions_are_down(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        health = httpx.get(f"{url}/healthz", timeout=10)
    assert health.status_code == 503
    assert health.json() == {"status": "degraded", "gateway": True, "rasa": False, "actions": False}


def test_a_storage_failure_is_answered_politely_without_a_trace(tmp_path: Path) -> None:
    with gateway(tmp_path, migrated=False) as url:
        response = httpx.post(
            f"{url}/api/v1/conversations/c1/messages", json={"text": "hi"}, timeout=10
        )
    assert response.status_code == 500
    error = response.json()["error"]
    assert "something went wrong on our side" in error
    assert "Traceback" not in response.text and "sqlite" not in response.text.lower()
