"""Rasa and the action server trust only the gateway: no REST channel, a gateway channel and
an action server that refuse callers without the internal token (so neither a local process
nor a page in a browser on the host gets around the transcript), and no secret on any
command line."""

from __future__ import annotations

import httpx
import pytest

from tests.support.faults import pid_listening
from tests.support.stack import Stack, say

pytestmark = [pytest.mark.e2e]


def _cmdline(port: int) -> str:
    with open(f"/proc/{pid_listening(port)}/cmdline", "rb") as raw:
        return raw.read().replace(b"\0", b" ").decode()


def test_rasa_answers_only_the_gateway(stack: Stack) -> None:
    rasa = f"http://127.0.0.1:{stack.rasa_port}"
    body = {"sender": "intruder", "message": "where is my parcel RR123456785CN"}
    token = stack.env["PARCELDESK_INTERNAL_TOKEN"]
    rest = httpx.post(f"{rasa}/webhooks/rest/webhook", json=body, timeout=30)
    anonymous = httpx.post(f"{rasa}/webhooks/gateway/webhook", json=body, timeout=30)
    wrong = httpx.post(
        f"{rasa}/webhooks/gateway/webhook",
        json=body,
        timeout=30,
        headers={"Authorization": "Bearer not-the-token"},
    )
    # A web page can send text/plain without a preflight: refused even with the token.
    plain = httpx.post(
        f"{rasa}/webhooks/gateway/webhook",
        content=str(body),
        timeout=30,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
    )
    assert rest.status_code == 404  # the REST channel is not served at all
    assert (anonymous.status_code, wrong.status_code, plain.status_code) == (401, 401, 415)
    # Through the gateway everything still works.
    assert (
        "RR123456785CN" in say(stack, "trust-check", "where is my parcel RR123456785CN")[0]["text"]
    )


def test_the_action_server_answers_only_rasa(stack: Stack) -> None:
    actions = f"http://127.0.0.1:{stack.actions_port}"
    call = {"next_action": "action_track_parcel", "sender_id": "x", "tracker": {}, "domain": {}}
    anonymous = httpx.post(
        f"{actions}/webhook", json=call, timeout=30, headers={"Origin": "http://evil.example"}
    )
    health = httpx.get(f"{actions}/health", timeout=30)
    assert anonymous.status_code == 401
    assert "access-control-allow-origin" not in anonymous.headers
    assert health.status_code == 200


def test_no_secret_is_on_a_command_line(stack: Stack) -> None:
    for port in (stack.rasa_port, stack.actions_port, stack.port):
        line = _cmdline(port)
        assert "--auth-token" not in line, line
        assert stack.env["PARCELDESK_INTERNAL_TOKEN"] not in line
        assert stack.api_key not in line
