"""The HTTP API answers bad input clearly and never shows a crash."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.channels.gateway_app import API_HEADERS, gateway


def test_bad_bodies_and_ids_get_clear_errors(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        endpoint = f"{url}/api/v1/conversations/c1/messages"
        assert (
            httpx.post(endpoint, content=b"{oops", headers=API_HEADERS, timeout=10).status_code
            == 400
        )
        not_text = httpx.post(endpoint, json={"text": 42}, headers=API_HEADERS, timeout=10)
        assert not_text.status_code == 400 and "text" in not_text.json()["error"]
        huge = httpx.post(endpoint, content=b"x" * 200_000, headers=API_HEADERS, timeout=10)
        assert huge.status_code == 413
        bad_id = httpx.post(
            f"{url}/api/v1/conversations/a%20b/messages",
            json={"text": "hi"},
            headers=API_HEADERS,
            timeout=10,
        )
        assert bad_id.status_code == 400


def test_health_is_degraded_when_rasa_and_actions_are_down(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        health = httpx.get(f"{url}/healthz", timeout=10)
    assert health.status_code == 503
    assert health.json() == {
        "status": "degraded",
        "gateway": True,
        "rasa": False,
        "actions": False,
        "database": True,
    }


def test_health_reports_a_database_that_cannot_store(tmp_path: Path) -> None:
    with gateway(tmp_path, migrated=False) as url:
        health = httpx.get(f"{url}/healthz", timeout=10)
    assert health.status_code == 503
    assert health.json()["database"] is False


def test_a_message_that_cannot_be_stored_gets_503_with_retry_after(tmp_path: Path) -> None:
    with gateway(tmp_path, migrated=False) as url:
        response = httpx.post(
            f"{url}/api/v1/conversations/c1/messages",
            json={"text": "hi"},
            headers=API_HEADERS,
            timeout=10,
        )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {
        "error": "the message could not be saved; please send it again shortly"
    }


def test_a_chunked_body_is_counted_while_it_is_read(tmp_path: Path) -> None:
    def chunks():
        for _ in range(200):
            yield b"x" * 1024

    with gateway(tmp_path) as url:
        response = httpx.post(
            f"{url}/api/v1/conversations/c1/messages",
            content=chunks(),
            headers=API_HEADERS,
            timeout=10,
        )
    assert response.status_code == 413


def test_json_nested_absurdly_deep_is_a_clear_400(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        response = httpx.post(
            f"{url}/api/v1/conversations/c1/messages",
            content=b'{"text": ' + b"[" * 30_000 + b"]" * 30_000 + b"}",
            headers=API_HEADERS,
            timeout=10,
        )
    assert response.status_code == 400
    assert "body must be JSON" in response.json()["error"]
    assert "Traceback" not in response.text and "sqlite" not in response.text.lower()


def test_a_script_flooding_one_conversation_gets_429_with_retry_after(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        responses = [
            httpx.post(
                f"{url}/api/v1/conversations/flood/messages",
                json={"text": "hi"},
                headers=API_HEADERS,
                timeout=10,
            )
            for _ in range(14)
        ]
        other = httpx.post(
            f"{url}/api/v1/conversations/calm/messages",
            json={"text": "hi"},
            headers=API_HEADERS,
            timeout=10,
        )
    codes = [r.status_code for r in responses]
    assert codes[:10] == [200] * 10  # a burst is allowed
    refused = [r for r in responses if r.status_code == 429]
    assert refused, codes
    assert int(refused[0].headers["retry-after"]) >= 1
    assert "too many messages" in refused[0].json()["error"]
    assert other.status_code == 200


def test_the_api_refuses_calls_without_a_valid_key(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        endpoint = f"{url}/api/v1/conversations/c1/messages"
        none = httpx.post(endpoint, json={"text": "hi"}, timeout=10)
        wrong = httpx.post(
            endpoint, json={"text": "hi"}, headers={"Authorization": "Bearer nope"}, timeout=10
        )
        reading = httpx.get(endpoint, timeout=10)
    for response in (none, wrong, reading):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert "Authorization: Bearer" in response.json()["error"]


def test_a_key_sees_only_the_conversations_made_with_it(tmp_path: Path) -> None:
    other = {"Authorization": "Bearer pd_other_shop"}
    with gateway(tmp_path, env={"PARCELDESK_API_KEYS": "pd_test_gateway_key,pd_other_shop"}) as url:
        endpoint = f"{url}/api/v1/conversations/me/messages"
        httpx.post(
            endpoint, json={"text": "my parcel RR123456785CN"}, headers=API_HEADERS, timeout=10
        )
        mine = httpx.get(endpoint, params={"after": 0}, headers=API_HEADERS, timeout=10)
        theirs = httpx.get(endpoint, params={"after": 0}, headers=other, timeout=10)
    assert mine.json()["messages"][0]["text"] == "my parcel RR123456785CN"
    # Same id "me", another key: another conversation, which is empty.
    assert theirs.status_code == 200 and theirs.json() == {"messages": []}
