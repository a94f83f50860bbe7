"""Fan-out latency and cache-hit latency of the tracking service.

One local replay server stands in for the three providers, with 100 ms (DHL: one request of
100 ms), 200 ms (AfterShip: create + get, 100 ms each) and 300 ms (17TRACK: register +
gettrackinfo, 150 ms each). The real clients talk HTTP to them. The merged answer should take
about as long as the slowest provider (ratio <= 1.15), not the sum; a cache hit < 5 ms.

Reproduce: .venv/bin/python bench/carriers.py [--rounds 8]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: put the repo root first.
ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Awaitable, Callable  # noqa: E402

import httpx  # noqa: E402

from bot.carriers.cache import DbShipmentStore, MemoryShipmentStore  # noqa: E402
from bot.carriers.service import TrackingService  # noqa: E402
from bot.storage.db import make_engine, make_sessionmaker  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from tests.carriers.documented import as_checkpoint, dhl_event, t17_event  # noqa: E402
from tests.carriers.fakes import ReplayServer, replay_server  # noqa: E402
from tests.carriers.scripts import (  # noqa: E402
    all_clients,
    answer_aftership,
    answer_dhl,
    answer_track17,
)

NUMBER = "1234567890"


def script(server: ReplayServer) -> None:
    """Each provider reports the same scan, each call delayed as the module docstring says."""
    stamp = "2024-05-05T22:10:00+02:00"
    scan = "Arrived at Sort Facility"
    answer_dhl(server, NUMBER, [dhl_event(stamp, "transit", scan, "LEIPZIG", "DE")], delay=0.100)
    answer_aftership(
        server,
        NUMBER,
        [as_checkpoint(stamp, scan, "InTransit", "InTransit_003")],
        subtag="InTransit_003",
        delay=0.100,
    )
    answer_track17(
        server,
        NUMBER,
        [t17_event(stamp, scan, "InTransit_Arrival", "Leipzig", "DE")],
        delay=0.150,
    )


async def timed(call: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


async def run(rounds: int) -> int:
    with replay_server() as server:
        script(server)
        async with httpx.AsyncClient(timeout=5.0) as http:
            providers = all_clients(server, http)
            alone: dict[str, list[float]] = {p.name: [] for p in providers}
            merged: list[float] = []
            service = TrackingService(providers, store=MemoryShipmentStore())
            await service.track(NUMBER, refresh=True)  # warm up connections
            for _ in range(rounds):
                await asyncio.sleep(1.05)  # DHL allows 1 call per second; stay under it
                for p in providers:
                    alone[p.name].append(await timed(lambda p=p: p.track(NUMBER)))
                await asyncio.sleep(1.05)
                merged.append(await timed(lambda: service.track(NUMBER, refresh=True)))

            slowest = max(statistics.median(v) for v in alone.values())
            total = sum(statistics.median(v) for v in alone.values())
            merged_median = statistics.median(merged)
            ratio = merged_median / slowest
            print(f"rounds: {rounds}")
            for name, values in alone.items():
                print(f"  {name:<10} alone  median {statistics.median(values) * 1000:7.1f} ms")
            print(
                f"  merged (3 at once)  median {merged_median * 1000:7.1f} ms, "
                f"max {max(merged) * 1000:.1f} ms"
            )
            print(f"  sum of the three          {total * 1000:7.1f} ms")
            print(f"  merged / slowest = {ratio:.3f}  (target <= 1.15)")

            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
                upgrade(url)
                engine = make_engine(url)
                stores = {
                    "memory": MemoryShipmentStore(),
                    "sqlite": DbShipmentStore(make_sessionmaker(engine)),
                }
                hit_medians = {}
                for label, store in stores.items():
                    cached = TrackingService(providers, store=store)
                    await asyncio.sleep(1.05)
                    await cached.track(NUMBER, refresh=True)
                    before = len(server.requests)
                    hits = [await timed(lambda c=cached: c.track(NUMBER)) for _ in range(300)]
                    assert len(server.requests) == before, "a cache hit must not ask providers"
                    hits.sort()
                    hit_medians[label] = statistics.median(hits)
                    print(
                        f"  cache hit ({label:<6}) median {statistics.median(hits) * 1000:.3f} ms, "
                        f"p95 {hits[int(len(hits) * 0.95)] * 1000:.3f} ms (300 calls)"
                    )
                await engine.dispose()
    ok = ratio <= 1.15 and max(hit_medians.values()) < 0.005
    print("PASS" if ok else "FAIL")
    print("reproduce: .venv/bin/python bench/carriers.py --rounds", rounds)
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    return asyncio.run(run(parser.parse_args().rounds))


if __name__ == "__main__":
    sys.exit(main())
