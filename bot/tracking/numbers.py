"""Find, normalise and validate parcel tracking numbers in what buyers write.

Pure domain code: no I/O. `find_numbers` scans free text (a chat message) and returns every
tracking number with its courier, format, check-digit verdict and position. `check_number`
reads a text meant to be exactly one number (a form slot) and also reports weak shapes.

How a message is read: a single regular expression finds *segments* (runs of short words
and digit-bearing chunks joined by spaces, dashes or dots). Inside a segment every window of
whole chunks whose joined length fits some format is compared with the format table
(`bot.tracking.formats`); windows are then picked best-first without overlapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from bot.tracking.formats import (
    FORMATS_BY_LENGTH,
    LOOKALIKE_LETTERS,
    MAX_LENGTH,
    MIN_LENGTH,
    Format,
)
from bot.tracking.s10_countries import COUNTRIES, operator_for

__all__ = ["Candidate", "Match", "check_number", "find_numbers", "normalise"]


@dataclass(frozen=True)
class Candidate:
    """One format a number could belong to."""

    courier: str  # e.g. "ups", "s10", "fedex"
    courier_name: str  # human readable, e.g. "UPS", "China Post"
    format: str  # format id (bot.tracking.formats)
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


# --- normalisation -------------------------------------------------------------------------

# Full-width forms (common when typing on Chinese/Japanese keyboards) map one-to-one onto
# ASCII, so spans in the mapped text are spans in the original.
_FULLWIDTH = {0xFF10 + i: 0x30 + i for i in range(10)}
_FULLWIDTH.update({0xFF21 + i: 0x41 + i for i in range(26)})
_FULLWIDTH.update({0xFF41 + i: 0x61 + i for i in range(26)})

_SEPARATORS = " \t\n\r\u00a0\u2007\u202f\u3000-._\u2010\u2011\u2012\u2013\u2014\u2015\uff0d"
_NORMALISE = {ord(c): None for c in _SEPARATORS}
_NORMALISE.update({0x61 + i: 0x41 + i for i in range(26)})
_NORMALISE.update({k: (v if v < 0x61 else v - 32) for k, v in _FULLWIDTH.items()})


def normalise(text: str) -> str:
    """Upper-case ASCII letters, fold full-width letters/digits to ASCII and drop separators
    (spaces, dashes, dots, underscores). Idempotent; other characters are kept."""
    return text.translate(_NORMALISE)


# --- reading one candidate string ----------------------------------------------------------

_LOOKALIKES = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "G": "6", "B": "8"}
)

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

_LOOKALIKE = re.compile(f"[{LOOKALIKE_LETTERS}]")

_CHECKSUM, _PATTERN, _BAD = 2, 1, 0


@dataclass(frozen=True)
class _Reading:
    fmt: Format
    status: int  # _CHECKSUM, _PATTERN or _BAD
    number: str
    corrected_from: str | None = None
    problem: str | None = None


def _repair(number: str, fmt: Format) -> str:
    """Swap look-alike letters for digits, only where the format expects digits."""
    chars = list(number)
    for part in fmt.digit_slices:
        start, stop, _ = part.indices(len(chars))
        chars[start:stop] = "".join(chars[start:stop]).translate(_LOOKALIKES)
    return "".join(chars)


def _degenerate(number: str) -> bool:
    """A digits-only number made of one repeated digit is filler, not a real parcel."""
    return len(set(number)) == 1


def _read(number: str, *, weak_bad: bool) -> list[_Reading]:
    """Every format the normalised string fits, with its check-digit verdict."""
    readings: list[_Reading] = []
    repairable = _LOOKALIKE.search(number) is not None
    for fmt in FORMATS_BY_LENGTH.get(len(number), ()):
        if fmt.regex.fullmatch(number):
            if _degenerate(number):
                continue
            if fmt.id == "s10" and number[11:] not in COUNTRIES:
                readings.append(_Reading(fmt, _BAD, number, problem="unknown_country"))
            elif fmt.check is None:
                readings.append(_Reading(fmt, _PATTERN, number))
            elif fmt.check(number):
                readings.append(_Reading(fmt, _CHECKSUM, number))
            elif fmt.distinctive or weak_bad:
                readings.append(_Reading(fmt, _BAD, number, problem="check_digit"))
        elif (
            repairable
            and fmt.check is not None
            and fmt.digit_slices
            and fmt.loose_regex.fullmatch(number)
        ):
            # A repair must restore the shape and pass the check digit, or it is not made.
            repaired = _repair(number, fmt)
            changes = sum(a != b for a, b in zip(number, repaired, strict=True))
            # Typos are one or two characters; more than that is another kind of code.
            if (
                0 < changes <= (2 if fmt.distinctive else 1)
                and fmt.regex.fullmatch(repaired)
                and fmt.check(repaired)
                and (fmt.id != "s10" or repaired[11:] in COUNTRIES)
            ):
                readings.append(_Reading(fmt, _CHECKSUM, repaired, corrected_from=number))
    if (
        len(readings) > 1
        and any(r.corrected_from for r in readings)
        and any(r.status != _BAD and not r.corrected_from for r in readings)
    ):
        # A number that already fits a format as typed is not a typo of another one.
        readings = [r for r in readings if not r.corrected_from]
    return readings


def _courier_name(fmt: Format, number: str) -> str:
    if fmt.id == "s10":
        return operator_for(number[11:]) or fmt.courier_name
    return fmt.courier_name


def _build(readings: list[_Reading], text: str, span: tuple[int, int]) -> Match:
    """Turn the readings of one string into a Match (ranking the candidates)."""
    best_status = max(r.status for r in readings)
    # Distinctive formats first, then table order (stable sort keeps table order).
    ranked = sorted(readings, key=lambda r: (-r.status, not r.fmt.distinctive))
    top = [r for r in ranked if r.status == best_status]
    if best_status == _CHECKSUM and any(r.fmt.specific for r in top):
        top = [r for r in top if r.fmt.specific]
        ranked = top + [r for r in ranked if r not in top]
    couriers = {r.fmt.courier for r in top}
    if best_status == _CHECKSUM:
        ambiguous = len(couriers) > 1
        # Pattern-only alternatives stay listed; failed checks are not alternatives.
        ranked = [r for r in ranked if r.status != _BAD]
    else:
        ambiguous = len(couriers) > 1 or not any(r.fmt.distinctive for r in top)
    lead = top[0]
    candidates = tuple(
        Candidate(
            courier=r.fmt.courier,
            courier_name=_courier_name(r.fmt, r.number),
            format=r.fmt.id,
            checksum=r.status == _CHECKSUM,
            check_failed=r.status == _BAD,
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
        valid=best_status != _BAD,
        ambiguous=ambiguous,
        candidates=candidates,
        country=country,
        operator=operator,
        service=service,
        corrected_from=lead.corrected_from,
        problem=lead.problem if best_status == _BAD else None,
        checksum=best_status == _CHECKSUM,
    )


# --- scanning free text --------------------------------------------------------------------

_SEP = r"(?:[ \t\u00a0\u202f]{1,3}|[ \t]?[-.\u2010-\u2013][ \t]?)"
_DIGIT_CHUNK = r"[A-Za-z]{0,6}[0-9][A-Za-z0-9]*"
# Short words join a segment ("RR 1234..."); longer letter runs only when they carry a capital
# ("1 ZABCD 12 ..."), since lower-case long runs are ordinary words and would slow the scan.
_WORD_CHUNK = r"(?:[A-Za-z]{1,4}|(?=[a-z]{0,6}[A-Z])[A-Za-z]{5,7})(?![A-Za-z0-9])"
_SEGMENT = re.compile(
    rf"(?<![A-Za-z0-9])(?:{_DIGIT_CHUNK}|{_WORD_CHUNK})(?:{_SEP}(?:{_DIGIT_CHUNK}|{_WORD_CHUNK}))*"
)
_CHUNK = re.compile(r"[A-Za-z0-9]+")
MAX_SCAN = 10_000
_FOUR_DIGITS = re.compile(r"[0-9](?:[^0-9]*[0-9]){3}")
_DIGIT = re.compile(r"[0-9]")

# Things that carry long digit strings but are not parcels. Checked only when a candidate
# is weak (digits only) or sits inside a URL or e-mail address.
_LINK = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_NOISE = re.compile(
    r"(?P<date>\b(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])\b"
    r"|\b(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|1[0-2])[-./](?:19|20)?\d\d\b"
    r"|\b\d{1,2}:\d\d(?::\d\d)?\b)"
    r"|(?P<phone>\+\d[\d \-().]{6,}\d|\(\d{2,5}\)[\d \-.]{5,}\d"
    # Chinese mobile numbers, 1[3-9]x xxxx xxxx, unless more digits continue the run on
    # either side ("13000000000 6", "0 1300000 0000"): then it is a longer number.
    r"|(?<!\d[ \-.])(?<!\d[ \-.]{2})(?<!\d[ \-.]{3})"
    r"\b1[3-9]\d[ -]?\d{4}[ -]?\d{4}\b(?![ \-.]{0,3}\d))"
    r"|(?P<iban>\b[A-Za-z]{2}\d\d(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,4})?\b)",
    re.IGNORECASE,
)
# Words that announce a number which is not a tracking number.
_NOT_TRACKING_CONTEXT = re.compile(
    r"(?:order|phone|tel|call|mobile|whats ?app|fax|iban|account|invoice|sku|ean|upc|"
    r"barcode|model|item|art(?:icle)?|card|amount|total|id|ticket|case)\W{0,3}"
    r"(?:(?:no|nr|number|num|#|id)\W{0,3})?(?:is\W{1,2})?\W*$",
    re.IGNORECASE,
)


def _iban_valid(candidate: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to numbers,
    the whole read as a number must be 1 modulo 97."""
    code = normalise(candidate)
    if not 15 <= len(code) <= 34 or not code.isalnum() or not code.isascii():
        return False
    rearranged = code[4:] + code[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


class _Noise:
    """Spans of URLs, e-mail addresses, IBANs, dates, times and phone numbers in a text,
    computed on first use (most messages never need them)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._hard: list[tuple[int, int]] | None = None
        self._soft: list[tuple[int, int]] | None = None

    def hard(self) -> list[tuple[int, int]]:
        """Spans no tracking number may overlap (links and addresses)."""
        if self._hard is None:
            text = self._text
            if "@" in text or "://" in text or "www." in text.lower():
                self._hard = [m.span() for m in _LINK.finditer(text)]
            else:
                self._hard = []
        return self._hard

    def soft(self) -> list[tuple[int, int]]:
        """Spans a weak (digits-only) reading may not overlap."""
        if self._soft is None:
            self._soft = [
                m.span()
                for m in _NOISE.finditer(self._text)
                if m.lastgroup != "iban" or _iban_valid(m.group())
            ]
        return self._soft


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


@dataclass
class _Chunk:
    start: int
    end: int
    text: str  # upper case
    digits: bool
    lower_word: bool  # a letters-only chunk typed in lower case (likely an ordinary word)


@dataclass(order=True)
class _Proposal:
    key: tuple[int, ...]
    first: int = field(compare=False)
    last: int = field(compare=False)
    aligned: bool = field(compare=False)
    weak: bool = field(compare=False)
    readings: list[_Reading] = field(compare=False)
    span: tuple[int, int] = field(compare=False)


def _chunks(text: str, start: int, end: int) -> list[_Chunk]:
    out = []
    for m in _CHUNK.finditer(text, start, end):
        word = m.group()
        has_digit = not word.isalpha()  # chunks are ASCII letters and digits only
        out.append(
            _Chunk(m.start(), m.end(), word.upper(), has_digit, not has_digit and word.islower())
        )
    return out


def _segment_proposals(
    text: str, chunks: list[_Chunk], noise: _Noise, seen: dict[str, list[_Reading]]
) -> list[_Proposal]:
    """Every window of whole chunks in a segment that reads as a tracking number, ranked."""
    proposals: list[_Proposal] = []
    count = len(chunks)
    for first in range(count):
        joined = ""
        trailing_words = 0
        lower_words = 0
        digit_chunks = 0
        for last in range(first, count):
            chunk = chunks[last]
            joined += chunk.text
            if len(joined) > MAX_LENGTH:
                break
            trailing_words = 0 if chunk.digits else trailing_words + 1
            lower_words += chunk.lower_word
            digit_chunks += chunk.digits
            if not digit_chunks or len(joined) not in FORMATS_BY_LENGTH:
                continue
            readings = seen.get(joined)
            if readings is None:
                readings = seen[joined] = _read(joined, weak_bad=False)
            if digit_chunks < last - first + 1 and any(r.corrected_from for r in readings):
                readings = _drop_word_repairs(readings, chunks[first : last + 1])
            if not chunks[first].digits:
                # "ZIP 94105-1234": free letters only count when attached to the digits.
                readings = [r for r in readings if not r.fmt.attached_letters]
            if not readings:
                continue
            span = (chunks[first].start, chunk.end)
            if noise.hard() and _overlaps(span, noise.hard()):
                continue
            best = max(r.status for r in readings)
            top = [r for r in readings if r.status == best]
            strong = any(r.fmt.distinctive for r in top)
            if lower_words and best != _CHECKSUM:
                continue  # e.g. "in 1234567890": an English word, not a prefix
            if not strong and (_overlaps(span, noise.soft()) or _bad_context(text, span[0])):
                continue
            aligned = (first == 0 or not chunks[first - 1].digits) and (
                last == count - 1 or not chunks[last + 1].digits
            )
            level = {_CHECKSUM: 4 if strong else 2, _PATTERN: 3 if strong else 1, _BAD: 0}[best]
            # "GM2951173225174494 OK": a trailing word is not part of a pattern-only number.
            extra = trailing_words if best != _CHECKSUM else 0
            key = (int(aligned), level, -extra, len(joined))
            proposals.append(_Proposal(key, first, last, aligned, not strong, readings, span))
    return proposals


def _drop_word_repairs(readings: list[_Reading], chunks: list[_Chunk]) -> list[_Reading]:
    """Drop repairs that changed a letters-only chunk: "is 3318810014" is not "153318810014"."""
    word_positions: set[int] = set()
    offset = 0
    for chunk in chunks:
        if not chunk.digits:
            word_positions.update(range(offset, offset + len(chunk.text)))
        offset += len(chunk.text)
    kept = []
    for reading in readings:
        if reading.corrected_from is not None:
            changed = (
                i
                for i, (a, b) in enumerate(zip(reading.corrected_from, reading.number, strict=True))
                if a != b
            )
            if any(i in word_positions for i in changed):
                continue
        kept.append(reading)
    return kept


def _bad_context(text: str, start: int) -> bool:
    """True when the words just before `start` say this is an order, phone, ... number."""
    before = text[max(0, start - 30) : start]
    if before.endswith(("+", "#", "№")):
        return True
    return _NOT_TRACKING_CONTEXT.search(before) is not None


def _first_digit(chunks: list[_Chunk], proposal: _Proposal) -> int:
    """Index of the first digit-bearing chunk inside a proposal's window."""
    return next(i for i in range(proposal.first, proposal.last + 1) if chunks[i].digits)


def _select(text: str, proposals: list[_Proposal], chunks: list[_Chunk]) -> list[Match]:
    """Best proposals first, no two sharing a chunk; weak readings that cut a run of digit
    chunks survive only when the picked numbers cover that whole run."""
    taken: set[int] = set()
    picked: list[_Proposal] = []
    for proposal in sorted(proposals, reverse=True):
        indices = range(proposal.first, proposal.last + 1)
        if any(i in taken for i in indices):
            continue
        taken.update(indices)
        picked.append(proposal)
    # Runs of consecutive digit-bearing chunks, and whether every chunk of a run is taken.
    run_of: list[int] = []
    run_covered: list[bool] = []
    for index, chunk in enumerate(chunks):
        if not chunk.digits:
            run_of.append(-1)
            continue
        if index == 0 or not chunks[index - 1].digits:
            run_covered.append(True)
        run_of.append(len(run_covered) - 1)
        if index not in taken:
            run_covered[-1] = False
    kept = [
        p for p in picked if p.aligned or not p.weak or run_covered[run_of[_first_digit(chunks, p)]]
    ]
    return [_build(p.readings, text, p.span) for p in kept]


def find_numbers(text: str) -> list[Match]:
    """Every tracking number in free text, in order of appearance.

    Numbers may be split by spaces, dashes or dots, typed in lower case, surrounded by
    punctuation or words. A number whose shape fits a distinctive format but whose check
    digit fails is returned with `valid=False`. Digits-only numbers are returned only when
    a check digit confirms them, or as `ambiguous` when a pattern-only format fits.
    Only the first MAX_SCAN (10,000) characters are scanned.
    """
    source = text
    # Chat messages are short (Telegram caps them at 4096); the cap bounds the work an
    # adversarial message can cause.
    text = text[:MAX_SCAN]
    if not text.isascii():
        text = text.translate(_FULLWIDTH)
    if not _DIGIT.search(text):
        return []
    noise = _Noise(text)
    seen: dict[str, list[_Reading]] = {}  # repeated windows ("1 1 1 1 ...") are read once
    found: list[Match] = []
    for segment in _SEGMENT.finditer(text):
        start, end = segment.span()
        if end - start < MIN_LENGTH or not _FOUR_DIGITS.search(text, start, end):
            continue
        chunks = _chunks(text, start, end)
        proposals = _segment_proposals(text, chunks, noise, seen)
        if proposals:
            found.extend(_select(text, proposals, chunks))
    found.sort(key=lambda m: m.span)
    if source != text:
        found = [replace(m, raw=source[m.span[0] : m.span[1]]) for m in found]
    return found


_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_LEADING = re.compile(r"[\W_]*")


def check_number(text: str) -> Match | None:
    """Best reading of a text meant to be ONE tracking number (e.g. a form slot value).

    Unlike `find_numbers`, a digits-only number with a failed check digit is still returned
    (valid=False, ambiguous, with its candidate couriers). Returns None when the text holds
    nothing shaped like a tracking number.
    """
    mapped = text.translate(_FULLWIDTH) if not text.isascii() else text
    stripped = _EDGE.sub("", mapped)
    number = normalise(stripped)
    if number.isascii() and number.isalnum() and MIN_LENGTH <= len(number) <= MAX_LENGTH:
        readings = _read(number, weak_bad=True)
        if readings:
            start = _LEADING.match(mapped).end()  # type: ignore[union-attr]
            return _build(readings, text, (start, start + len(stripped)))
    matches = find_numbers(text)
    if not matches:
        return None
    return next((m for m in matches if m.valid), matches[0])
