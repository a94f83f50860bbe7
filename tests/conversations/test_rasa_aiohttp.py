"""The aiohttp message path to Rasa keeps RasaClient.send's contract: round robin, a server
that refuses the connection is skipped, every other failure is RasaUnavailable."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.conversations.rasa_aiohttp import AiohttpRasaClient, channel_session
from bot.conversations.rasa_client import RasaUnavailable
from tests.conversations.test_rasa_client import fake_rasa
from tests.support.ports import free_port
from tests.support.servers import serve


@pytest.fixture
async def clients() -> AsyncIterator[tuple[httpx.AsyncClient, object]]:
    async with httpx.AsyncClient() as http, channel_session() as session:
        yield http, session


async def test_it_sends_round_robin_over_several_rasa_servers(clients: tuple) -> None:
    seen: list[tuple[str, str]] = []
    with serve(fake_rasa("a", seen)) as a, serve(fake_rasa("b", seen)) as b:
        client = AiohttpRasaClient(*clients, [a, b + "/"])
        replies = [await client.send("c1", f"m{i}") for i in range(4)]
    assert [r[0]["text"] for r in replies] == ["a: m0", "b: m1", "a: m2", "b: m3"]
    assert seen == [("a", "m0"), ("b", "m1"), ("a", "m2"), ("b", "m3")]


async def test_it_skips_a_server_that_refuses_the_connection(clients: tuple) -> None:
    seen: list[tuple[str, str]] = []
    dead = f"http://127.0.0.1:{free_port()}"
    with serve(fake_rasa("a", seen)) as a:
        client = AiohttpRasaClient(*clients, [dead, a])
        for i in range(3):
            await client.send("c1", f"m{i}")
        assert await client.healthy()  # the other calls stay on httpx
    assert seen == [("a", "m0"), ("a", "m1"), ("a", "m2")]


async def test_it_is_unavailable_when_no_server_answers(clients: tuple) -> None:
    dead = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    client = AiohttpRasaClient(*clients, dead)
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
        client = AiohttpRasaClient(*clients, url, internal_token="secret")
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
        client = AiohttpRasaClient(*clients, url, timeout=0.5)
        with pytest.raises(RasaUnavailable, match=error):
            await client.send("c1", message)


async def test_the_gateway_sends_buyer_messages_over_aiohttp() -> None:
    from bot.app import build_services
    from bot.config import Settings
    from bot.conversations.rasa_client import RasaClient
    from bot.storage.db import make_engine

    engine = make_engine("sqlite+aiosqlite:///:memory:")
    settings = Settings.from_env({})
    async with httpx.AsyncClient() as http, channel_session() as session:
        fast = build_services(settings, engine=engine, http=http, rasa_session=session)
        plain = build_services(settings, engine=engine, http=http)
    await engine.dispose()
    assert isinstance(fast.rasa, AiohttpRasaClient)
    assert type(plain.rasa) is RasaClient
