"""The parcel panel: every number in the conversation with its merged timeline (the source of
each scan), the bot's diagnosis and what the bot already told the buyer; and the canned
replies, filled with this parcel's facts from the same sentence catalogue the bot uses."""

from __future__ import annotations

import logging
import string
from datetime import datetime, timezone
from typing import Any

from bot import texts
from bot.carriers.registry import is_demo
from bot.carriers.service import TrackingService, build_tracking_service
from bot.tracking.explain import Diagnosis, diagnose, reason_title
from bot.tracking.numbers import check_number

log = logging.getLogger(__name__)

CANNED_PREFIX = "canned."
# Canned replies that only make sense for one diagnosis.
ONLY_FOR_REASON = {"canned.customs": ("customs_clearance", "customs_action_required")}


def tracking_service(services: Any) -> TrackingService:
    """One per process, sharing the gateway's HTTP client and database cache."""
    extras = services.extras
    if "console_tracking" not in extras:
        extras["console_tracking"] = build_tracking_service(
            services.settings, client=services.http, sessionmaker=services.sessionmaker
        )
    return extras["console_tracking"]


async def parcel(
    services: Any, number: str, *, lang: str = "en", refresh: bool = False
) -> dict[str, Any]:
    """One number's panel data. A provider failure is shown, not raised."""
    now = datetime.now(timezone.utc)
    try:
        shipment = await tracking_service(services).track(number, refresh=refresh)
    except Exception as exc:  # shown to the agent; the rest of the panel still works
        log.warning("console could not track %s: %s", number, exc)
        return {"number": number, "error": f"could not ask the carriers: {type(exc).__name__}"}
    diagnosis = diagnose(
        shipment,
        now,
        number_check=check_number(number),
        thresholds=services.settings.thresholds,
        lang=lang,
    )
    return {
        "number": shipment.number,
        "status": shipment.status.value,
        "status_label": texts.text(f"status.{shipment.status.value}", lang),
        "sub_status": shipment.sub_status.value,
        "carrier": shipment.carrier or shipment.courier,
        "origin_country": shipment.origin_country,
        "destination_country": shipment.destination_country,
        "fetched_at": shipment.fetched_at.isoformat(),
        "partial": shipment.partial,
        "stale_seconds": shipment.stale_seconds,
        "sources": [s.to_dict() for s in shipment.sources],
        # Invented by the built-in demo carrier: the panel marks it so nobody takes it as real.
        "demo": is_demo(shipment),
        "events": [e.to_dict() for e in shipment.sorted_events()],
        "diagnosis": _diagnosis(diagnosis, lang),
    }


def _diagnosis(diagnosis: Diagnosis, lang: str) -> dict[str, Any]:
    data = diagnosis.to_dict()
    data["title"] = reason_title(diagnosis.reason, lang)
    data["evidence"] = {str(k): _plain(v) for k, v in (diagnosis.evidence or {}).items()}
    return data


def _plain(value: Any) -> Any:
    """Evidence values as JSON-safe plain data."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def canned_replies(
    agent_name: str, parcels: list[dict[str, Any]], *, lang: str = "en"
) -> list[dict[str, str]]:
    """Every `canned.*` sentence whose blanks this conversation can fill, for the parcel
    mentioned last (the one the buyer is most likely asking about)."""
    known = [p for p in parcels if "diagnosis" in p]
    facts: dict[str, str] = {"agent": agent_name}
    reason = None
    if known:
        latest = known[-1]
        diagnosis = latest["diagnosis"]
        reason = diagnosis.get("reason")
        facts.update(
            number=latest["number"],
            summary=diagnosis.get("summary") or "",
            next_step=diagnosis.get("next_step") or "",
        )
        if diagnosis.get("check_again_after"):
            day = datetime.fromisoformat(diagnosis["check_again_after"]).date()
            facts["date"] = texts.format_date(day, lang)
    english = texts.catalogue("en").messages
    replies = []
    for key in sorted(english, key=_canned_order):
        if not key.startswith(CANNED_PREFIX):
            continue
        if key in ONLY_FOR_REASON and reason not in ONLY_FOR_REASON[key]:
            continue
        template = texts.catalogue(lang).messages.get(key, english[key])
        needed = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        if not needed <= set(facts) or any(not facts[n] for n in needed):
            continue
        replies.append(
            {
                "key": key,
                "label": key[len(CANNED_PREFIX) :].replace("_", " ").capitalize(),
                "text": texts.text(key, lang, **{n: facts[n] for n in needed}),
            }
        )
    return replies


_ORDER = ("greeting", "status", "customs", "next_step", "check_again", "closing")


def _canned_order(key: str) -> tuple[int, str]:
    name = key[len(CANNED_PREFIX) :] if key.startswith(CANNED_PREFIX) else key
    return (_ORDER.index(name) if name in _ORDER else len(_ORDER), key)
