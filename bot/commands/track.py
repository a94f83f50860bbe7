"""`parceldesk track [--json] [--force] [--lang xx] NUMBER`: ask the enabled providers and print
the merged shipment and its diagnosis. A string the number checker rejects is refused (exit 2)
with the checker's verdict, unless --force asks the providers anyway.

The text output's labels are catalogue sentences (`cli.*`) in the `--lang` language and its
dates come from Babel (`bot.texts.format_date`); status codes, provider names and the carriers'
scan texts are printed as they are."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date, datetime, timezone
from typing import Any

import httpx
from babel.dates import format_time

from bot import texts
from bot.carriers.service import build_tracking_service
from bot.commands.numbers import verdict
from bot.config import Settings
from bot.tracking.explain import Diagnosis, diagnose, reason_title
from bot.tracking.model import Shipment
from bot.tracking.numbers import check_number
from bot.tracking.thresholds import Thresholds


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("number", help="the tracking number")
    parser.add_argument(
        "--force",
        action="store_true",
        help="ask the providers even when the number checker rejects the number",
    )
    parser.add_argument("--json", action="store_true", help="print the shipment as JSON")
    parser.add_argument("--courier", help="courier hint, e.g. dhl, ups, china_post")
    parser.add_argument(
        "--lang", default="en", help="language of the text output and diagnosis (default: en)"
    )
    parser.add_argument(
        "--refresh", action="store_true", help="ask the providers even if the cache is fresh"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="do not read or write the database cache"
    )


def to_json(
    shipment: Shipment, now: datetime, thresholds: Thresholds, lang: str = "en"
) -> dict[str, Any]:
    """The shipment as JSON-ready data (ISO 8601 times), plus its `diagnosis` as of `now`."""
    data = shipment.to_dict()
    check = check_number(shipment.number)
    diagnosis = diagnose(shipment, now, number_check=check, thresholds=thresholds, lang=lang)
    data["diagnosis"] = diagnosis.to_dict()
    return data


def scan_time(time: datetime, lang: str = "en", *, today: date | None = None) -> str:
    """When a scan happened: its date from Babel (with the year when it is not this year's) and
    its time of day in the place's own offset, joined the locale's way ("5. Mai 2024, 22:10")."""
    locale = texts.cldr_locale(lang)
    day = texts.format_date(time.date(), lang, today=today)
    clock = format_time(time, "short", locale=locale)
    return str(locale.datetime_formats["medium"]).format(clock, day)


def to_text(shipment: Shipment, lang: str = "en") -> str:
    """A readable summary: status, route, what each provider said, then the events."""
    status = texts.text(f"status.{shipment.status.value}", lang)
    if shipment.sub_status.value != "other":
        status += f" ({shipment.sub_status.value.replace('_', ' ')})"
    lines = [f"{shipment.number}: {status}"]
    who = shipment.carrier or shipment.courier
    route = " -> ".join(c or "?" for c in (shipment.origin_country, shipment.destination_country))
    if who or route != "? -> ?":
        lines.append(f"  {who or texts.text('cli.carrier_unknown', lang)}, {route}")
    if shipment.stale_seconds is not None:
        minutes = round(shipment.stale_seconds / 60)
        lines.append(f"  {texts.text('cli.stale', lang, minutes=minutes)}")
    elif shipment.partial:
        lines.append(f"  {texts.text('cli.partial', lang)}")
    for source in shipment.sources:
        said = (
            source.status.value
            if source.ok and source.status
            else texts.text("cli.source_failed", lang, error=source.error)
        )
        lines.append(f"  [{source.provider}] {said}")
    today = shipment.fetched_at.date()
    for event in shipment.sorted_events():
        place = ", ".join(p for p in (event.location, event.country) if p)
        lines.append(
            f"  {scan_time(event.time, lang, today=today)}  {event.description}"
            + (f"  ({place})" if place else "")
            + (f"  <{event.provider}>" if event.provider else "")
        )
    if not shipment.events:
        lines.append(f"  {texts.text('cli.no_scans', lang)}")
    return "\n".join(lines)


async def _track(settings: Settings, args: argparse.Namespace) -> Shipment:
    sessionmaker = None
    engine = None
    if not args.no_cache:
        from bot.storage.db import make_engine, make_sessionmaker
        from bot.storage.migrate import upgrade

        await asyncio.to_thread(upgrade, settings.database_url)
        engine = make_engine(settings.database_url)
        sessionmaker = make_sessionmaker(engine)
    try:
        async with httpx.AsyncClient(timeout=settings.provider_timeout) as client:
            service = build_tracking_service(settings, client=client, sessionmaker=sessionmaker)
            return await service.track(args.number, courier=args.courier, refresh=args.refresh)
    finally:
        if engine is not None:
            await engine.dispose()


def refusal(number: str) -> str | None:
    """Why `number` is not worth asking about (the checker's verdict), or None if it is."""
    check = check_number(number)
    if check is not None and check.valid:
        return None
    why = verdict(check) if check is not None else "no tracking number format matches it"
    return (
        f"parceldesk track: {number.strip()!r} is not a tracking number ({why}); "
        "use --force to ask the providers anyway"
    )


def diagnosis_text(diagnosis: Diagnosis, lang: str = "en", *, today: date | None = None) -> str:
    """The diagnosis under the shipment: reason, what is happening, what to do."""
    title = reason_title(diagnosis.reason, lang)
    lines = [
        texts.text("cli.diagnosis", lang, reason=diagnosis.reason, title=title),
        f"  {diagnosis.summary}",
        f"  {texts.text('cli.next_step', lang, step=diagnosis.next_step)}",
    ]
    if diagnosis.check_again_after:
        check = texts.format_date(diagnosis.check_again_after, lang, today=today)
        lines.append(f"  {texts.text('cli.check_again', lang, date=check)}")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """Print the merged shipment and its diagnosis; exit 1 when no provider knows the number,
    2 when the number checker rejects it (unless --force)."""
    refused = None if args.force else refusal(args.number)
    if refused:
        print(refused, file=sys.stderr)
        return 2
    settings = Settings.from_env()
    shipment = asyncio.run(_track(settings, args))
    now = datetime.now(timezone.utc)
    if args.json:
        print(
            json.dumps(
                to_json(shipment, now, settings.thresholds, args.lang), ensure_ascii=False, indent=2
            )
        )
    else:
        print(to_text(shipment, args.lang))
        check = check_number(shipment.number)
        diagnosis = diagnose(
            shipment, now, number_check=check, thresholds=settings.thresholds, lang=args.lang
        )
        print(diagnosis_text(diagnosis, args.lang, today=now.date()))
    return 1 if shipment.status.value == "not_found" and not shipment.events else 0
