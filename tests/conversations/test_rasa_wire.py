"""The gateway's own message path to Rasa keeps RasaClient.send's contract (round robin, a
server that refuses the connection is skipped, every other failure is RasaUnavailable) and
speaks HTTP/1.1 as servers do: keep-alive, chunked bodies, closed and stale connections."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.conversations.rasa_client import RasaUnavailable
from bot.conversations.rasa_wire import IDLE_SECONDS, WireRasaClient
from tests.conversations.test_rasa_client import fake_rasa
from tests.support.ports import free_port
from tests.support.servers import serve


@pytest.fixture
async def clients() -> AsyncIterator[tuple[httpx.AsyncClient]]:
    async with httpx.AsyncClient() as http:
        yield (http,)


async def test_it_sends_round_robin_over_several_rasa_servers(clients: tuple) -> None:
    seen: list[tuple[str, str]] = []
    with serve(fake_rasa("a", seen)) as a, serve(fake_rasa("b", seen)) as b:
        client = WireRasaClient(*clients, [a, b + "/"])
        replies = [await client.send("c1", f"m{i}") for i in range(4)]
    assert [r[0]["text"] for r in replies] == ["a: m0", "b: m1", "a: m2", "b: m3"]
    assert seen == [("a", "m0"), ("b", "m1"), ("a", "m2"), ("b", "m3")]


async def test_it_skips_a_server_that_refuses_the_connection(clients: tuple) -> None:
    seen: list[tuple[str, str]] = []
    dead = f"http://127.0.0.1:{free_port()}"
    with serve(fake_rasa("a", seen)) as a:
        client = WireRasaClient(*clients, [dead, a])
        for i in range(3):
            await client.send("c1", f"m{i}")
        assert await client.healthy()  # the other calls stay on httpx
        await client.aclose()
    assert seen == [("a", "m0"), ("a", "m1"), ("a", "m2")]


async def test_it_is_unavailable_when_no_server_answers(clients: tuple) -> None:
    dead = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    client = WireRasaClient(*clients, dead)
    with pytest.raises(RasaUnavailable, match="unreachable"):
        await client.send("c1", "hi")


def odd_rasa(seen: list[dict]) -> Starlette:
    """Answers by the message: an error, a body that is not JSON, a JSON object, slowly."""

    async def webhook(request: Request) -> Response:
        seen.append({"body": await request.json(), "auth": request.headers.get("authorization")})
        message = seen[-1]["body"]["message"]
        if message == "error":
            return Response("model not loaded", status_code=500)
        if message == "html":
            return Response("<html>oops</html>", media_type="text/html")
        if message == "object":
            return JSONResponse({"text": "not a list"})
        if message == "slow":
            await asyncio.sleep(2)
        # A reply that is not an object is dropped, as RasaClient does.
        return JSONResponse([{"recipient_id": "c1", "text": "ok"}, "stray"])

    return Starlette(routes=[Route("/webhooks/gateway/webhook", webhook, methods=["POST"])])


async def test_it_sends_what_rasa_client_sends_and_reads_the_replies(clients: tuple) -> None:
    seen: list[dict] = []
    with serve(odd_rasa(seen)) as url:
        client = WireRasaClient(*clients, url, internal_token="secret")
        replies = await client.send("c1", "Grüße, wo ist RR123456785CN?", {"language": "de"})
    assert replies == [{"recipient_id": "c1", "text": "ok"}]
    assert seen == [
        {
            "body": {
                "sender": "c1",
                "message": "Grüße, wo ist RR123456785CN?",
                "metadata": {"language": "de"},
            },
            "auth": "Bearer secret",
        }
    ]


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("error", "HTTP 500: model not loaded"),
        ("html", "not JSON"),
        ("object", "unexpected Rasa reply shape: dict"),
        ("slow", "unreachable: TimeoutError"),
    ],
)
async def test_every_other_failure_is_rasa_unavailable(
    clients: tuple, message: str, error: str
) -> None:
    with serve(odd_rasa([])) as url:
        client = WireRasaClient(*clients, url, timeout=0.5)
        with pytest.raises(RasaUnavailable, match=error):
            await client.send("c1", message)


async def test_the_gateway_sends_buyer_messages_over_its_own_connections() -> None:
    from bot.app import build_services
    from bot.config import Settings
    from bot.conversations.rasa_client import RasaClient
    from bot.storage.db import make_engine

    engine = make_engine("sqlite+aiosqlite:///:memory:")
    settings = Settings.from_env({})
    async with httpx.AsyncClient() as http:
        fast = build_services(settings, engine=engine, http=http, wire=True)
        plain = build_services(settings, engine=engine, http=http)
    await engine.dispose()
    assert isinstance(fast.rasa, WireRasaClient)
    assert type(plain.rasa) is RasaClient


async def _raw_server(
    answer: Callable[[bytes, int], Awaitable[bytes | None]],
) -> tuple[asyncio.AbstractServer, str, list[int]]:
    """A TCP server that reads one request head+body at a time and writes `answer(request,
    connection number)` back (None: close without answering; starting with CUT: close after
    writing the rest). Returns the server, its URL and the connection number of every
    request."""
    connections: list[int] = []
    opened = itertools.count(1)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        number = next(opened)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
                body = await reader.readexactly(length)
                connections.append(number)
                reply = await answer(head + body, number)
                if reply is None:
                    break
                writer.write(reply.removeprefix(CUT))
                await writer.drain()
                if reply.startswith(CUT):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}", connections


def _ok(body: bytes, *, chunked: bool = False, close: bool = False) -> bytes:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    if close:
        head += b"Connection: close\r\n"
    if chunked:
        half = len(body) // 2
        chunks = b"".join(
            b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:half], body[half:])
        )
        return head + b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n"
    return head + b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


REPLY = b'[{"recipient_id": "c1", "text": "In transit."}]'
CUT = b"CUT:"


async def test_it_keeps_one_connection_alive_and_reads_chunked_answers(clients: tuple) -> None:
    requests: list[bytes] = []

    async def answer(request: bytes, _number: int) -> bytes:
        requests.append(request)
        return _ok(REPLY, chunked=len(requests) % 2 == 0)

    server, url, connections = await _raw_server(answer)
    client = WireRasaClient(*clients, url + "/", internal_token="secret")
    try:
        replies = [await client.send("c1", f"m{i}", {"language": "de"}) for i in range(4)]
    finally:
        await client.aclose()
        server.close()
    assert replies == [[{"recipient_id": "c1", "text": "In transit."}]] * 4
    assert connections == [1, 1, 1, 1]
    head, _, body = requests[0].partition(b"\r\n\r\n")
    assert head.startswith(b"POST /webhooks/gateway/webhook HTTP/1.1\r\n")
    assert b"\r\nAuthorization: Bearer secret" in head
    assert b"\r\nContent-Type: application/json" in head
    assert json.loads(body) == {"sender": "c1", "message": "m0", "metadata": {"language": "de"}}


async def test_a_closed_or_idle_connection_is_not_used_again(
    clients: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.conversations import rasa_wire

    async def answer(_request: bytes, number: int) -> bytes:
        return _ok(REPLY, close=number == 1)  # the first connection says "Connection: close"

    server, url, connections = await _raw_server(answer)
    client = WireRasaClient(*clients, url)
    try:
        for _ in range(2):
            await client.send("c1", "hi")
        # Idle longer than the client keeps connections: the next message opens a new one.
        later = time.monotonic() + IDLE_SECONDS + 1
        monkeypatch.setattr(rasa_wire.time, "monotonic", lambda: later)
        await client.send("c1", "hi")
    finally:
        await client.aclose()
        server.close()
    assert connections == [1, 2, 3]


async def test_an_answer_cut_off_is_rasa_unavailable_and_the_connection_dropped(
    clients: tuple,
) -> None:
    async def answer(_request: bytes, number: int) -> bytes | None:
        if number == 1:  # half an answer, then the connection goes
            return CUT + b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[{"
        if number == 2:  # no answer at all
            return None
        return _ok(REPLY)

    server, url, connections = await _raw_server(answer)
    client = WireRasaClient(*clients, url)
    try:
        for _ in range(2):
            with pytest.raises(RasaUnavailable, match="closed the connection"):
                await client.send("c1", "hi")
        assert await client.send("c1", "again") == [{"recipient_id": "c1", "text": "In transit."}]
    finally:
        await client.aclose()
        server.close()
    assert connections == [1, 2, 3]


async def test_garbage_instead_of_http_is_rasa_unavailable(clients: tuple) -> None:
    async def answer(_request: bytes, _number: int) -> bytes:
        return b"SSH-2.0-OpenSSH_9.2\r\n\r\n"

    server, url, _ = await _raw_server(answer)
    client = WireRasaClient(*clients, url)
    try:
        with pytest.raises(RasaUnavailable, match="unreachable"):
            await client.send("c1", "hi")
    finally:
        await client.aclose()
        server.close()
