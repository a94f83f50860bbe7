"""Find, normalise and validate parcel tracking numbers in what buyers write.

Pure domain code: no I/O. `find_numbers` scans free text (a chat message) and returns every
tracking number with its courier, format, check-digit verdict and position. `check_number`
reads a text meant to be exactly one number (a form slot) and also reports weak shapes.

Reading one string against the format table lives in `read`; finding the windows of a message
worth reading in `scan` (with `noise` ruling out dates, phones, links and the like). This module
turns readings into verdicts; the package re-exports its public names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from bot.tracking.numbers.formats import MAX_LENGTH, MIN_LENGTH, Format
from bot.tracking.numbers.read import (
    BAD,
    CHECKSUM,
    FULLWIDTH,
    Reading,
    latin_lookalikes,
    normalise,
    read,
)
from bot.tracking.numbers.s10_countries import COUNTRIES, operator_for
from bot.tracking.numbers.scan import scan

__all__ = ["Candidate", "Match", "check_number", "find_numbers", "normalise"]


@dataclass(frozen=True)
class Candidate:
    """One format a number could belong to."""

    courier: str  # e.g. "ups", "s10", "fedex"
    courier_name: str  # human readable, e.g. "UPS", "China Post"
    format: str  # format id (bot.tracking.numbers.formats)
    checksum: bool  # True when a check digit confirmed it
    check_failed: bool = False  # True when the shape fits but the check digit does not

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "courier": self.courier,
            "courier_name": self.courier_name,
            "format": self.format,
            "checksum": self.checksum,
            "check_failed": self.check_failed,
        }


@dataclass(frozen=True)
class Match:
    """A tracking number found in a text, with the verdict on it."""

    number: str  # normalised
    raw: str  # text as typed (text[span[0]:span[1]])
    span: tuple[int, int]
    courier: str | None  # best candidate's courier; None when ambiguous
    courier_name: str | None
    format: str | None
    valid: bool
    ambiguous: bool = False
    candidates: tuple[Candidate, ...] = ()
    country: str | None = None  # S10 only, ISO 3166 alpha-2
    operator: str | None = None  # S10 issuing postal operator, e.g. "China Post"
    service: str | None = None  # S10 service, e.g. "registered", "EMS", "parcel"
    corrected_from: str | None = None  # normalised number as typed, before a look-alike repair
    # Why an invalid number was rejected: "check_digit" or "unknown_country" (S10).
    problem: str | None = None
    checksum: bool = False  # True when a check digit confirmed the best reading

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (span as [start, end])."""
        return {
            "number": self.number,
            "raw": self.raw,
            "span": [self.span[0], self.span[1]],
            "courier": self.courier,
            "courier_name": self.courier_name,
            "format": self.format,
            "valid": self.valid,
            "checksum": self.checksum,
            "ambiguous": self.ambiguous,
            "candidates": [c.to_dict() for c in self.candidates],
            "country": self.country,
            "operator": self.operator,
            "service": self.service,
            "corrected_from": self.corrected_from,
            "problem": self.problem,
        }


# --- verdicts -----------------------------------------------------------------------------

_S10_SERVICES = {
    "E": "EMS",
    "R": "registered",
    "C": "parcel",
    "H": "e-commerce parcel",
    "L": "tracked letter",
    "V": "insured",
    "U": "letter post",
    "M": "M-bag",
    "Q": "business reply",
}


def _courier_name(fmt: Format, number: str) -> str:
    if fmt.id == "s10":
        return operator_for(number[11:]) or fmt.courier_name
    return fmt.courier_name


def _build(readings: list[Reading], text: str, span: tuple[int, int]) -> Match:
    """Turn the readings of one string into a Match (ranking the candidates)."""
    best_status = max(r.status for r in readings)
    # Distinctive formats first, then table order (stable sort keeps table order).
    ranked = sorted(readings, key=lambda r: (-r.status, not r.fmt.distinctive))
    top = [r for r in ranked if r.status == best_status]
    if best_status == CHECKSUM and any(r.fmt.specific for r in top):
        top = [r for r in top if r.fmt.specific]
        ranked = top + [r for r in ranked if r not in top]
    couriers = {r.fmt.courier for r in top}
    if best_status == CHECKSUM:
        ambiguous = len(couriers) > 1
        # Pattern-only alternatives stay listed; failed checks are not alternatives.
        ranked = [r for r in ranked if r.status != BAD]
    else:
        ambiguous = len(couriers) > 1 or not any(r.fmt.distinctive for r in top)
    lead = top[0]
    candidates = tuple(
        Candidate(
            courier=r.fmt.courier,
            courier_name=_courier_name(r.fmt, r.number),
            format=r.fmt.id,
            checksum=r.status == CHECKSUM,
            check_failed=r.status == BAD,
        )
        for r in ranked
    )
    country = operator = service = None
    if lead.fmt.id == "s10":
        country = lead.number[11:] if lead.number[11:] in COUNTRIES else None
        operator = operator_for(lead.number[11:])
        service = _S10_SERVICES.get(lead.number[0], "domestic or bilateral")
    return Match(
        number=lead.number,
        raw=text[span[0] : span[1]],
        span=span,
        courier=None if ambiguous else lead.fmt.courier,
        courier_name=None if ambiguous else _courier_name(lead.fmt, lead.number),
        format=None if ambiguous else lead.fmt.id,
        valid=best_status != BAD,
        ambiguous=ambiguous,
        candidates=candidates,
        country=country,
        operator=operator,
        service=service,
        corrected_from=lead.corrected_from,
        problem=lead.problem if best_status == BAD else None,
        checksum=best_status == CHECKSUM,
    )


# --- entry points ------------------------------------------------------------------------

MAX_SCAN = 10_000


def find_numbers(text: str) -> list[Match]:
    """Every tracking number in free text, in order of appearance.

    Numbers may be split by spaces, dashes or dots, typed in lower case, surrounded by
    punctuation or words, or typed with Cyrillic letters that look exactly like the Latin
    ones ("СР116372651IT"; `number` is then Latin, `raw` as typed). A number whose shape
    fits a distinctive format but whose check digit fails is returned with `valid=False`.
    Digits-only numbers are returned only when a check digit confirms them, or as
    `ambiguous` when a pattern-only format fits.
    Only the first MAX_SCAN (10,000) characters are scanned.
    """
    source = text
    # Chat messages are short (Telegram caps them at 4096); the cap bounds the work an
    # adversarial message can cause.
    text = text[:MAX_SCAN]
    positions: list[int] | None = None
    if not text.isascii():
        text = text.translate(FULLWIDTH)
        if _INVISIBLE.search(text):
            text, positions = _visible(text)
        # "СР116372651IT" typed with Cyrillic С and Р: one character for one, spans unchanged.
        text = latin_lookalikes(text)
    found = [_build(p.readings, text, p.span) for p in scan(text)]
    found.sort(key=lambda m: m.span)
    if positions is not None:
        found = [
            replace(m, span=(positions[m.span[0]], positions[m.span[1] - 1] + 1)) for m in found
        ]
    if source != text:
        found = [replace(m, raw=source[m.span[0] : m.span[1]]) for m in found]
    return found


# Zero-width and other invisible characters that copy-paste leaves inside numbers (zero-width
# space/joiners, word joiner, soft hyphen, byte-order mark, direction marks and isolates).
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _visible(text: str) -> tuple[str, list[int]]:
    """`text` without invisible characters, and for each kept character its index in `text`."""
    kept = [(i, ch) for i, ch in enumerate(text) if not _INVISIBLE.match(ch)]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_LEADING = re.compile(r"[\W_]*")


def check_number(text: str) -> Match | None:
    """Best reading of a text meant to be ONE tracking number (e.g. a form slot value).

    Unlike `find_numbers`, a digits-only number with a failed check digit is still returned
    (valid=False, ambiguous, with its candidate couriers). Returns None when the text holds
    nothing shaped like a tracking number.
    """
    mapped = latin_lookalikes(text.translate(FULLWIDTH)) if not text.isascii() else text
    stripped = _EDGE.sub("", mapped)
    number = normalise(stripped)
    if number.isascii() and number.isalnum() and MIN_LENGTH <= len(number) <= MAX_LENGTH:
        readings = read(number, weak_bad=True)
        if readings:
            leading = _LEADING.match(mapped)  # always matches ("*"), possibly empty
            start = leading.end() if leading else 0
            return _build(readings, text, (start, start + len(stripped)))
    matches = find_numbers(text)
    if not matches:
        return None
    return next((m for m in matches if m.valid), matches[0])
