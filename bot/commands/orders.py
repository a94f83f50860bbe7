"""`parceldesk orders import FILE.csv | sync shopify|woocommerce`: load a shop's orders so buyers
can ask by order number (docs/orders.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from bot.config import Settings
from bot.conversations import order_csv, orders


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    load = sub.add_parser(
        "import",
        help="import orders from CSV (order_number,email,tracking_number"
        "[,carrier,postcode,shipped_at,customer_id]); all rows or none",
    )
    load.add_argument("file", type=Path)
    sync = sub.add_parser("sync", help="fetch recent orders from a shop platform")
    sync.add_argument("platform", choices=("shopify", "woocommerce"))
    sync.add_argument("--days", type=int, default=None, help="default: PARCELDESK_ORDER_SYNC_DAYS")


async def _store(settings: Settings, loaded: list[orders.OrderIn]) -> int:
    from bot.storage.db import make_engine, make_sessionmaker
    from bot.storage.migrate import upgrade

    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            return await orders.replace_orders(loaded, session=session)
    finally:
        await engine.dispose()


def import_csv(settings: Settings, path: Path) -> tuple[int, str]:
    """(exit code, report) for one CSV file: everything imported, or nothing and why."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return 2, f"cannot read {path}: {exc}"
    parsed = order_csv.parse(text)
    if parsed.problems:
        lines = [
            f"refused {path.name}: {len(parsed.problems)} problem(s) in {parsed.rows} row(s); "
            "nothing was imported"
        ]
        lines += [f"  {p}" for p in parsed.problems]
        return 1, "\n".join(lines)
    started = time.perf_counter()
    stored = asyncio.run(_store(settings, parsed.orders))
    return 0, (
        f"imported {stored} order(s) with {parsed.shipments} shipment(s) from {parsed.rows} "
        f"row(s) of {path.name} in {time.perf_counter() - started:.1f} s"
    )


async def _sync(settings: Settings, platform: str, days: int) -> str:
    import httpx

    from bot.shops.base import ShopError
    from bot.shops.shopify import ShopifyClient
    from bot.shops.woocommerce import WooCommerceClient

    async with httpx.AsyncClient(timeout=30.0) as client:
        try:
            source: ShopifyClient | WooCommerceClient
            if platform == "shopify":
                source = ShopifyClient(
                    client,
                    store_url=settings.shopify_store_url,
                    access_token=settings.shopify_access_token,
                    api_version=settings.shopify_api_version,
                )
            else:
                source = WooCommerceClient(
                    client,
                    url=settings.woocommerce_url,
                    consumer_key=settings.woocommerce_consumer_key,
                    consumer_secret=settings.woocommerce_consumer_secret,
                )
            loaded = await source.recent_orders(days=days)
        except ShopError as exc:
            raise SystemExit(f"{platform} sync failed: {exc}") from None
    stored = await _store(settings, loaded)
    shipments = sum(len(o.shipments) for o in loaded)
    return f"synced {stored} order(s) with {shipments} shipment(s) from {platform} ({days} days)"


def main(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.action == "import":
        code, report = import_csv(settings, args.file)
        print(report, file=sys.stdout if code == 0 else sys.stderr)
        return code
    if args.action == "sync":
        days = args.days if args.days is not None else settings.order_sync_days
        print(asyncio.run(_sync(settings, args.platform, days)))
        return 0
    print("usage: parceldesk orders import FILE.csv | parceldesk orders sync shopify|woocommerce")
    return 2
