"""Office hours (`PARCELDESK_OFFICE_HOURS`, e.g. "Mon-Fri 09:00-18:00 Europe/Berlin"): whether
a person can be expected now, and when the next shift starts, said in the buyer's language
(weekday, time and the zone's name from Babel's CLDR data). Empty means always staffed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time, get_timezone_name

from bot import texts

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(
    r"^\s*(?P<d1>[A-Za-z]{3})(?:\s*-\s*(?P<d2>[A-Za-z]{3}))?\s+"
    r"(?P<h1>\d{1,2}):(?P<m1>\d{2})\s*-\s*(?P<h2>\d{1,2}):(?P<m2>\d{2})\s+(?P<tz>\S+)\s*$"
)


@dataclass(frozen=True)
class OfficeHours:
    days: frozenset[int]
    opens: time
    closes: time
    zone: ZoneInfo

    @classmethod
    def parse(cls, spec: str) -> OfficeHours | None:
        """None for an empty spec (always open); ValueError with an example when malformed."""
        if not spec.strip():
            return None
        match = _SPEC.match(spec)
        if not match:
            raise ValueError(
                f"PARCELDESK_OFFICE_HOURS {spec!r} is not like 'Mon-Fri 09:00-18:00 Europe/Berlin'"
            )
        try:
            first = DAYS.index(match["d1"].lower())
            last = DAYS.index((match["d2"] or match["d1"]).lower())
            zone = ZoneInfo(match["tz"])
        except (ValueError, ZoneInfoNotFoundError) as exc:
            raise ValueError(f"PARCELDESK_OFFICE_HOURS {spec!r}: {exc}") from exc
        days = {(first + i) % 7 for i in range((last - first) % 7 + 1)}
        opens = time(int(match["h1"]), int(match["m1"]))
        closes = time(int(match["h2"]), int(match["m2"]))
        if closes <= opens:
            raise ValueError(f"PARCELDESK_OFFICE_HOURS {spec!r}: closing is before opening")
        return cls(frozenset(days), opens, closes, zone)

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.zone)
        return local.weekday() in self.days and self.opens <= local.time() < self.closes

    def next_opening(self, now: datetime) -> datetime:
        """The next moment the office opens (now, if it is open)."""
        if self.is_open(now):
            return now
        local = now.astimezone(self.zone)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            start = datetime.combine(day, self.opens, tzinfo=self.zone)
            if day.weekday() in self.days and start > local:
                return start
        raise AssertionError("office hours with no opening day")  # parse() forbids this

    def describe_next(self, now: datetime, lang: str = texts.DEFAULT_LANG) -> str:
        """When the office opens next, for the buyer's "a person will reply from ...":
        "Monday 09:00 (Central European Standard Time)", "Montag, 09:00 Uhr (...)"."""
        opening = self.next_opening(now)
        locale = texts.cldr_locale(lang)
        return texts.text(
            "handoff.opening",
            lang,
            weekday=format_date(opening, "EEEE", locale=locale),
            time=format_time(opening, "short", locale=locale),
            # The name of the zone at that moment (summer or standard time), not its IANA key.
            zone=get_timezone_name(opening, "long", locale=locale),
        )
