"""The shape of one language's sentence catalogue."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Catalogue:
    """Every user-facing sentence of one language, plus how that language writes dates and ages.

    `messages` maps a dotted key (`reason.customs_clearance.summary`) to a `str.format` template.
    """

    lang: str
    messages: Mapping[str, str]
    months: tuple[str, ...]
    # Renders an elapsed whole number of days ("8 days ago"); languages differ in plurals.
    days_ago: Callable[[int], str]
    # Country code (ISO 3166-1 alpha-2) -> name; unknown codes are shown as the code.
    countries: Mapping[str, str] = field(default_factory=dict)
    # Formats a date; `with_year` is set when the year differs from the current one.
    date_pattern: str = "{day} {month}"
    date_pattern_with_year: str = "{day} {month} {year}"
