"""Widget bench: what it costs a shop's page, and how the socket holds up under many buyers.

    .venv/bin/python bench/widget.py [--sessions 200] [--messages 5]

1. Gzipped size of everything the widget loads (loader, iframe page, chat scripts, stylesheet).
2. Script tag -> usable launcher, and whether the shop page's load event waited for the widget
   (headless Chromium, a shop page on http://localhost:<port>; skipped without Chromium).
3. N concurrent widget sessions x M messages on loopback against a gateway whose Rasa is a
   local stub answering every message at once, so the figures are the widget path's own
   (socket, router, event log, bus, SQLite): answered / lost / duplicated, ack and reply
   latency p50/p95. Bounded: fixed counts, a deadline, loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, bench/ comes first on sys.path, and bench/numbers.py would shadow the
# standard library's `numbers` (which `statistics` needs): put the project root there instead.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

WIDGET = ROOT / "bot" / "channels" / "widget"
# What a buyer's browser loads for the chat (the frame page is a template the gateway renders;
# its size here is the template's, the strings it embeds add about 1 KB).
LOADED = (
    "static/loader.js",
    "templates/frame.html",
    "static/i18n.js",
    "static/app-state.js",
    "static/app-render.js",
    "static/app-socket.js",
    "static/app-start.js",
    "static/app.css",
)
DEADLINE = 180.0
LOAD_EVENT = "performance.timing.loadEventStart - performance.timing.navigationStart"


def sizes() -> None:
    total_raw = total_gz = 0
    for name in LOADED:
        data = (WIDGET / name).read_bytes()
        packed = len(gzip.compress(data, 9))
        total_raw += len(data)
        total_gz += packed
        print(f"  {name:<24} {len(data):>7} B raw  {packed:>6} B gzip")
    print(f"  {'total':<24} {total_raw:>7} B raw  {total_gz:>6} B gzip (budget 30720 B)")


def stub_rasa():
    """A Rasa REST stand-in: answers each message with one reply, immediately."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def webhook(request: Request) -> JSONResponse:
        body = await request.json()
        return JSONResponse([{"recipient_id": body["sender"], "text": f"re: {body['message']}"}])

    async def status(_request: Request) -> JSONResponse:
        return JSONResponse({"model_file": "stub"})

    async def events(_request: Request) -> JSONResponse:
        return JSONResponse({})

    return Starlette(
        routes=[
            Route("/webhooks/gateway/webhook", webhook, methods=["POST"]),
            Route("/status", status),
            Route("/conversations/{cid}/tracker/events", events, methods=["POST"]),
        ]
    )


async def one_session(url: str, index: int, messages: int, out: dict) -> None:
    import websockets

    sent_at: dict[str, float] = {}
    acked: dict[str, float] = {}
    replies: dict[str, int] = {}
    async with websockets.connect(url, origin="http://localhost:9", max_size=2**20) as ws:
        await ws.send(json.dumps({"type": "hello", "token": None, "after": 0}))
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome", welcome
        for n in range(messages):
            cid = f"s{index}m{n}"
            sent_at[cid] = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "client_id": cid, "text": cid}))
        reply_at: dict[str, float] = {}
        while len(reply_at) < messages:
            frame = json.loads(await ws.recv())
            if frame["type"] == "ack":
                acked.setdefault(frame["client_id"], time.perf_counter())
            elif frame["type"] == "event" and frame["event"]["sender"] == "bot":
                cid = frame["event"]["text"].removeprefix("re: ")
                replies[cid] = replies.get(cid, 0) + 1
                reply_at.setdefault(cid, time.perf_counter())
    out["ack"].extend(acked[c] - sent_at[c] for c in acked)
    out["reply"].extend(reply_at[c] - sent_at[c] for c in reply_at)
    out["answered"] += len(reply_at)
    out["duplicated"] += sum(n - 1 for n in replies.values() if n > 1)


def pct(values: list[float], q: float) -> float:
    import statistics

    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


async def load(sessions: int, messages: int) -> None:
    from bot.app import create_app
    from bot.config import Settings
    from bot.storage.migrate import upgrade
    from tests.support.ports import free_port
    from tests.support.servers import serve

    tmp = Path(tempfile.mkdtemp(prefix="widget-bench-"))
    database = f"sqlite:///{tmp / 'gateway.db'}"
    upgrade(database)
    with serve(stub_rasa()) as rasa_url:
        settings = Settings.from_env(
            {
                "PARCELDESK_VAR_DIR": str(tmp),
                "PARCELDESK_DATABASE_URL": database,
                "PARCELDESK_RASA_URL": rasa_url,
                "PARCELDESK_ACTIONS_PORT": str(free_port()),
                "PARCELDESK_NOTIFIER_INTERVAL": "0",
                "PARCELDESK_LOG_LEVEL": "WARNING",
            }
        )
        with serve(create_app(settings)) as url:
            out: dict = {"ack": [], "reply": [], "answered": 0, "duplicated": 0}
            started = time.perf_counter()
            tasks = [
                one_session(url.replace("http", "ws") + "/widget/ws", i, messages, out)
                for i in range(sessions)
            ]
            results = await asyncio.wait_for(
                asyncio.gather(*tasks, return_exceptions=True), DEADLINE
            )
            elapsed = time.perf_counter() - started
    failed = [r for r in results if isinstance(r, BaseException)]
    expected = sessions * messages
    print(
        f"  {sessions} sessions x {messages} messages = {expected} in {elapsed:.1f} s: "
        f"answered {out['answered']}, lost {expected - out['answered']}, "
        f"duplicated {out['duplicated']}, failed sessions {len(failed)}"
    )
    if failed:
        print(f"  first failure: {failed[0]!r}")
    print(
        f"  ack   p50 {pct(out['ack'], 50):7.1f} ms  p95 {pct(out['ack'], 95):7.1f} ms\n"
        f"  reply p50 {pct(out['reply'], 50):7.1f} ms  p95 {pct(out['reply'], 95):7.1f} ms"
    )


def launcher_time() -> None:
    import statistics

    from tests.e2e.widget_pages import ARGS, CHROMIUM, shop_page, shop_server
    from tests.support.ports import free_port

    if not Path(CHROMIUM).exists():
        print("  skipped: no Chromium at", CHROMIUM)
        return
    from playwright.sync_api import sync_playwright

    from bot.app import create_app
    from bot.config import Settings
    from bot.storage.migrate import upgrade
    from tests.support.servers import serve

    tmp = Path(tempfile.mkdtemp(prefix="widget-bench-"))
    database = f"sqlite:///{tmp / 'gateway.db'}"
    upgrade(database)
    settings = Settings.from_env(
        {
            "PARCELDESK_VAR_DIR": str(tmp),
            "PARCELDESK_DATABASE_URL": database,
            "PARCELDESK_RASA_PORT": str(free_port()),
            "PARCELDESK_NOTIFIER_INTERVAL": "0",
        }
    )
    port = free_port()
    with serve(create_app(settings)) as gw, shop_server(port, {"/": shop_page(gw)}) as shop:
        plain = shop_page(gw).replace(f'<script src="{gw}/widget.js" async></script>', "")
        with shop_server(free_port(), {"/": plain}) as bare, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            usable, loads, bare_loads = [], [], []
            for _ in range(10):
                page = browser.new_page()
                page.goto(shop + "/", wait_until="commit")
                t0 = page.evaluate("performance.timeOrigin")
                page.get_by_role("button", name="Open chat with Parcel help").wait_for()
                ready = page.evaluate("performance.now()")
                page.wait_for_load_state("load")
                load_end = page.evaluate(LOAD_EVENT)
                usable.append(ready)
                loads.append(load_end)
                assert t0
                page.close()
                page = browser.new_page()
                page.goto(bare + "/")
                bare_loads.append(page.evaluate(LOAD_EVENT))
                page.close()
            browser.close()
    print(
        f"  launcher usable after navigation start: median {statistics.median(usable):.0f} ms "
        f"(10 loads)\n  shop load event: median {statistics.median(loads):.0f} ms with the widget, "
        f"{statistics.median(bare_loads):.0f} ms without (the iframe is added after load)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5)
    args = parser.parse_args()
    print("what the widget loads:")
    sizes()
    print("script tag -> usable launcher:")
    launcher_time()
    print("concurrent sessions (loopback, Rasa stubbed):")
    asyncio.run(load(min(args.sessions, 1000), min(args.messages, 50)))


if __name__ == "__main__":
    main()
