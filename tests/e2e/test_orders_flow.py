"""Orders end to end on the real stack (gateway, Rasa, action server, demo carrier): a shop
loads orders (CSV, PUT), buyers ask by order number and prove it is theirs first."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from bot.conversations.identity import sign
from tests.support.stack import ROOT, Stack, running_stack, say

pytestmark = pytest.mark.e2e

SECRET = "orders-e2e-identity-secret"
GOOD_AND_BAD = """order_number,email,tracking_number,carrier,postcode,shipped_at
#1001,Jane.Doe@Example.com,RR123456785CN,China Post,,2024-11-20
1001,jane.doe@example.com,CP110000008CN,,,2024-11-21
1002,bob@example.com,RR123456786CN,,,
1003,not-an-email,RR400000001CN,,,
1004,ann@example.com,RR400000001CN,,,not-a-date
3003,widget.buyer@example.com,EA220000005CN,,,
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var_dir = Path(tmp_path_factory.mktemp("orders-stack"))
    with running_stack(var_dir, {"PARCELDESK_WIDGET_IDENTITY_SECRET": SECRET}) as running:
        yield running


def _texts(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


def _import(stack: Stack, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "orders", "import", str(path)],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def imported(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Stack:
    """Bad rows refuse the whole file (each named by line); the good rows then import."""
    folder = Path(tmp_path_factory.mktemp("csv"))
    mixed = folder / "orders.csv"
    mixed.write_text(GOOD_AND_BAD)
    refused = _import(stack, mixed)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    report = refused.stderr
    assert "nothing was imported" in report
    assert "line 4: tracking number RR123456786CN fails its check digit" in report
    assert "line 5: 'not-an-email' is not an e-mail address" in report
    assert "line 6: shipped_at 'not-a-date' is not a date" in report
    assert "line 2" not in report and "line 3" not in report and "line 7" not in report

    good = folder / "good.csv"
    lines = GOOD_AND_BAD.splitlines()
    good.write_text("\n".join([lines[0], lines[1], lines[2], lines[6]]) + "\n")
    accepted = _import(stack, good)
    assert accepted.returncode == 0, accepted.stderr
    assert "imported 2 order(s) with 3 shipment(s) from 3 row(s)" in accepted.stdout
    return stack


def test_it_checks_the_email_before_explaining_every_shipment(imported: Stack) -> None:
    stack, conversation = imported, f"order-{uuid.uuid4().hex[:8]}"
    asked = _texts(say(stack, conversation, "hi, where is my order #1001?"))
    assert "e-mail address" in asked and "1001" in asked
    assert "RR123456785CN" not in asked and "CP110000008CN" not in asked

    first = say(stack, conversation, "jane@example.com")
    second = say(stack, conversation, "doe.jane@example.org")
    assert first == second  # identical reply, whatever was wrong
    assert "couldn't match" in _texts(first)
    assert "RR123456785CN" not in _texts(first)

    answer = _texts(say(stack, conversation, "  Jane.Doe@EXAMPLE.com "))
    assert "Order 1001 was sent in 2 parcel(s)" in answer
    # Each shipment gets the full explanation, as a tracking number would.
    assert "RR123456785CN" in answer and "between countries" in answer.lower()
    assert "CP110000008CN" in answer and "out for delivery" in answer.lower()

    # Asked again in the same conversation: no second check.
    again = _texts(say(stack, conversation, "what about my order 1001"))
    assert "e-mail address" not in again and "RR123456785CN" in again


def test_unknown_and_malformed_orders_get_the_same_reply_as_a_wrong_email(
    imported: Stack,
) -> None:
    replies = []
    for order in ("order #1001", "order #999999", "order #10-01"):
        conversation = f"same-{uuid.uuid4().hex[:8]}"
        asked = _texts(say(imported, conversation, f"where is my {order}"))
        assert "e-mail address" in asked
        replies.append(say(imported, conversation, "someone@example.net"))
    assert replies[0] == replies[1] == replies[2]


def test_a_guessing_conversation_is_told_to_contact_the_shop(imported: Stack) -> None:
    conversation = f"guess-{uuid.uuid4().hex[:8]}"
    say(imported, conversation, "my order 1001")
    say(imported, conversation, "a@example.com")
    say(imported, conversation, "b@example.com")
    stopped = _texts(say(imported, conversation, "c@example.com"))
    assert "contact the shop" in stopped
    # Even the right answer to a new ask is not checked any more in this conversation.
    retry = _texts(say(imported, conversation, "my order 1001"))
    assert "contact the shop" in retry and "RR123456785CN" not in retry


def test_a_bare_number_after_the_question_is_an_order_number(imported: Stack) -> None:
    conversation = f"bare-{uuid.uuid4().hex[:8]}"
    say(imported, conversation, "where is my parcel?")
    asked = _texts(say(imported, conversation, "1001"))
    assert "e-mail address" in asked and "order 1001" in asked


def test_a_marketplace_order_number_gets_an_honest_answer(imported: Stack) -> None:
    reply = _texts(say(imported, f"amz-{uuid.uuid4().hex[:8]}", "where is 112-4567890-1234567"))
    assert "Amazon" in reply and "can't see" in reply


def test_put_then_ask(imported: Stack) -> None:
    url = f"{imported.url}/api/v1/orders/%232002"
    body = {
        "email": "Put.Buyer@example.com",
        "shipments": [
            {"tracking_number": "RR400000001CN", "carrier": "China Post"},
            {"tracking_number": "EA220000005CN"},
        ],
    }
    assert httpx.put(url, json=body, timeout=10).status_code == 401
    created = httpx.put(url, json=body, headers=imported.api_headers, timeout=10)
    assert created.status_code == 201, created.text
    assert [s["tracking_number"] for s in created.json()["shipments"]] == [
        "RR400000001CN",
        "EA220000005CN",
    ]
    conversation = f"put-{uuid.uuid4().hex[:8]}"
    say(imported, conversation, "can you check order 2002")
    answer = _texts(say(imported, conversation, "put.buyer@example.com"))
    assert "RR400000001CN" in answer and "customs" in answer.lower()
    assert "EA220000005CN" in answer and "delivered" in answer.lower()
    gone = httpx.delete(url, headers=imported.api_headers, timeout=10)
    assert gone.status_code == 204
    assert httpx.delete(url, headers=imported.api_headers, timeout=10).status_code == 404


async def test_a_signed_in_widget_buyer_skips_the_question(imported: Stack) -> None:
    # The order's e-mail is the shop's user id here (customer_id works the same way).
    user = "widget.buyer@example.com"
    async with websockets.connect(
        f"ws://127.0.0.1:{imported.port}/widget/ws", origin="http://localhost:3000"
    ) as socket:
        hello = {"type": "hello", "token": None, "after": 0, "user": {"id": user}}
        hello["user"]["hash"] = sign(SECRET, user)
        await socket.send(json.dumps(hello))
        assert json.loads(await socket.recv())["type"] == "welcome"
        await socket.send(
            json.dumps({"type": "message", "client_id": "o1", "text": "where is order #3003"})
        )
        texts: list[str] = []
        while not any("EA220000005CN" in t for t in texts):
            frame = json.loads(await socket.recv())
            if frame["type"] == "event" and frame["event"]["sender"] == "bot":
                texts.append(frame["event"]["text"])
        assert not any("e-mail address" in t for t in texts)
        assert any("Order 3003 was sent in 1 parcel(s)" in t for t in texts)
