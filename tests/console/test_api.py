"""The console JSON API on a real gateway: sessions, CSRF, the queue, claims, replies, notes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.console.helpers import PASSWORD, Console, console

CONV = "/console/api/conversations/"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with console(Path(tmp_path_factory.mktemp("console"))) as running:
        yield running


def test_it_answers_nothing_without_a_session(desk: Console) -> None:
    desk.pending("api:nosession")
    calls = [
        ("GET", "/console/api/session"),
        ("DELETE", "/console/api/session"),
        ("GET", "/console/api/conversations?status=pending"),
        ("GET", CONV + "api:nosession"),
        ("GET", CONV + "api:nosession/events?after=0"),
        ("GET", CONV + "api:nosession/canned"),
        *[
            ("POST", CONV + "api:nosession/" + action)
            for action in (
                "claim",
                "messages",
                "notes",
                "handback",
                "resolve",
                "reopen",
                "canned",
                "recheck",
                "subscribe",
            )
        ],
    ]
    for method, path in calls:
        response = httpx.request(method, desk.url + path, json={"text": "hi"})
        assert response.status_code == 401, (method, path)
        assert response.json()["error"] == "log in to the console first"


def test_it_refuses_state_changes_without_the_csrf_token(desk: Console) -> None:
    desk.add_agent("csrf-ana")
    desk.pending("api:csrf")
    client, csrf = desk.login("csrf-ana")

    missing = client.post(CONV + "api:csrf/claim")
    wrong = client.post(CONV + "api:csrf/claim", headers={"X-CSRF-Token": "nope"})
    reading = client.get(CONV + "api:csrf/events?after=0")
    right = client.post(CONV + "api:csrf/claim", headers={"X-CSRF-Token": csrf})

    assert missing.status_code == 403 and "X-CSRF-Token" in missing.json()["error"]
    assert wrong.status_code == 403
    assert reading.status_code == 200
    assert right.status_code == 200 and right.json()["conversation"]["agent"] == "csrf-ana"


def test_it_sets_an_httponly_strict_cookie_and_logs_out(desk: Console) -> None:
    desk.add_agent("cookie-bo")
    client = httpx.Client(base_url=desk.url)
    response = client.post("/console/api/session", json={"name": "cookie-bo", "password": PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/console" in cookie
    assert response.json()["agent"]["name"] == "cookie-bo"
    csrf = response.json()["csrf_token"]
    assert client.get("/console/api/session").json()["csrf_token"] == csrf

    assert client.delete("/console/api/session", headers={"X-CSRF-Token": csrf}).status_code == 200
    token = response.cookies["parceldesk_console"]
    client.cookies.set("parceldesk_console", token, path="/console")
    assert client.get("/console/api/session").status_code == 401


def test_it_logs_out_a_disabled_agent(desk: Console) -> None:
    desk.add_agent("leaving-cy")
    client, _ = desk.login("leaving-cy")
    assert client.get("/console/api/conversations").status_code == 200

    desk.disable_agent("leaving-cy")

    response = client.get("/console/api/conversations")
    assert response.status_code == 401
    again = httpx.post(
        desk.url + "/console/api/session", json={"name": "leaving-cy", "password": PASSWORD}
    )
    assert again.status_code == 401


def test_it_rate_limits_failed_logins_with_retry_after(desk: Console) -> None:
    desk.add_agent("guessed-dee")
    statuses = [
        httpx.post(
            desk.url + "/console/api/session", json={"name": "guessed-dee", "password": "x" * 9}
        ).status_code
        for _ in range(6)
    ]
    blocked = httpx.post(
        desk.url + "/console/api/session", json={"name": "guessed-dee", "password": PASSWORD}
    )

    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "too many failed logins" in blocked.json()["error"]


def test_two_agents_claiming_at_once_exactly_one_wins(desk: Console) -> None:
    desk.add_agent("race-eve")
    desk.add_agent("race-fay")
    desk.pending("api:race")
    logins = {name: desk.login(name) for name in ("race-eve", "race-fay")}
    barrier = threading.Barrier(2)
    results: dict[str, httpx.Response] = {}

    def claim(name: str) -> None:
        client, csrf = logins[name]
        barrier.wait()
        results[name] = client.post(CONV + "api:race/claim", headers={"X-CSRF-Token": csrf})

    threads = [threading.Thread(target=claim, args=(n,)) for n in logins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409]
    winner = next(n for n, r in results.items() if r.status_code == 200)
    loser = next(r for r in results.values() if r.status_code == 409)
    assert loser.json()["agent"] == winner
    assert loser.json()["error"] == f"{winner} is already handling this conversation"


def test_it_lists_pending_first_oldest_first_with_overdue_flag(desk: Console) -> None:
    desk.add_agent("queue-gus")
    desk.pending("api:queue-old", "where is RR400000001CN")
    desk.pending("api:queue-new", "hello?")
    client, _ = desk.login("queue-gus")

    rows = client.get("/console/api/conversations?status=pending").json()["conversations"]
    ids = [r["id"] for r in rows]

    assert ids.index("api:queue-old") < ids.index("api:queue-new")
    old = rows[ids.index("api:queue-old")]
    assert old["status"] == "pending" and old["numbers"] == ["RR400000001CN"]
    assert old["last_message"]["sender"] == "bot" and old["waiting_since"]
    assert set(old) >= {"id", "channel", "status", "agent", "language", "overdue"}
    assert old["overdue"] is False
    assert client.get("/console/api/conversations?status=nope").status_code == 400


def test_an_agent_replies_notes_hands_back_and_reads_the_staff_log(desk: Console) -> None:
    desk.add_agent("work-hal")
    desk.pending("api:work", "my parcel RR400000001CN is stuck")
    client, csrf = desk.login("work-hal")
    headers = {"X-CSRF-Token": csrf}

    refused = client.post(CONV + "api:work/messages", json={"text": "hi"}, headers=headers)
    assert refused.status_code == 409 and "claim the conversation" in refused.json()["error"]
    assert client.post(CONV + "api:work/claim", headers=headers).status_code == 200
    sent = client.post(CONV + "api:work/messages", json={"text": "Looking now"}, headers=headers)
    note = client.post(CONV + "api:work/notes", json={"text": "customs case"}, headers=headers)
    empty = client.post(CONV + "api:work/notes", json={"text": "  "}, headers=headers)
    back = client.post(CONV + "api:work/handback", headers=headers)

    assert sent.status_code == 200 and sent.json()["event"]["sender"] == "agent"
    assert sent.json()["event"]["delivery"] in ("queued", "sent", "delivered")
    assert note.json()["event"]["kind"] == "note"
    assert empty.status_code == 400 and "text" in empty.json()["error"]
    assert back.json()["conversation"]["status"] == "bot"
    log = client.get(CONV + "api:work/events?after=0").json()["events"]
    kinds = [(e["kind"], e["sender"], e["text"]) for e in log]
    assert ("message", "agent", "Looking now") in kinds
    assert ("note", "agent", "customs case") in kinds
    seqs = [e["seq"] for e in log]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    later = client.get(CONV + f"api:work/events?after={seqs[-2]}").json()["events"]
    assert [e["seq"] for e in later] == [seqs[-1]]


def test_the_parcel_panel_shows_timeline_diagnosis_and_canned_replies(desk: Console) -> None:
    desk.add_agent("panel-ivy")
    desk.pending("api:panel", "where is my parcel RR400000001CN")
    client, csrf = desk.login("panel-ivy")

    data = client.get(CONV + "api:panel").json()

    parcel = data["parcels"][0]
    assert parcel["number"] == "RR400000001CN"
    assert parcel["diagnosis"]["reason"] == "customs_clearance"
    assert parcel["diagnosis"]["next_step"] and parcel["diagnosis"]["title"]
    assert parcel["events"] and all(e["provider"] == "demo" for e in parcel["events"])
    assert parcel["bot_said"][0]["text"] == "Your parcel RR400000001CN is in customs."
    keys = [c["key"] for c in data["canned"]]
    assert "canned.customs" in keys and "canned.greeting" in keys
    greeting = next(c for c in data["canned"] if c["key"] == "canned.greeting")
    assert "panel-ivy" in greeting["text"]
    status = next(c for c in data["canned"] if c["key"] == "canned.status")
    assert "RR400000001CN" in status["text"]

    headers = {"X-CSRF-Token": csrf}
    client.post(CONV + "api:panel/claim", headers=headers)
    sent = client.post(CONV + "api:panel/canned", json={"key": "canned.customs"}, headers=headers)
    assert sent.status_code == 200 and "with customs" in sent.json()["event"]["text"]
    subscribed = client.post(CONV + "api:panel/subscribe", json={}, headers=headers)
    assert subscribed.json() == {"subscribed": "RR400000001CN", "new": True}
    assert client.get(CONV + "api:panel").json()["parcels"][0]["subscribed"] is True
    assert client.post(CONV + "api:panel/recheck", headers=headers).status_code == 200


def test_it_answers_unknown_conversations_and_paths_with_json(desk: Console) -> None:
    desk.add_agent("lost-jo")
    client, csrf = desk.login("lost-jo")
    assert client.get(CONV + "api:none").status_code == 404
    claim = client.post(CONV + "api:none/claim", headers={"X-CSRF-Token": csrf})
    assert claim.status_code == 404 and claim.json()["error"] == "no such conversation"
    assert client.get("/console/api/nothing-here").json()["error"].startswith("no console API")


def test_console_pages_send_security_headers(desk: Console) -> None:
    login = httpx.get(desk.url + "/console/login")
    redirect = httpx.get(desk.url + "/console/")

    csp = login.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert login.headers["x-content-type-options"] == "nosniff"
    assert redirect.status_code == 303 and redirect.headers["location"] == "/console/login"
    assert "<script>" not in login.text


def test_a_huge_login_body_is_refused_without_being_read_whole(desk: Console) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(1024):  # 64 MB, chunked: no Content-Length to trust
            yield b"x" * 65536

    try:
        response = httpx.post(desk.url + "/console/api/session", content=chunks(), timeout=30)
    except httpx.HTTPError:  # the gateway answered and closed before all was sent: refused
        return
    assert response.status_code == 400
