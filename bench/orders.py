"""Orders at shop scale: importing 100,000 orders from CSV, then looking orders up.

Import = the whole `parceldesk orders import` path (parse and check every row, then store
all orders and shipments in one transaction), on SQLite and on PostgreSQL. Lookup = what the
bot does per buyer question: `orders.find` (order + shipments), and `orders.verify` (limits,
find, constant-time compare, attempt row written), each in its own transaction; p50/p95 over
random order numbers.

Reproduce: .venv/bin/python bench/orders.py [--orders 100000] [--lookups 2000] [--no-postgres]
(PostgreSQL: 127.0.0.1:5432 db `test`, a throwaway database is created and dropped.)
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: put the repo root first.
ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

from bot.conversations import order_csv, orders  # noqa: E402
from bot.storage.db import make_engine, make_sessionmaker  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.tracking.numbers.checksums import s10_check_digit  # noqa: E402


def s10(serial: int, prefix: str = "RR", country: str = "CN") -> str:
    body = f"{serial:08d}"
    return f"{prefix}{body}{s10_check_digit(body)}{country}"


def make_csv(count: int) -> str:
    """`count` orders; every third one split into two shipments."""
    lines = ["order_number,email,tracking_number,carrier,postcode,shipped_at"]
    serial = 10_000_000
    for n in range(count):
        number = 100_000 + n
        email = f"buyer{n}@example.com"
        for _ in range(2 if n % 3 == 0 else 1):
            serial += 1
            lines.append(f"{number},{email},{s10(serial)},China Post,10115,2026-11-20")
    return "\n".join(lines) + "\n"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(url: str, text: str, count: int, lookups: int) -> dict[str, float]:
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    started = time.perf_counter()
    parsed = order_csv.parse(text)
    assert not parsed.problems, parsed.problems[:3]
    parse_s = time.perf_counter() - started
    async with factory() as session, session.begin():
        await orders.replace_orders(parsed.orders, session=session)
    import_s = time.perf_counter() - started
    rng = random.Random(7)
    find_ms: list[float] = []
    verify_ms: list[float] = []
    now = datetime.now(timezone.utc)
    limits = orders.Limits(per_conversation=10**9, per_client=10**9)
    for i in range(lookups):
        n = rng.randrange(count)
        t0 = time.perf_counter()
        async with factory() as session:
            found = await orders.find(str(100_000 + n), session=session)
        find_ms.append((time.perf_counter() - t0) * 1000)
        assert found is not None
        t0 = time.perf_counter()
        async with factory() as session, session.begin():
            verdict = await orders.verify(
                str(100_000 + n),
                f"buyer{n}@example.com",
                conversation_id=f"bench-{i % 50}",
                client="bench",
                session=session,
                now=now,
                limits=limits,
            )
        verify_ms.append((time.perf_counter() - t0) * 1000)
        assert verdict.ok
    await engine.dispose()
    return {
        "parse_s": parse_s,
        "import_s": import_s,
        "find_p50": statistics.median(find_ms),
        "find_p95": pct(find_ms, 0.95),
        "verify_p50": statistics.median(verify_ms),
        "verify_p95": pct(verify_ms, 0.95),
        "shipments": parsed.shipments,
    }


def report(name: str, figures: dict[str, float], count: int) -> None:
    print(
        f"{name:<10} import {count} orders ({int(figures['shipments'])} shipments): "
        f"{figures['import_s']:.1f} s (of which parse+check {figures['parse_s']:.1f} s) | "
        f"find p50 {figures['find_p50']:.2f} ms p95 {figures['find_p95']:.2f} ms | "
        f"verify p50 {figures['verify_p50']:.2f} ms p95 {figures['verify_p95']:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    text = make_csv(args.orders)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        report("SQLite", asyncio.run(run(url, text, args.orders, args.lookups)), args.orders)
    if not args.no_postgres:
        from tests.support.postgres import fresh_database

        with fresh_database() as url:
            figures = asyncio.run(run(url, text, args.orders, args.lookups))
            report("PostgreSQL", figures, args.orders)


if __name__ == "__main__":
    main()
