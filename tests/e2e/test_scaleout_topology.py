"""The scale-out topology of docs/scale-out.md on loopback: 2 gateways, 2 Rasa servers, 2 action
servers, one PostgreSQL (gateway data and Rasa's tracker store) and Redis (Rasa's lock store).

Each `parceldesk run` brings a gateway, a Rasa server and that Rasa server's action server; both
gateways send to both Rasa servers round robin (PARCELDESK_RASA_URLS). 100 conversations talk at
once, each message to the other gateway than the one before; every message must be answered
exactly once, about its own parcel, in the order sent: in the HTTP replies, in the gateway's
transcript and in Rasa's tracker store."""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.channels.api_auth import conversation_key
from bot.config import to_sync_url
from bot.tracking.numbers.checksums import s10_check_digit
from tests.support.ports import free_port
from tests.support.postgres import fresh_database
from tests.support.requirements import missing
from tests.support.stack import running_stack

pytestmark = [pytest.mark.e2e, pytest.mark.scaleout]

REDIS_URL = "redis://127.0.0.1:6379/4"
CONVERSATIONS = 100
MESSAGES = 3


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


API_KEY = "pd_test_topology"


def _numbers() -> list[list[str]]:
    """A distinct valid S10 number for every message, so each answer names its own message."""
    serials = itertools.count(31_000_000)
    numbers = []
    for _ in range(CONVERSATIONS):
        row = []
        for _ in range(MESSAGES):
            serial = str(next(serials))
            row.append(f"RR{serial}{s10_check_digit(serial)}CN")
        numbers.append(row)
    return numbers


# A connection the gateway drops as a request goes out (seen once in a full run on 2 cores,
# with six processes and PostgreSQL busy: uvicorn closed a keep-alive connection whose next
# request was already on its way).
DROPPED = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError, httpx.ConnectError)


async def _send(http: httpx.AsyncClient, gateway: str, conversation: str, text: str) -> list:
    """One message, sent as a careful client does: with a `client_id`, and sent again with the
    same id when the connection drops or the gateway says 503. The gateway stores a message at
    most once per id (the transcript check below counts), and a repeat of one it already has
    says `duplicate` with its seq: the answer is then read from the conversation's log."""
    url = f"{gateway}/api/v1/conversations/{conversation}/messages"
    headers = {"Authorization": f"Bearer {API_KEY}"}
    body = {"text": text, "client_id": uuid.uuid4().hex}
    for attempt in range(4):
        try:
            response = await http.post(url, json=body, headers=headers)
        except DROPPED:
            if attempt == 3:
                raise
        else:
            if response.status_code != 503 or attempt == 3:
                break
        await asyncio.sleep(0.5)
    assert response.status_code == 200, response.text
    data = response.json()
    if not data.get("duplicate"):
        return list(data["messages"])
    for _ in range(240):
        log = await http.get(url, params={"after": data["seq"]}, headers=headers)
        answer = [m for m in log.json()["messages"] if m["sender"] != "buyer"]
        if answer:
            return answer
        await asyncio.sleep(0.5)
    raise AssertionError(f"no answer after seq {data['seq']} in {conversation}")


async def _talk(gateways: list[str], ids: list[str], numbers: list[list[str]]) -> list[list]:
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends, so no request is
    # written to a connection the gateway is closing (under load it can still happen: _send).
    limits = httpx.Limits(max_connections=CONVERSATIONS * 2, keepalive_expiry=1.0)
    async with httpx.AsyncClient(timeout=180, limits=limits) as http:

        async def conversation(index: int) -> list:
            replies = []
            for turn, number in enumerate(numbers[index]):
                gateway = gateways[(index + turn) % len(gateways)]
                text = f"where is my parcel {number}"
                replies.append(await _send(http, gateway, ids[index], text))
            return replies

        return await asyncio.gather(*(conversation(i) for i in range(CONVERSATIONS)))


def test_two_gateways_two_rasa_two_action_servers_answer_every_message_once_in_order(
    tmp_path: Path,
) -> None:
    if not _redis_up():
        missing(f"Redis not reachable at {REDIS_URL}")
    ports = [
        {name: str(free_port()) for name in ("PORT", "RASA_PORT", "ACTIONS_PORT")} for _ in "ab"
    ]
    rasa_urls = ",".join(f"http://127.0.0.1:{p['RASA_PORT']}" for p in ports)
    with fresh_database() as gateway_db, fresh_database() as tracker_db:
        shared = {
            "PARCELDESK_DATABASE_URL": gateway_db,
            "PARCELDESK_RASA_TRACKER_URL": tracker_db,
            "PARCELDESK_REDIS_URL": REDIS_URL,
            "PARCELDESK_RASA_TOKEN": uuid.uuid4().hex,
            "PARCELDESK_RASA_URLS": rasa_urls,
            "PARCELDESK_NOTIFIER_INTERVAL": "0",
            # One API key for both gateways: a client's conversations live under its key.
            "PARCELDESK_API_KEYS": API_KEY,
            # One internal token: each gateway talks to both Rasa servers.
            "PARCELDESK_INTERNAL_TOKEN": uuid.uuid4().hex,
        }

        def env(i: int) -> dict[str, str]:
            return {**shared, **{f"PARCELDESK_{k}": v for k, v in ports[i].items()}}

        # One after the other: the first applies the migrations and creates Rasa's tables.
        with (
            running_stack(tmp_path / "a", env(0)) as first,
            running_stack(tmp_path / "b", env(1)) as second,
        ):
            ids = [f"scale-{uuid.uuid4().hex[:8]}-{i}" for i in range(CONVERSATIONS)]
            numbers = _numbers()
            try:
                replies = asyncio.run(_talk([first.url, second.url], ids, numbers))
            except httpx.HTTPError as exc:
                logs = "\n".join(s.log()[-6000:] for s in (first, second))
                raise AssertionError(f"{exc!r}; stack output:\n{logs}") from exc

        for index, conversation in enumerate(replies):
            for turn, messages in enumerate(conversation):
                said = " ".join(m.get("text") or "" for m in messages)
                assert numbers[index][turn] in said, (ids[index], turn, messages)
                others = set(numbers[index]) - {numbers[index][turn]}
                assert not any(n in said for n in others), (ids[index], turn, messages)

        _check_transcripts(gateway_db, ids, numbers)
        _check_trackers(tracker_db, ids, numbers)


def _check_transcripts(url: str, ids: list[str], numbers: list[list[str]]) -> None:
    """Per conversation: each message stored once, processed, followed by its own answer."""
    engine = create_engine(to_sync_url(url))
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select conversation_id, direction, text, status from messages "
                "where kind = 'message' order by conversation_id, seq, id"
            )
        ).all()
    engine.dispose()
    by_conversation: dict[str, list] = {}
    for row in rows:
        by_conversation.setdefault(row.conversation_id, []).append(row)
    for index, conversation_id in enumerate(ids):
        stored = by_conversation[conversation_key(API_KEY, conversation_id)]
        inbound = [r for r in stored if r.direction == "in"]
        expected = [f"where is my parcel {n}" for n in numbers[index]]
        assert [r.text for r in inbound] == expected
        assert all(r.status == "processed" for r in inbound), inbound
        turn = -1
        answered = [0] * MESSAGES
        for row in stored:
            if row.direction == "in":
                turn += 1
            elif numbers[index][turn] in row.text:
                answered[turn] += 1
            else:
                assert not any(n in row.text for n in numbers[index]), (conversation_id, row)
        assert answered == [1] * MESSAGES, (conversation_id, stored)


def _check_trackers(url: str, ids: list[str], numbers: list[list[str]]) -> None:
    """Rasa saw each message once, in the order sent, whichever Rasa server got it."""
    engine = create_engine(to_sync_url(url))
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select sender_id, data from events where type_name = 'user' order by sender_id, id"
            )
        ).all()
    engine.dispose()
    seen: dict[str, list[str]] = {}
    for row in rows:
        seen.setdefault(row.sender_id, []).append(json.loads(row.data)["text"])
    for index, conversation_id in enumerate(ids):
        expected = [f"where is my parcel {n}" for n in numbers[index]]
        assert seen[conversation_key(API_KEY, conversation_id)] == expected
