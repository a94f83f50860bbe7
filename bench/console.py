"""Staff console latency: a buyer's message to the agent's console socket, and an agent's
reply to the buyer's side, with 50 conversations open and 5 agents logged in.

Starts one real gateway (uvicorn, `bot.app:create_app`) on loopback with a fresh SQLite
database (or --database-url, e.g. PostgreSQL), no Rasa behind it: while a person owns a
conversation the gateway does not wait for Rasa, so Rasa is not on either measured path.
Setup puts 50 conversations in the queue (the state machine's request_handoff) and the 5
agents claim 10 each through the console API. Then, per agent in parallel:

  buyer -> agent:  the agent's socket follows one of its conversations; the buyer posts
                   `POST /api/v1/conversations/{id}/messages`; time until the agent's
                   socket receives that event (and, for the other 4 agents, the queue notice);
  agent -> buyer:  the agent posts `POST /console/api/conversations/{id}/messages`; time until
                   the buyer's `GET /api/v1/conversations/{id}/messages?after=<seq>` (polled
                   every --poll ms) returns it.

Bounded (--rounds per agent), loopback only. Prints p50/p95/max and the command.

Reproduce:  .venv/bin/python bench/console.py [--rounds 20] [--database-url URL]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shlex  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402
import websockets  # noqa: E402

from bot.channels.api_auth import conversation_key  # noqa: E402
from bot.conversations import agents, ownership, transcript  # noqa: E402
from bot.storage.db import make_engine, make_sessionmaker  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from tests.support.ports import free_port  # noqa: E402
from tests.support.stack import start_uvicorn_gateway, wait_until_answers  # noqa: E402

PASSWORD = "bench password 1"
AGENTS = 5
CONVERSATIONS = 50


async def _setup_database(url: str) -> None:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            for n in range(AGENTS):
                await agents.add(f"agent{n}", PASSWORD, session=session)
            for n in range(CONVERSATIONS):
                conversation_id = conversation_key(API_KEY, f"bench-{n}")
                await transcript.record_inbound(
                    conversation_id, "api", f"parcel RR400000001CN, buyer {n}", session=session
                )
                await ownership.request_handoff(conversation_id, session=session, actor="buyer")
    finally:
        await engine.dispose()


API_KEY = "pd_bench_console"
API_HEADERS = {"Authorization": f"Bearer {API_KEY}"}


def _start_gateway(url: str, var_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARCELDESK_")}
    env.update(
        PARCELDESK_DATABASE_URL=url,
        PARCELDESK_VAR_DIR=str(var_dir),
        PARCELDESK_RASA_PORT=str(free_port()),
        PARCELDESK_ACTIONS_PORT=str(free_port()),
        PARCELDESK_NOTIFIER_INTERVAL="0",
        PARCELDESK_API_KEYS=API_KEY,
        RASA_TELEMETRY_ENABLED="false",
    )
    process, base = start_uvicorn_gateway(
        env, "--log-level", "warning", stderr=(var_dir / "gateway.log").open("wb")
    )
    if wait_until_answers(base + "/console/login"):
        return process, base
    process.terminate()
    raise SystemExit("the gateway did not start")


class Agent:
    def __init__(self, base: str, name: str) -> None:
        self.name = name
        self.http = httpx.AsyncClient(base_url=base, timeout=30)
        self.base = base
        self.csrf = ""
        self.ws = None
        self.waiters: list[tuple[callable, asyncio.Future]] = []  # type: ignore[valid-type]
        self.conversations: list[str] = []

    async def login(self) -> None:
        response = await self.http.post(
            "/console/api/session", json={"name": self.name, "password": PASSWORD}
        )
        response.raise_for_status()
        self.csrf = response.json()["csrf_token"]
        cookie = "parceldesk_console=" + self.http.cookies["parceldesk_console"]
        self.ws = await websockets.connect(
            self.base.replace("http", "ws") + "/console/ws",
            extra_headers={"Cookie": cookie, "Origin": self.base},
            max_size=None,
        )
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            frame = json.loads(raw)
            now = time.perf_counter()
            for match, future in list(self.waiters):
                if not future.done() and match(frame):
                    future.set_result(now)

    def expect(self, match) -> asyncio.Future:  # type: ignore[no-untyped-def]
        future = asyncio.get_running_loop().create_future()
        self.waiters.append((match, future))
        future.add_done_callback(lambda f: self.waiters.remove((match, f)))
        return future

    async def post(self, path: str, body: dict | None = None) -> httpx.Response:
        response = await self.http.post(path, json=body, headers={"X-CSRF-Token": self.csrf})
        response.raise_for_status()
        return response

    async def follow(self, conversation_id: str) -> None:
        """Follow a conversation and wait until its catch-up has arrived."""
        events = (
            await self.http.get(f"/console/api/conversations/{conversation_id}/events?after=0")
        ).json()["events"]
        last = events[-1]["seq"] if events else 0
        await self.ws.send(
            json.dumps({"type": "follow", "conversation_id": conversation_id, "after": last})
        )


def _summary(name: str, samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    return (
        f"{name:<44} n={len(ms):<4} p50={statistics.median(ms):7.1f} ms  "
        f"p95={p95:7.1f} ms  max={ms[-1]:7.1f} ms"
    )


async def _buyer_to_agent(
    base: str,
    agent: Agent,
    others: list[Agent],
    rounds: int,
    to_socket: list[float],
    to_queue: list[float],
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as buyer:
        for n in range(rounds):
            conversation_id = agent.conversations[n % len(agent.conversations)]
            await agent.follow(conversation_id)
            await asyncio.sleep(0.05)  # let the follow's catch-up settle
            marker = f"where is it? {agent.name}-{n}-{time.perf_counter_ns()}"
            event = agent.expect(
                lambda f, m=marker: f.get("type") == "event" and f["event"]["text"] == m
            )
            queued = [
                o.expect(
                    lambda f, c=conversation_id: (
                        f.get("type") == "queue" and f.get("conversation_id") == c
                    )
                )
                for o in others
            ]
            start = time.perf_counter()
            posted = buyer.post(
                f"/api/v1/conversations/{conversation_id.rsplit(':', 1)[1]}/messages",
                json={"text": marker},
                headers=API_HEADERS,
            )
            await asyncio.gather(posted, event, *queued)
            to_socket.append(event.result() - start)
            to_queue.extend(q.result() - start for q in queued)


async def _agent_to_buyer(
    base: str, agent: Agent, rounds: int, poll: float, samples: list[float]
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as buyer:
        for n in range(rounds):
            conversation_id = agent.conversations[n % len(agent.conversations)]
            key = conversation_id.rsplit(":", 1)[1]
            url = f"/api/v1/conversations/{key}/messages"
            seen = (await buyer.get(url, params={"after": 0}, headers=API_HEADERS)).json()[
                "messages"
            ]
            after = seen[-1]["seq"] if seen else 0
            marker = f"On it: {agent.name}-{n}-{time.perf_counter_ns()}"
            start = time.perf_counter()
            sending = asyncio.create_task(
                agent.post(
                    f"/console/api/conversations/{conversation_id}/messages", {"text": marker}
                )
            )
            while True:
                got = (await buyer.get(url, params={"after": after}, headers=API_HEADERS)).json()[
                    "messages"
                ]
                if any(m["text"] == marker for m in got):
                    samples.append(time.perf_counter() - start)
                    break
                await asyncio.sleep(poll)
            await sending


async def _run(base: str, rounds: int, poll: float) -> None:
    team = [Agent(base, f"agent{n}") for n in range(AGENTS)]
    for agent in team:
        await agent.login()
    for n in range(CONVERSATIONS):
        agent = team[n % AGENTS]
        conversation_id = conversation_key(API_KEY, f"bench-{n}")
        await agent.post(f"/console/api/conversations/{conversation_id}/claim")
        agent.conversations.append(conversation_id)
    to_socket: list[float] = []
    to_queue: list[float] = []
    await asyncio.gather(
        *[
            _buyer_to_agent(base, a, [o for o in team if o is not a], rounds, to_socket, to_queue)
            for a in team
        ]
    )
    to_buyer: list[float] = []
    await asyncio.gather(*[_agent_to_buyer(base, a, rounds, poll, to_buyer) for a in team])
    print(_summary("buyer message -> owning agent's socket event", to_socket))
    print(_summary("buyer message -> other agents' queue notice", to_queue))
    print(_summary(f"agent reply -> buyer GET ?after= (poll {poll * 1000:.0f} ms)", to_buyer))
    for agent in team:
        await agent.ws.close()
        await agent.http.aclose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="messages per agent and direction")
    parser.add_argument("--poll", type=float, default=20.0, help="buyer poll interval (ms)")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        asyncio.run(_setup_database(url))
        process, base = _start_gateway(url, Path(tmp))
        try:
            print(f"$ {shlex.join([sys.executable, 'bench/console.py', *sys.argv[1:]])}")
            print(
                f"gateway {base}, {CONVERSATIONS} open conversations, {AGENTS} agents, "
                f"{args.rounds} rounds per agent per direction, database "
                f"{url.split(':', 1)[0]}"
            )
            asyncio.run(_run(base, args.rounds, args.poll / 1000))
        finally:
            process.terminate()
            process.wait(15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
