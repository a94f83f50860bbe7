"""Fan-out latency and cache-hit latency of the tracking service.

Three local replay servers stand in for the providers, with 100 ms (DHL: one request of
100 ms), 200 ms (AfterShip: create + get, 100 ms each) and 300 ms (17TRACK: register +
gettrackinfo, 150 ms each). The real clients talk HTTP to them. The merged answer should take
about as long as the slowest provider (ratio <= 1.15), not the sum; a cache hit < 5 ms.

Reproduce: .venv/bin/python bench/carriers.py [--rounds 8]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.carriers.aftership import AfterShipProvider  # noqa: E402
from bot.carriers.cache import DbShipmentStore, MemoryShipmentStore  # noqa: E402
from bot.carriers.dhl import DhlProvider  # noqa: E402
from bot.carriers.service import TrackingService  # noqa: E402
from bot.carriers.track17 import Track17Provider  # noqa: E402
from bot.storage.db import make_engine, make_sessionmaker  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from tests.carriers.documented import (  # noqa: E402
    as_checkpoint,
    as_list,
    as_ok,
    as_tracking,
    dhl_event,
    dhl_shipments,
    t17_envelope,
    t17_event,
    t17_item,
    t17_register_ok,
)
from tests.carriers.fakes import ReplayServer, Reply, replay_server  # noqa: E402

NUMBER = "1234567890"


def script(server: ReplayServer) -> None:
    stamp = "2024-05-05T22:10:00+02:00"
    server.on(
        "GET",
        "/dhl/track/shipments",
        Reply(
            delay=0.100,
            json=dhl_shipments(
                NUMBER,
                "transit",
                [dhl_event(stamp, "transit", "Arrived at Sort Facility", "LEIPZIG", "DE")],
            ),
        ),
    )
    server.on(
        "POST",
        "/as/trackings",
        Reply(
            delay=0.100,
            status=201,
            json=as_ok(as_tracking(NUMBER, "Pending", "Pending_001", []), code=201),
        ),
    )
    server.on(
        "GET",
        "/as/trackings",
        Reply(
            delay=0.100,
            json=as_list(
                [
                    as_tracking(
                        NUMBER,
                        "InTransit",
                        "InTransit_003",
                        [
                            as_checkpoint(
                                stamp, "Arrived at Sort Facility", "InTransit", "InTransit_003"
                            )
                        ],
                    )
                ]
            ),
        ),
    )
    server.on("POST", "/17/register", Reply(delay=0.150, json=t17_register_ok(NUMBER, 100001)))
    server.on(
        "POST",
        "/17/gettrackinfo",
        Reply(
            delay=0.150,
            json=t17_envelope(
                [
                    t17_item(
                        NUMBER,
                        "InTransit",
                        "InTransit_Arrival",
                        [
                            t17_event(
                                stamp,
                                "Arrived at Sort Facility",
                                "InTransit_Arrival",
                                "Leipzig",
                                "DE",
                            )
                        ],
                        carrier=100001,
                    )
                ]
            ),
        ),
    )


async def timed(call) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    await call()
    return time.perf_counter() - started


async def run(rounds: int) -> int:
    with replay_server() as server:
        script(server)
        async with httpx.AsyncClient(timeout=5.0) as http:
            providers = [
                Track17Provider(http, api_key="k", base_url=server.url + "/17"),
                AfterShipProvider(http, api_key="k", base_url=server.url + "/as"),
                DhlProvider(http, api_key="k", base_url=server.url + "/dhl/track"),
            ]
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
