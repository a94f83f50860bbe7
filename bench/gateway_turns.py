"""The gateway's own cost per turn, without Rasa: CPU per turn and sequential p50 of the real
gateway (uvicorn, the HTTP API, SQLite) in front of a stub Rasa that answers at once.

bench/turns.py measures the whole stack, where Rasa and the other work on a shared machine
move the figures by a millisecond or more from run to run. This one isolates the gateway and
compares code trees in alternating rounds (each tree a directory holding a `bot/` package,
e.g. `git archive <commit> bot | tar -x -C /tmp/old`), so a change of a few tenths of a
millisecond shows.

    .venv/bin/python bench/gateway_turns.py . /tmp/old --rounds 4 --turns 300

Per round and tree: a fresh database, a gateway, 40 warm-up turns, then `--turns` turns with
`--clients` clients (a new conversation per turn: CPU "new" and turns/s), the same number of
turns in 3-message conversations (CPU "conv"), and 200 sequential turns (p50). Medians are
printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: put the repo root first.
sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse  # noqa: E402
import asyncio  # noqa: E402
import itertools  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

ANSWER = [
    {
        "recipient_id": "bench",
        "text": "Parcel RR123456785CN (China Post): in transit. Next scan expected after 3 June.",
        "buttons": [{"title": "Talk to a person", "payload": "/request_human"}],
    }
]
TRACKING = "where is my parcel RR123456785CN"
CONVERSATION = ("hello there", TRACKING, "thanks")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stub_rasa(port: int) -> None:
    """Rasa's gateway channel and status endpoint, answering at once."""

    async def webhook(request: web.Request) -> web.Response:
        await request.json()
        return web.json_response(ANSWER)

    async def status(_request: web.Request) -> web.Response:
        return web.json_response({"model_file": "stub"})

    app = web.Application()
    app.router.add_post("/webhooks/gateway/webhook", webhook)
    app.router.add_get("/status", status)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(url: str, key: str, conversations: int, clients: int, texts: tuple) -> None:
    """`conversations` conversations of `texts`, spread over `clients` concurrent clients."""
    remaining = itertools.count()
    headers = {"Authorization": f"Bearer {key}"}
    async with aiohttp.ClientSession() as http:

        async def client() -> None:
            while next(remaining) < conversations:
                conversation = f"bench-{uuid.uuid4().hex[:12]}"
                for text in texts:
                    async with http.post(
                        f"{url}/api/v1/conversations/{conversation}/messages",
                        json={"text": text},
                        headers=headers,
                    ) as response:
                        body = await response.json()
                        if response.status != 200 or not body["messages"]:
                            raise RuntimeError(f"HTTP {response.status}: {body}")

        await asyncio.gather(*(client() for _ in range(clients)))


async def sequential_p50(url: str, key: str, turns: int) -> float:
    took = []
    headers = {"Authorization": f"Bearer {key}"}
    async with aiohttp.ClientSession() as http:
        for _ in range(turns):
            started = time.perf_counter()
            async with http.post(
                f"{url}/api/v1/conversations/bench-{uuid.uuid4().hex[:12]}/messages",
                json={"text": TRACKING},
                headers=headers,
            ) as response:
                await response.json()
            took.append(time.perf_counter() - started)
    return 1000 * statistics.median(took)


def wait_until_up(url: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            return
        except urllib.error.HTTPError:
            return  # any answer: the gateway serves
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gateway at {url} did not start")


def one_round(tree: Path, rasa_url: str, args: argparse.Namespace) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        port, key = free_port(), "pd_bench_" + uuid.uuid4().hex
        database = f"sqlite:///{tmp}/gateway.db"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARCELDESK_")}
        env.update(
            {
                "PYTHONPATH": str(tree),
                "PARCELDESK_DATABASE_URL": database,
                "PARCELDESK_RASA_URL": rasa_url,
                "PARCELDESK_API_KEYS": key,
                "PARCELDESK_INTERNAL_TOKEN": "pd_internal_" + uuid.uuid4().hex,
                "PARCELDESK_VAR_DIR": tmp,
                "PARCELDESK_NOTIFIER_INTERVAL": "0",
            }
        )
        migrate = f"from bot.storage.migrate import upgrade; upgrade({database!r})"
        subprocess.run([sys.executable, "-c", migrate], env=env, cwd=tree, check=True)
        command = [sys.executable, "-m", "uvicorn", "bot.app:create_app", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--ws", "wsproto"]
        gateway = subprocess.Popen([*command, "--log-level", "warning"], env=env, cwd=tree)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url)
            asyncio.run(drive(url, key, 40, 4, (TRACKING,)))
            figures = {}
            for name, texts in (("new", (TRACKING,)), ("conv", CONVERSATION)):
                before, started = cpu_seconds(gateway.pid), time.perf_counter()
                conversations = args.turns // len(texts)
                asyncio.run(drive(url, key, conversations, args.clients, texts))
                spent = cpu_seconds(gateway.pid) - before
                figures[name] = 1000 * spent / (conversations * len(texts))
                if name == "new":
                    figures["rate"] = conversations / (time.perf_counter() - started)
            figures["p50"] = asyncio.run(sequential_p50(url, key, 200))
            return figures
        finally:
            gateway.terminate()
            gateway.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("trees", nargs="+", type=Path, help="directories holding bot/")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    print("command: .venv/bin/python bench/gateway_turns.py " + " ".join(sys.argv[1:]))
    trees = [tree.resolve() for tree in args.trees]
    rasa_port = free_port()
    rasa = multiprocessing.Process(target=stub_rasa, args=(rasa_port,), daemon=True)
    rasa.start()
    results: dict[Path, list[dict[str, float]]] = {tree: [] for tree in trees}
    try:
        for number in range(args.rounds):
            for tree in trees:
                results[tree].append(one_round(tree, f"http://127.0.0.1:{rasa_port}", args))
                got = results[tree][-1]
                print(
                    f"round {number} {tree}: CPU ms/turn new {got['new']:.2f} "
                    f"conv {got['conv']:.2f}, sequential p50 {got['p50']:.2f} ms, "
                    f"{got['rate']:.0f} turns/s "
                    f"(load average {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
    finally:
        rasa.terminate()
    print(
        "\n| code | CPU ms/turn, new conversation | CPU ms/turn, in conversation "
        "| seq p50 ms | turns/s |"
    )
    print("|---|---:|---:|---:|---:|")
    for tree, rounds in results.items():
        new, conv, p50, rate = ([r[k] for r in rounds] for k in ("new", "conv", "p50", "rate"))
        print(
            f"| {tree} | {statistics.median(new):.2f} | {statistics.median(conv):.2f} "
            f"| {statistics.median(p50):.2f} | {statistics.median(rate):.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
