"""The table of tracking-number formats ParcelDesk recognises.

Each format is described on the normalised number (upper case, no separators): a regular
expression for its shape, the check-digit rule if it has one, which positions must be digits
(so look-alike letters there may be repaired), and whether the shape alone is distinctive.
Shapes and algorithms follow the carriers' published specifications (UPU S10, GS1, UPS,
FedEx, USPS Publication 199, DHL, DPD, ...).
"""

from __future__ import annotations

from bot.tracking.numbers.formats.express import EXPRESS_FORMATS
from bot.tracking.numbers.formats.postal import CHINA_FORMATS, S10_FORMATS
from bot.tracking.numbers.formats.spec import ALL, LOOKALIKE_LETTERS, Format

__all__ = [
    "ALL",
    "FORMATS",
    "FORMATS_BY_ID",
    "FORMATS_BY_LENGTH",
    "LOOKALIKE_LETTERS",
    "MAX_LENGTH",
    "MIN_LENGTH",
    "Format",
]

# Table order matters: among equally good readings the earlier format is ranked first.
FORMATS: tuple[Format, ...] = (*S10_FORMATS, *EXPRESS_FORMATS, *CHINA_FORMATS)

FORMATS_BY_ID: dict[str, Format] = {f.id: f for f in FORMATS}

# Normalised length -> formats that can have it, so a candidate only meets plausible shapes.
FORMATS_BY_LENGTH: dict[int, tuple[Format, ...]] = {}
for _fmt in FORMATS:
    for _length in _fmt.lengths:
        FORMATS_BY_LENGTH[_length] = (*FORMATS_BY_LENGTH.get(_length, ()), _fmt)

MIN_LENGTH = min(FORMATS_BY_LENGTH)
MAX_LENGTH = max(FORMATS_BY_LENGTH)
