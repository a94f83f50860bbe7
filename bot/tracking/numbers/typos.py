"""Did-you-mean suggestions for a number whose check digit fails.

Pure domain code. The fix considered is the most common slip when typing digits: one digit
replaced by its neighbour on the keyboard's number row (4 for 5, 8 for 7). A suggestion is
made only when exactly one such fix gives a valid number of the same format: with every digit
0-9 allowed, almost every position could be "fixed", so the suggestion would be a guess.
"""

from __future__ import annotations

from bot.tracking.numbers.match import check_number


def did_you_mean(number: str) -> str | None:
    """The unique valid number one neighbouring-digit slip away from `number`, or None."""
    typed = check_number(number)
    if typed is None or typed.valid or not typed.candidates:
        return None
    formats = {c.format for c in typed.candidates}
    found: set[str] = set()
    text = typed.number
    for index, char in enumerate(text):
        if not char.isdigit():
            continue
        for step in (-1, 1):
            digit = int(char) + step
            if not 0 <= digit <= 9:
                continue
            fixed = check_number(f"{text[:index]}{digit}{text[index + 1 :]}")
            if fixed is not None and fixed.valid and fixed.checksum and fixed.format in formats:
                found.add(fixed.number)
                if len(found) > 1:
                    return None
    return found.pop() if found else None
