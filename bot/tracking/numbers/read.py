"""Read one normalised string as tracking numbers: which formats it fits, with check digits.

Pure domain code: no I/O. `normalise` folds what buyers type onto the form the format table
(`bot.tracking.numbers.formats`) describes; `read` compares one such string with every format of its
length, repairing look-alike letters where a check digit confirms the repair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.tracking.numbers.formats import FORMATS_BY_LENGTH, LOOKALIKE_LETTERS, Format
from bot.tracking.numbers.s10_countries import COUNTRIES

# --- normalisation -------------------------------------------------------------------------

# Full-width forms (common when typing on Chinese/Japanese keyboards) map one-to-one onto
# ASCII, so spans in the mapped text are spans in the original.
FULLWIDTH = {0xFF10 + i: 0x30 + i for i in range(10)}
FULLWIDTH.update({0xFF21 + i: 0x41 + i for i in range(26)})
FULLWIDTH.update({0xFF41 + i: 0x61 + i for i in range(26)})

_SEPARATORS = " \t\n\r\u00a0\u2007\u202f\u3000-._\u2010\u2011\u2012\u2013\u2014\u2015\uff0d"
_NORMALISE: dict[int, int | None] = {ord(c): None for c in _SEPARATORS}
# Invisible characters copy-paste leaves inside numbers (zero-width, soft hyphen, BOM).
_NORMALISE.update(
    {
        c: None
        for c in (
            0xAD,
            0x180E,
            0xFEFF,
            *range(0x200B, 0x2010),
            *range(0x202A, 0x202F),
            *range(0x2060, 0x2065),
            *range(0x2066, 0x206A),
        )
    }
)
_NORMALISE.update({0x61 + i: 0x41 + i for i in range(26)})
_NORMALISE.update({k: (v if v < 0x61 else v - 32) for k, v in FULLWIDTH.items()})


def normalise(text: str) -> str:
    """Upper-case ASCII letters, fold full-width letters/digits to ASCII and drop separators
    (spaces, dashes, dots, underscores); Cyrillic letters that look exactly like Latin ones
    become Latin inside a run that holds digits (`latin_lookalikes`). Idempotent; other
    characters are kept."""
    folded = text.translate(_NORMALISE)
    if folded.isascii():
        return folded
    # Separators are gone, so "РР 123 456 785 СN" is one run here; upper-case what it became.
    return latin_lookalikes(folded).translate(_NORMALISE)


# Cyrillic letters drawn exactly like a Latin one. Buyers on a Cyrillic keyboard copy a number
# by eye ("РР123456785СN" with Cyrillic Р and С); the parcel's number is the Latin one. Only
# letters that look identical: not У/Y or И/N, whose shapes differ. Upper case from the
# Russian alphabet (А В Е К М Н О Р С Т Х) and from Ukrainian, Belarusian, Kazakh and
# Macedonian (І Ј Ѕ Һ Ү); lower case only where the small letters look the same too.
CYRILLIC_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТХІЈЅҺҮаеорсхуіјѕһ",
    "ABEKMHOPCTXIJSHYaeopcxyijsh",
)
_CYRILLIC = re.compile("[\u0400-\u04ff\u0500-\u052f]")
# Runs of letters (Latin or Cyrillic) and digits: the words a number candidate is made of.
_RUN = re.compile("[0-9A-Za-z\u0400-\u04ff\u0500-\u052f]+")
# What may stand between the parts of a number typed in groups (as the scan joins them).
_GROUP_GAP = re.compile(r"(?:[ \t\u00a0\u202f]{1,3}|[ \t]?[-.\u2010-\u2013][ \t]?)")


def _all_lookalike(run: str) -> bool:
    """Whether every Cyrillic letter of `run` has a Latin twin (and there is at least one)."""
    cyrillic = _CYRILLIC.findall(run)
    return bool(cyrillic) and all(ord(c) in CYRILLIC_LOOKALIKES for c in cyrillic)


def _numberish(run: str) -> bool:
    """A run that could be (part of) a number: it holds a digit and no Cyrillic letter
    without a Latin twin ("5шт", "10кг" and ordinary words are not)."""
    return any(c.isdigit() for c in run) and all(
        ord(c) in CYRILLIC_LOOKALIKES for c in _CYRILLIC.findall(run)
    )


def latin_lookalikes(text: str) -> str:
    """`text` with Cyrillic look-alike letters made Latin, only inside number candidates.

    A run of letters and digits is folded when it holds a digit and every Cyrillic letter in
    it has a Latin twin ("СР116372651IT"), and so is a group of two to four capitals next to
    such a run, as in a number typed in groups ("ЕЕ 290 222 794 GB"). Words without digits
    nearby are never touched, so Russian text stays Russian. One character for one, so spans
    in the result are spans in `text`.
    """
    if not _CYRILLIC.search(text):
        return text
    runs = list(_RUN.finditer(text))
    if not any(_numberish(r.group()) for r in runs):
        return text
    chars = list(text)
    for index, run in enumerate(runs):
        word = run.group()
        if not _all_lookalike(word):
            continue
        # Letters only: a group of the number ("ЕЕ 290 ..."), never a word standing alone.
        group = 2 <= len(word) <= 4 and word.isupper() and _beside_number(text, runs, index)
        if not (_numberish(word) or group):
            continue
        chars[run.start() : run.end()] = word.translate(CYRILLIC_LOOKALIKES)
    return "".join(chars)


def _beside_number(text: str, runs: list[re.Match[str]], index: int) -> bool:
    """Whether runs[index] is joined to a digit-bearing run by a group gap on either side."""
    for other in (index - 1, index + 1):
        if not 0 <= other < len(runs) or not _numberish(runs[other].group()):
            continue
        left, right = sorted((runs[index], runs[other]), key=lambda r: r.start())
        if _GROUP_GAP.fullmatch(text, left.end(), right.start()):
            return True
    return False


# --- reading one candidate string ----------------------------------------------------------

_LOOKALIKES = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "G": "6", "B": "8"}
)


_LOOKALIKE = re.compile(f"[{LOOKALIKE_LETTERS}]")

CHECKSUM, PATTERN, BAD = 2, 1, 0


@dataclass(frozen=True)
class Reading:
    fmt: Format
    status: int  # CHECKSUM, PATTERN or BAD
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


def read(number: str, *, weak_bad: bool) -> list[Reading]:
    """Every format the normalised string fits, with its check-digit verdict."""
    readings: list[Reading] = []
    repairable = _LOOKALIKE.search(number) is not None
    for fmt in FORMATS_BY_LENGTH.get(len(number), ()):
        if fmt.regex.fullmatch(number):
            if _degenerate(number):
                continue
            if fmt.id == "s10" and number[11:] not in COUNTRIES:
                readings.append(Reading(fmt, BAD, number, problem="unknown_country"))
            elif fmt.check is None:
                readings.append(Reading(fmt, PATTERN, number))
            elif fmt.check(number):
                readings.append(Reading(fmt, CHECKSUM, number))
            elif fmt.distinctive or weak_bad:
                readings.append(Reading(fmt, BAD, number, problem="check_digit"))
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
                readings.append(Reading(fmt, CHECKSUM, repaired, corrected_from=number))
    if (
        len(readings) > 1
        and any(r.corrected_from for r in readings)
        and any(r.status != BAD and not r.corrected_from for r in readings)
    ):
        # A number that already fits a format as typed is not a typo of another one.
        readings = [r for r in readings if not r.corrected_from]
    return readings
