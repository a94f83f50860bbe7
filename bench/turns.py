"""Turn cost: the gateway against Rasa's own REST channel, on the same stack, same clients.

Starts the real stack with `parceldesk run` (demo carrier, free ports, fresh databases), then
for a "hi" turn and a tracking turn ("where is my parcel <valid S10>", a new number and a new
conversation every turn) measures, through the gateway's HTTP API and straight to Rasa's REST
channel:
  - sequential latency, one client: p50 / p95,
  - throughput with concurrent clients (default 8): turns/s and p50 under load,
and the resident memory of each process at rest and after --memory-turns more turns.

Reproduce:  make train && .venv/bin/python bench/turns.py [--db sqlite,postgres] [--turns 300]
            [--clients 8] [--memory-turns 2000]
PostgreSQL uses a throwaway database on PARCELDESK_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test), like the tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: put the repo root first.
ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import aiohttp  # noqa: E402

from bot.tracking.numbers.checksums import s10_check_digit  # noqa: E402
from tests.support.stack import Stack, running_stack  # noqa: E402

_serials = itertools.count(10_000_000)


def tracking_text() -> tuple[str, str]:
    """A new valid S10 number each time (so every turn asks the carrier, no cache hit)."""
    serial = str(next(_serials))
    number = f"RR{serial}{s10_check_digit(serial)}CN"
    return f"where is my parcel {number}", number


@dataclass
class Target:
    name: str
    url: str
    gateway: bool
    api_key: str = ""

    def request(self, conversation: str, text: str) -> tuple[str, dict]:
        if self.gateway:
            return f"{self.url}/api/v1/conversations/{conversation}/messages", {"text": text}
        return f"{self.url}/webhooks/gateway/webhook", {"sender": conversation, "message": text}


class WrongAnswer(Exception):
    pass


async def one_turn(http: aiohttp.ClientSession, target: Target, kind: str) -> float:
    """One turn in a fresh conversation; returns its latency in seconds."""
    conversation = f"bench-{uuid.uuid4().hex[:16]}"
    if kind == "hi":
        text, expect = "hi", ""
    else:
        text, expect = tracking_text()
    url, body = target.request(conversation, text)
    # The gateway wants the API key; Rasa's gateway channel the internal token.
    headers = {"Authorization": f"Bearer {target.api_key}"}
    started = time.perf_counter()
    async with http.post(url, json=body, headers=headers) as response:
        data = await response.json()
    elapsed = time.perf_counter() - started
    messages = data["messages"] if target.gateway else data
    if response.status != 200 or not messages or expect not in messages[0].get("text", ""):
        raise WrongAnswer(f"{target.name} {kind}: HTTP {response.status} {str(data)[:200]}")
    return elapsed


async def sequential(
    http: aiohttp.ClientSession, targets: list[Target], kind: str, turns: int
) -> dict[str, list[float]]:
    """One client, `turns` turns per target, the targets taking turns (gateway, Rasa, gateway,
    ...): load from anything else on the machine then falls on both alike, and the ratio of
    their p50s compares like with like (blocks of 300 turns each did not: 1.16x to 1.49x)."""
    latencies: dict[str, list[float]] = {t.name: [] for t in targets}
    for _ in range(turns):
        for target in targets:
            latencies[target.name].append(await one_turn(http, target, kind))
    return latencies


async def concurrent(
    http: aiohttp.ClientSession, target: Target, kind: str, turns: int, clients: int
) -> tuple[float, list[float]]:
    """`turns` turns spread over `clients` clients that each send the next as soon as their
    previous answer arrived. Returns (turns per second, latencies)."""
    latencies: list[float] = []
    remaining = itertools.count()

    async def client() -> None:
        while next(remaining) < turns:
            latencies.append(await one_turn(http, target, kind))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return turns / (time.perf_counter() - started), latencies


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# --- memory ---------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(stat.parent.name))
    return kids


def _rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def processes(stack: Stack) -> dict[str, int]:
    """pid of the rasa, actions and gateway children of `parceldesk run`."""
    found = {}
    for pid in _children(stack.process.pid):
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        # bot.actions_launcher (rasa_sdk inside) first: other markers may match it too.
        markers = (
            ("actions", "actions_launcher"),
            ("actions", "rasa_sdk"),
            ("rasa", "rasa"),
            ("gateway", "uvicorn"),
        )
        for name, marker in markers:
            if marker in cmd:
                # Several Rasa processes: rasa, rasa-2, ...
                same = sum(k.startswith(name) for k in found)
                found[name if same == 0 else f"{name}-{same + 1}"] = pid
                break
    return found


def memory(stack: Stack) -> dict[str, float]:
    return {name: _rss_mb(pid) for name, pid in processes(stack).items()}


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """User+system CPU each process has used so far (steadier than wall time on a busy box)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for name, pid in pids.items():
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used[name] = (int(fields[11]) + int(fields[12])) / ticks
    return used


# --- one database --------------------------------------------------------------------------


@contextlib.contextmanager
def database_env(db: str) -> Iterator[dict[str, str]]:
    if db == "sqlite":
        yield {}
        return
    from tests.support.postgres import fresh_database

    with fresh_database() as gateway_db, fresh_database() as tracker_db:
        yield {"PARCELDESK_DATABASE_URL": gateway_db, "PARCELDESK_RASA_TRACKER_URL": tracker_db}


def rasa_env(processes: int) -> dict[str, str]:
    if processes <= 1:
        return {}
    return {
        "PARCELDESK_RASA_PROCESSES": str(processes),
        "PARCELDESK_REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
    }


async def measure(stack: Stack, args: argparse.Namespace) -> tuple[list[dict], dict]:
    targets = [
        Target("gateway", stack.url, gateway=True, api_key=stack.api_key),
        Target(
            "rasa",
            f"http://127.0.0.1:{stack.rasa_port}",
            gateway=False,
            api_key=stack.env["PARCELDESK_INTERNAL_TOKEN"],
        ),
    ]
    rows = []
    connector = aiohttp.TCPConnector(limit=args.clients * 2)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        for target in targets:  # warm-up: caches, connection pools, lazy imports
            for kind in ("hi", "tracking"):
                await concurrent(http, target, kind, 20, 2)
        mem_rest = memory(stack)
        # `parceldesk run` itself relays the children's log lines: part of the cost too.
        pids = {**processes(stack), "run": stack.process.pid}
        for kind in ("hi", "tracking"):
            sequences = await sequential(http, targets, kind, args.turns)
            for target in targets:
                seq = sequences[target.name]
                before = cpu_seconds(pids)
                rate, loaded = await concurrent(http, target, kind, args.turns, args.clients)
                after = cpu_seconds(pids)
                cpu = {n: 1000 * (after[n] - before[n]) / args.turns for n in after}
                rows.append(
                    {
                        "turn": kind,
                        "via": target.name,
                        "p50": pct(seq, 0.5),
                        "p95": pct(seq, 0.95),
                        "rate": rate,
                        "p50_loaded": pct(loaded, 0.5),
                        "cpu": cpu,
                    }
                )
        mem_after = {}
        if args.memory_turns:
            half = args.memory_turns // 2
            await concurrent(http, targets[0], "tracking", half, args.clients)
            await concurrent(http, targets[0], "hi", args.memory_turns - half, args.clients)
            mem_after = memory(stack)
    return rows, {"rest": mem_rest, "after": mem_after}


def print_table(db: str, rows: list[dict], mem: dict, args: argparse.Namespace) -> None:
    print(
        f"\n## {db}: {args.turns} turns per cell, {args.clients} concurrent clients, "
        f"{args.rasa_processes} Rasa process(es) behind the gateway "
        "('via rasa' goes to the first one)"
    )
    print(
        "| turn | via | seq p50 ms | seq p95 ms | turns/s | p50 loaded ms | p50 vs rasa "
        "| CPU ms/turn rasa + actions + gateway + run |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---|")
    rasa_p50 = {r["turn"]: r["p50"] for r in rows if r["via"] == "rasa"}
    for r in rows:
        ratio = r["p50"] / rasa_p50[r["turn"]]
        cpu = r["cpu"]
        rasa_cpu = sum(v for k, v in cpu.items() if k.startswith("rasa"))
        parts = [rasa_cpu, *(cpu.get(n, 0.0) for n in ("actions", "gateway", "run"))]
        split = " + ".join(f"{v:.1f}" for v in parts)
        print(
            f"| {r['turn']} | {r['via']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['rate']:.1f} "
            f"| {r['p50_loaded']:.1f} | {ratio:.2f}x | {split} = {sum(cpu.values()):.1f} |"
        )
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    after = mem["after"]
    print(f"\n| process | RSS at rest MiB | RSS after {args.memory_turns} more turns MiB |")
    print("|---|---:|---:|")
    for name, rss in mem["rest"].items():
        later = f"{after[name]:.0f}" if name in after else "-"
        print(f"| {name} | {rss:.0f} | {later} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--turns", type=int, default=300, help="turns per measurement")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument(
        "--memory-turns", type=int, default=2000, help="turns between the two memory samples"
    )
    parser.add_argument(
        "--rasa-processes",
        type=int,
        default=1,
        help="Rasa processes behind the gateway (PARCELDESK_RASA_PROCESSES; >1 uses Redis)",
    )
    args = parser.parse_args()
    print("command: .venv/bin/python bench/turns.py " + " ".join(sys.argv[1:]))
    for db in [d.strip() for d in args.db.split(",") if d.strip()]:
        with (
            tempfile.TemporaryDirectory() as tmp,
            database_env(db) as env,
            running_stack(Path(tmp), {**env, **rasa_env(args.rasa_processes)}) as stack,
        ):
            rows, mem = asyncio.run(measure(stack, args))
        print_table(db, rows, mem, args)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
