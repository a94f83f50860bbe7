"""Find the windows of a chat message that read as tracking numbers.

Pure domain code: no I/O. A single regular expression finds *segments* (runs of short words
and digit-bearing chunks joined by spaces, dashes or dots). Inside a segment every window of
whole chunks whose joined length fits some format is read (`bot.tracking.numbers.read`); windows
are then picked best-first without overlapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.tracking.numbers.formats import FORMATS_BY_LENGTH, MAX_LENGTH, MIN_LENGTH
from bot.tracking.numbers.noise import Noise, bad_context, overlaps
from bot.tracking.numbers.read import BAD, CHECKSUM, PATTERN, Reading, read

_SEP = r"(?:[ \t\u00a0\u202f]{1,3}|[ \t]?[-.\u2010-\u2013][ \t]?)"
_DIGIT_CHUNK = r"[A-Za-z]{0,6}[0-9][A-Za-z0-9]*"
# Short words join a segment ("RR 1234..."); longer letter runs only when they carry a capital
# ("1 ZABCD 12 ..."), since lower-case long runs are ordinary words and would slow the scan.
_WORD_CHUNK = r"(?:[A-Za-z]{1,4}|(?=[a-z]{0,6}[A-Z])[A-Za-z]{5,7})(?![A-Za-z0-9])"
_SEGMENT = re.compile(
    rf"(?<![A-Za-z0-9])(?:{_DIGIT_CHUNK}|{_WORD_CHUNK})(?:{_SEP}(?:{_DIGIT_CHUNK}|{_WORD_CHUNK}))*"
)
_CHUNK = re.compile(r"[A-Za-z0-9]+")
_FOUR_DIGITS = re.compile(r"[0-9](?:[^0-9]*[0-9]){3}")
_DIGIT = re.compile(r"[0-9]")


@dataclass
class _Chunk:
    start: int
    end: int
    text: str  # upper case
    digits: bool
    lower_word: bool  # a letters-only chunk typed in lower case (likely an ordinary word)


@dataclass(order=True)
class Proposal:
    """A window of chunks that reads as a tracking number, ordered by `key` (best last)."""

    key: tuple[int, ...]
    first: int = field(compare=False)
    last: int = field(compare=False)
    aligned: bool = field(compare=False)
    weak: bool = field(compare=False)
    readings: list[Reading] = field(compare=False)
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
    text: str, chunks: list[_Chunk], noise: Noise, seen: dict[str, list[Reading]]
) -> list[Proposal]:
    """Every window of whole chunks in a segment that reads as a tracking number, ranked."""
    proposals: list[Proposal] = []
    count = len(chunks)
    # Chunks that are a checksum-confirmed number of a distinctive format on their own
    # ("LX300000009CN"): gluing a following count onto them ("... 3 weeks ago") must not win.
    whole = [c.digits and _confirmed_alone(c.text, seen) for c in chunks]
    for first in range(count):
        joined = ""
        trailing_words = 0
        lower_words = 0
        digit_chunks = 0
        single_digits = 0
        longest = 0
        confirmed = False  # a shorter window from `first` was already a confirmed number
        for last in range(first, count):
            chunk = chunks[last]
            joined += chunk.text
            if len(joined) > MAX_LENGTH:
                break
            trailing_words = 0 if chunk.digits else trailing_words + 1
            lower_words += chunk.lower_word
            digit_chunks += chunk.digits
            single_digits += chunk.digits and len(chunk.text) == 1
            longest = max(longest, len(chunk.text))
            if not digit_chunks or len(joined) not in FORMATS_BY_LENGTH:
                continue
            # A run of short digit tokens (counts, list items: "1 2 3 ... 10 11 12 13") is
            # joined only as a whole and only when a check digit confirms it: a window cut
            # out of a longer run, or a pattern-only reading of one, is a coincidence.
            short_run = joined.isdigit() and (
                single_digits >= 3 or (last > first + 3 and longest <= 2)
            )
            if short_run and (_short(chunks, first - 1) or _short(chunks, last + 1)):
                continue
            readings = seen.get(joined)
            if readings is None:
                readings = seen[joined] = read(joined, weak_bad=False)
            if short_run or confirmed or (last > first and any(whole[first : last + 1])):
                readings = [r for r in readings if r.status == CHECKSUM]
                if not readings:
                    continue
            confirmed = confirmed or any(
                r.status == CHECKSUM and r.fmt.distinctive and not r.corrected_from
                for r in readings
            )
            if digit_chunks < last - first + 1 and any(r.corrected_from for r in readings):
                readings = _drop_word_repairs(readings, chunks[first : last + 1])
            if not chunks[first].digits:
                # "ZIP 94105-1234": free letters only count when attached to the digits.
                readings = [r for r in readings if not r.fmt.attached_letters]
            if not readings:
                continue
            span = (chunks[first].start, chunk.end)
            if noise.hard() and overlaps(span, noise.hard()):
                continue
            best = max(r.status for r in readings)
            top = [r for r in readings if r.status == best]
            strong = any(r.fmt.distinctive for r in top)
            if lower_words and best != CHECKSUM:
                continue  # e.g. "in 1234567890": an English word, not a prefix
            if not strong and (overlaps(span, noise.soft()) or bad_context(text, span[0])):
                continue
            if best != CHECKSUM and overlaps(span, noise.intl_phones()):
                continue
            aligned = (first == 0 or not chunks[first - 1].digits) and (
                last == count - 1 or not chunks[last + 1].digits
            )
            level = {CHECKSUM: 4 if strong else 2, PATTERN: 3 if strong else 1, BAD: 0}[best]
            # "GM2951173225174494 OK": a trailing word is not part of a pattern-only number.
            extra = trailing_words if best != CHECKSUM else 0
            key = (int(aligned), level, -extra, len(joined))
            proposals.append(Proposal(key, first, last, aligned, not strong, readings, span))
    return proposals


def _short(chunks: list[_Chunk], index: int) -> bool:
    """Whether chunks[index] exists and is a digits-only token of one or two characters."""
    return (
        0 <= index < len(chunks) and len(chunks[index].text) <= 2 and chunks[index].text.isdigit()
    )


def _confirmed_alone(text: str, seen: dict[str, list[Reading]]) -> bool:
    """Whether one chunk alone reads as a checksum-confirmed distinctive number."""
    if len(text) not in FORMATS_BY_LENGTH:
        return False
    readings = seen.get(text)
    if readings is None:
        readings = seen[text] = read(text, weak_bad=False)
    return any(
        r.status == CHECKSUM and r.fmt.distinctive and not r.corrected_from for r in readings
    )


def _drop_word_repairs(readings: list[Reading], chunks: list[_Chunk]) -> list[Reading]:
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


def _first_digit(chunks: list[_Chunk], proposal: Proposal) -> int:
    """Index of the first digit-bearing chunk inside a proposal's window."""
    return next(i for i in range(proposal.first, proposal.last + 1) if chunks[i].digits)


def _select(proposals: list[Proposal], chunks: list[_Chunk]) -> list[Proposal]:
    """Best proposals first, no two sharing a chunk; weak readings that cut a run of digit
    chunks survive only when the picked numbers cover that whole run."""
    taken: set[int] = set()
    picked: list[Proposal] = []
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
    return [
        p for p in picked if p.aligned or not p.weak or run_covered[run_of[_first_digit(chunks, p)]]
    ]


def scan(text: str) -> list[Proposal]:
    """The windows of `text` picked as tracking numbers, segment by segment.

    `text` is already capped and folded to ASCII digits/letters by the caller; spans index it.
    """
    if not _DIGIT.search(text):
        return []
    noise = Noise(text)
    seen: dict[str, list[Reading]] = {}  # repeated windows ("1 1 1 1 ...") are read once
    picked: list[Proposal] = []
    for segment in _SEGMENT.finditer(text):
        start, end = segment.span()
        if end - start < MIN_LENGTH or not _FOUR_DIGITS.search(text, start, end):
            continue
        chunks = _chunks(text, start, end)
        proposals = _segment_proposals(text, chunks, noise, seen)
        if proposals:
            picked.extend(_select(proposals, chunks))
    return picked
