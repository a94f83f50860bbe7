"""What one tracking-number format is: its shape, check-digit rule and repairable positions.

Each format is described on the normalised number (upper case, no separators). The table of
formats itself is assembled in `bot.tracking.numbers.formats`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

# Letters buyers type for digits: O Q D for 0, I L for 1, Z for 2, S for 5, G for 6, B for 8.
LOOKALIKE_LETTERS = "OQDILZSGB"

# Where a format expects digits: these slices of the normalised number may be repaired.
ALL = (slice(None),)


@dataclass(frozen=True)
class Format:
    """One tracking-number format of one courier."""

    id: str
    courier: str
    courier_name: str
    name: str
    pattern: str
    lengths: tuple[int, ...]
    check: Callable[[str], bool] | None = None
    # False for digits-only shapes that any long number could have (weak evidence).
    distinctive: bool = True
    digit_slices: tuple[slice, ...] = ALL
    # Letters that are not a fixed prefix must be typed attached to the digits ("KYV0099...").
    attached_letters: bool = False
    # A fixed prefix that names the carrier (a GS1 company prefix, say): when its check passes,
    # generic shapes that happen to pass too are listed as alternatives, not a tie.
    specific: bool = False
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    # The shape with look-alike letters allowed for digits: a cheap test before a repair.
    loose_regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern))
        # Literal digits at repairable positions are written as one-digit classes ("[1]Z").
        loose = re.sub(r"\[([0-9-]+)\]", rf"[\1{LOOKALIKE_LETTERS}]", self.pattern)
        object.__setattr__(self, "loose_regex", re.compile(loose))

    def matches(self, number: str) -> bool:
        """True when the normalised number has this format's shape."""
        return self.regex.fullmatch(number) is not None
