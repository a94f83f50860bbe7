"""A person really takes over, end to end with the real Rasa server, action server and gateway:
a buyer asks for a person over the HTTP API, the conversation waits in the console's queue, two
agents claim it at the same moment and exactly one wins, the winner's reply reaches the buyer,
the bot stays silent while the agent owns the conversation, and after the hand back the bot
answers about the parcel the buyer named in the meantime."""

from __future__ import annotations

import threading
import uuid

import httpx
import pytest

from tests.support.stack import Stack, add_agent, say

pytestmark = [pytest.mark.e2e]

PASSWORD = "handoff e2e password"


def _agent(stack: Stack, name: str) -> httpx.Client:
    add_agent(stack, name, PASSWORD)
    client = httpx.Client(base_url=stack.url, timeout=30)
    login = client.post("/console/api/session", json={"name": name, "password": PASSWORD})
    assert login.status_code == 200, login.text
    client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return client


def _buyer_messages(stack: Stack, conversation: str, after: int) -> list[dict]:
    response = httpx.get(
        f"{stack.url}/api/v1/conversations/{conversation}/messages",
        params={"after": after},
        headers=stack.api_headers,
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["messages"]


def test_a_person_takes_over_and_hands_back_with_the_bot_remembering(stack: Stack) -> None:
    buyer = "handoff-" + uuid.uuid4().hex[:8]
    conversation_id = stack.conversation_id(buyer)
    tag = uuid.uuid4().hex[:6]
    ana, ben = _agent(stack, f"ana-{tag}"), _agent(stack, f"ben-{tag}")

    asked = say(stack, buyer, "I want to talk to a real person please")
    texts = [m["text"] for m in asked]
    assert any("passing you to a person" in t for t in texts), texts
    # Honest about the wait: the console agents are logged in, so someone is online.
    assert texts[-1].startswith("A person from our team will reply here shortly"), texts
    assert [b["payload"] for b in asked[-1]["buttons"]] == ["/back_to_bot"]

    queue = ana.get("/console/api/conversations", params={"status": "pending"}).json()
    assert conversation_id in [c["id"] for c in queue["conversations"]]

    # "hello?? is anyone there" while waiting: the bot does not greet again.
    waiting = say(stack, buyer, "hello?? is anyone there")
    assert all("Hi!" not in m["text"] for m in waiting)

    # Two agents claim at the same moment: exactly one wins, the other is told who.
    barrier = threading.Barrier(2)
    results: dict[str, httpx.Response] = {}

    def claim(name: str, client: httpx.Client) -> None:
        barrier.wait()
        results[name] = client.post(f"/console/api/conversations/{conversation_id}/claim")

    threads = [threading.Thread(target=claim, args=a) for a in (("ana", ana), ("ben", ben))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409], {k: (v.status_code, v.text) for k, v in results.items()}
    winner_name = next(k for k, v in results.items() if v.status_code == 200)
    loser = results["ben" if winner_name == "ana" else "ana"]
    winner = ana if winner_name == "ana" else ben
    assert f"{winner_name}-{tag}" in loser.json()["error"]

    seen = max(m["seq"] for m in _buyer_messages(stack, buyer, 0))
    # While the agent owns it, the bot is silent, even to a tracking question.
    quiet = say(stack, buyer, "the number is RR400000001CN, where is it?")
    assert quiet == []
    reply = winner.post(
        f"/console/api/conversations/{conversation_id}/messages",
        json={"text": "I see it: your parcel is with customs in Frankfurt."},
    )
    assert reply.status_code == 200, reply.text
    news = _buyer_messages(stack, buyer, seen)
    agent_lines = [(m["sender"], m["text"], m.get("agent")) for m in news if m["sender"] != "buyer"]
    assert (
        "agent",
        "I see it: your parcel is with customs in Frankfurt.",
        f"{winner_name}-{tag}",
    ) in agent_lines
    assert not [m for m in news if m["sender"] == "bot"]  # the bot said nothing meanwhile

    assert winner.post(f"/console/api/conversations/{conversation_id}/handback").status_code == 200
    after_back = say(stack, buyer, "any news on my parcel?")
    answer = " ".join(m["text"] for m in after_back)
    # The bot knows which parcel: the one the buyer named while the person was answering.
    assert "RR400000001CN" in answer, answer
    assert "customs" in answer.lower(), answer
