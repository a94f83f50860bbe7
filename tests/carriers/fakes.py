"""A local HTTP server that replays documented provider responses and records every request.

The provider clients talk real HTTP to it, so tests see exactly what a client sends (method,
path, query, headers, body) and how it handles each documented answer.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.servers import serve


@dataclass(frozen=True)
class Reply:
    """One canned answer: JSON (or raw `body`), status, headers, and a delay before answering."""

    status: int = 200
    json: Any = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json"


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


class ReplayServer:
    """Answers each (method, path) with its queued replies in order; the last one repeats."""

    def __init__(self) -> None:
        self.url = ""
        self.requests: list[Recorded] = []
        self._routes: dict[tuple[str, str], list[Reply]] = {}
        self.app = Starlette(
            routes=[Route("/{path:path}", self._handle, methods=["GET", "POST", "PUT", "DELETE"])]
        )

    def on(self, method: str, path: str, *replies: Reply) -> None:
        self._routes[(method.upper(), path)] = list(replies)

    def reset(self) -> None:
        self._routes.clear()
        self.requests.clear()

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        loop = asyncio.get_running_loop()
        self.requests.append(
            Recorded(
                method=request.method,
                path=request.url.path,
                query=dict(request.query_params),
                headers={k.lower(): v for k, v in request.headers.items()},
                body=body,
                at=loop.time(),
            )
        )
        queue = self._routes.get((request.method, request.url.path))
        if not queue:
            return Response(b'{"error": "no reply queued"}', status_code=418)
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if reply.delay:
            await asyncio.sleep(reply.delay)
        content = reply.body if reply.body is not None else json.dumps(reply.json).encode()
        return Response(
            content,
            status_code=reply.status,
            headers=reply.headers,
            media_type=reply.content_type,
        )


@contextmanager
def replay_server() -> Iterator[ReplayServer]:
    server = ReplayServer()
    with serve(server.app) as url:
        server.url = url
        yield server
