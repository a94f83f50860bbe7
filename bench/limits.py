"""Limits under abuse, on loopback, with the gateway started the way `parceldesk run` starts it
(uvicorn, wsproto, the same frame and connection caps), no Rasa behind it:

1. peak gateway memory while a client streams a 400 MB body (chunked, no Content-Length) at
   each endpoint that reads a body;
2. gateway memory with 3,000 idle connections open (plain TCP and widget WebSockets that never
   say hello);
3. 50 clients flooding one conversation for a few seconds: how many were accepted, how many got
   429 with Retry-After, and the memory afterwards.

Every loop is bounded in count and time and talks to 127.0.0.1 only.

Reproduce:  .venv/bin/python bench/limits.py [--body-mb 400] [--idle 3000]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402

from bot.commands.run import MAX_CONNECTIONS, WS_MAX_BYTES  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from tests.support.ports import free_port  # noqa: E402
from tests.support.stack import start_uvicorn_gateway, wait_until_answers  # noqa: E402

API_KEY = "pd_bench_limits"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
ENDPOINTS = [
    ("POST /api/v1/conversations/x/messages", "/api/v1/conversations/x/messages", AUTH),
    ("POST /webhooks/17track (signed header)", "/webhooks/17track", {"sign": "0" * 64}),
    (
        "POST /webhooks/aftership (signed header)",
        "/webhooks/aftership",
        {"aftership-hmac-sha256": "x" * 44},
    ),
    ("POST /console/api/session", "/console/api/session", {}),
    ("PUT /api/v1/orders/1001", "/api/v1/orders/1001", AUTH),
]


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def start_gateway(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    database = f"sqlite:///{tmp / 'gateway.db'}"
    upgrade(database)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARCELDESK_")}
    env.update(
        PARCELDESK_DATABASE_URL=database,
        PARCELDESK_VAR_DIR=str(tmp),
        PARCELDESK_RASA_PORT=str(free_port()),
        PARCELDESK_ACTIONS_PORT=str(free_port()),
        PARCELDESK_NOTIFIER_INTERVAL="0",
        PARCELDESK_API_KEYS=API_KEY,
        PARCELDESK_17TRACK_API_KEY="bench",
        PARCELDESK_AFTERSHIP_WEBHOOK_SECRET="bench",
        RASA_TELEMETRY_ENABLED="false",
    )
    process, base = start_uvicorn_gateway(
        env,
        "--log-level",
        "error",
        "--ws-max-size",
        str(WS_MAX_BYTES),
        "--limit-concurrency",
        str(MAX_CONNECTIONS),
        stderr=None,
    )
    if wait_until_answers(base + "/healthz"):
        return process, base
    process.kill()
    raise SystemExit("the gateway did not start")


async def big_body(base: str, path: str, headers: dict[str, str], megabytes: int) -> str:
    chunk = b"x" * (1024 * 1024)

    async def body():  # type: ignore[no-untyped-def]
        for _ in range(megabytes):
            yield chunk

    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=120) as http:
            method = "PUT" if "/orders/" in path else "POST"
            response = await http.request(method, base + path, content=body(), headers=headers)
            outcome = str(response.status_code)
    except httpx.HTTPError as exc:  # the server answered early and closed: also a refusal
        outcome = f"closed ({type(exc).__name__})"
    return f"{outcome} after {time.perf_counter() - started:.2f} s"


async def idle(base: str, count: int) -> list[object]:
    host, port = base.removeprefix("http://").split(":")
    held: list[object] = []
    for n in range(count):
        reader_writer = await asyncio.open_connection(host, int(port))
        writer = reader_writer[1]
        if n % 2:  # half of them upgrade to the widget socket and then say nothing
            writer.write(
                f"GET /widget/ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\nOrigin: http://localhost:8080\r\n\r\n".encode()
            )
        held.append(reader_writer)
    return held


async def flood(base: str, clients: int, seconds: float) -> dict[int, int]:
    counts: dict[int, int] = {}
    stop = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=clients)) as h:

        async def client() -> None:
            while time.monotonic() < stop:
                response = await h.post(
                    base + "/api/v1/conversations/flooded/messages",
                    json={"text": "hi"},
                    headers=AUTH,
                )
                counts[response.status_code] = counts.get(response.status_code, 0) + 1

        await asyncio.gather(*(client() for _ in range(clients)))
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--body-mb", type=int, default=400)
    parser.add_argument("--idle", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, base = start_gateway(Path(tmp))
        try:
            pid = process.pid
            print(
                f"$ .venv/bin/python bench/limits.py --body-mb {args.body_mb} "
                f"--idle {args.idle} --clients {args.clients}"
            )
            print(f"gateway at rest: {rss_mib(pid):.0f} MiB")
            for name, path, headers in ENDPOINTS:
                result = asyncio.run(big_body(base, path, headers, args.body_mb))
                print(
                    f"{args.body_mb} MB body -> {name}: {result}; peak RSS so far "
                    f"{rss_mib(pid, 'VmHWM'):.0f} MiB"
                )

            async def idle_phase() -> None:
                held = await idle(base, args.idle)
                await asyncio.sleep(2)
                print(
                    f"{len(held)} idle connections: RSS {rss_mib(pid):.0f} MiB, "
                    f"peak {rss_mib(pid, 'VmHWM'):.0f} MiB"
                )
                for _reader, writer in held:  # type: ignore[misc]
                    writer.close()

            asyncio.run(idle_phase())
            counts = asyncio.run(flood(base, args.clients, 5.0))
            print(
                f"{args.clients} clients flooding one conversation for 5 s: "
                + ", ".join(f"HTTP {k}: {v}" for k, v in sorted(counts.items()))
                + f"; RSS {rss_mib(pid):.0f} MiB, peak {rss_mib(pid, 'VmHWM'):.0f} MiB"
            )
        finally:
            process.terminate()
            process.wait(20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
