"""A client that lost the answer to a message sends it again with the same `client_id`: the
gateway stores and answers it once, says the repeat is a duplicate (with its seq), and the
answer is read from the conversation's log. Through the real stack (the shared `stack`)."""

from __future__ import annotations

import uuid

import httpx

from tests.support.stack import Stack


def test_a_resent_message_is_answered_once_and_its_answer_is_in_the_log(stack: Stack) -> None:
    conversation = f"resend-{uuid.uuid4().hex[:8]}"
    url = f"{stack.url}/api/v1/conversations/{conversation}/messages"
    body = {"text": "where is my parcel RR123456785CN", "client_id": "order-page-1"}
    first = httpx.post(url, json=body, headers=stack.api_headers, timeout=60)
    assert first.status_code == 200, first.text
    answer = [m["text"] for m in first.json()["messages"]]
    assert any("RR123456785CN" in text for text in answer), answer

    again = httpx.post(url, json=body, headers=stack.api_headers, timeout=60)
    assert again.status_code == 200, again.text
    repeat = again.json()
    assert repeat["duplicate"] is True and repeat["messages"] == []

    log = httpx.get(url, params={"after": 0}, headers=stack.api_headers, timeout=30).json()
    buyer = [m for m in log["messages"] if m["sender"] == "buyer"]
    assert [(m["text"], m["seq"], m.get("client_id")) for m in buyer] == [
        (body["text"], repeat["seq"], "order-page-1")
    ]
    after = httpx.get(url, params={"after": repeat["seq"]}, headers=stack.api_headers, timeout=30)
    assert [m["text"] for m in after.json()["messages"] if m["sender"] == "bot"] == answer
