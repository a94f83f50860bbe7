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
    (spaces, dashes, dots, underscores). Idempotent; other characters are kept."""
    return text.translate(_NORMALISE)


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
