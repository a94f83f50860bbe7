"""RasaClient with several Rasa servers: round robin, skip a server that refuses connections."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.config import Settings
from bot.conversations.rasa_client import RasaClient, RasaUnavailable
from tests.support.ports import free_port
from tests.support.servers import serve


def fake_rasa(name: str, seen: list[tuple[str, str]]) -> Starlette:
    """A stand-in Rasa REST channel that says which server answered."""

    async def webhook(request: Request) -> JSONResponse:
        body = await request.json()
        seen.append((name, body["message"]))
        reply = {"recipient_id": body["sender"], "text": f"{name}: {body['message']}"}
        return JSONResponse([reply])

    async def status(request: Request) -> JSONResponse:
        return JSONResponse({"model_file": "m.tar.gz"})

    return Starlette(
        routes=[
            Route("/webhooks/gateway/webhook", webhook, methods=["POST"]),
            Route("/status", status),
        ]
    )


async def test_it_sends_round_robin_over_several_rasa_servers() -> None:
    seen: list[tuple[str, str]] = []
    with serve(fake_rasa("a", seen)) as a, serve(fake_rasa("b", seen)) as b:
        async with httpx.AsyncClient() as http:
            client = RasaClient(http, [a, b + "/"])
            replies = [await client.send("c1", f"m{i}") for i in range(4)]
    assert [r[0]["text"] for r in replies] == ["a: m0", "b: m1", "a: m2", "b: m3"]
    assert seen == [("a", "m0"), ("b", "m1"), ("a", "m2"), ("b", "m3")]


async def test_it_skips_a_server_that_refuses_the_connection() -> None:
    seen: list[tuple[str, str]] = []
    dead = f"http://127.0.0.1:{free_port()}"
    with serve(fake_rasa("a", seen)) as a:
        async with httpx.AsyncClient() as http:
            client = RasaClient(http, [dead, a])
            for i in range(3):
                await client.send("c1", f"m{i}")
            assert await client.healthy()
    assert seen == [("a", "m0"), ("a", "m1"), ("a", "m2")]


async def test_it_is_unavailable_when_no_server_answers() -> None:
    dead = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    async with httpx.AsyncClient() as http:
        client = RasaClient(http, dead)
        with pytest.raises(RasaUnavailable, match="unreachable"):
            await client.send("c1", "hi")
        assert not await client.healthy()


def test_it_reads_the_rasa_servers_from_the_settings() -> None:
    one = Settings.from_env({"PARCELDESK_RASA_PORT": "5999"})
    assert one.rasa_urls == ("http://127.0.0.1:5999",)
    several = Settings.from_env(
        {"PARCELDESK_RASA_URLS": "http://10.0.0.1:5005/, http://10.0.0.2:5005"}
    )
    assert several.rasa_urls == ("http://10.0.0.1:5005", "http://10.0.0.2:5005")
