"""Check-digit algorithms used by parcel tracking numbers.

Every function takes the data characters (upper case, no separators) and the check character
and says whether the check character is the one the algorithm computes. Letters in data
passed to `mod10` count as `(ord(c) - 3) % 10`, the convention UPS and OnTrac use.
"""

from __future__ import annotations

from collections.abc import Sequence

_ALNUM36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def _digit_value(char: str) -> int:
    """Value of one character in a weighted mod-10 sum (letters folded onto digits)."""
    if "0" <= char <= "9":
        return ord(char) - 48
    return (ord(char) - 3) % 10


def mod10(data: str, check: str, *, evens: int, odds: int, reverse: bool = False) -> bool:
    """Weighted mod-10: position i (0-based, from the left or, if reverse, from the right)
    is multiplied by `evens` when i is even and by `odds` when odd."""
    if not check.isdigit():
        return False
    chars = reversed(data) if reverse else data
    total = 0
    for index, char in enumerate(chars):
        total += _digit_value(char) * (odds if index & 1 else evens)
    return (10 - total % 10) % 10 == int(check)


def gs1_mod10(data: str, check: str) -> bool:
    """GS1 mod-10 (SSCC, GTIN, IMpb): the data digit next to the check digit weighs 3."""
    return mod10(data, check, evens=3, odds=1, reverse=True)


def mod7(data: str, check: str) -> bool:
    """Check digit is the data read as a number, modulo 7 (DHL Express waybills)."""
    return check.isdigit() and data.isdigit() and int(data) % 7 == int(check)


def s10(data: str, check: str) -> bool:
    """UPU S10: eight serial digits weighted 8 6 4 2 3 5 9 7, modulo 11 (10 -> 0, 11 -> 5)."""
    if len(data) != 8 or not data.isdigit() or not check.isdigit():
        return False
    total = sum((ord(c) - 48) * w for c, w in zip(data, _S10_WEIGHTS, strict=True))
    expected = 11 - total % 11
    if expected == 10:
        expected = 0
    elif expected == 11:
        expected = 5
    return expected == int(check)


def s10_check_digit(serial: str) -> str:
    """The S10 check digit for eight serial digits (used to build test numbers)."""
    for candidate in "0123456789":
        if s10(serial, candidate):
            return candidate
    raise ValueError(f"no S10 check digit for {serial!r}")


def luhn(data: str, check: str) -> bool:
    """Luhn: from the right, every second data digit (starting next to the check) doubles."""
    if not data.isdigit() or not check.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(data)):
        value = ord(char) - 48
        if index & 1 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10 == int(check)


def weighted_mod11_mod10(data: str, check: str, weights: Sequence[int]) -> bool:
    """Sum of digit x weight, modulo 11, then modulo 10 (FedEx Express)."""
    if len(data) != len(weights) or not data.isdigit() or not check.isdigit():
        return False
    total = sum((ord(c) - 48) * w for c, w in zip(data, weights, strict=True))
    return total % 11 % 10 == int(check)


def mod37_36(data: str, check: str) -> bool:
    """ISO 7064 MOD 37,36 hybrid system over digits and letters (DPD parcel labels)."""
    modulus = 36
    product = modulus
    for char in data:
        value = _ALNUM36.find(char)
        if value < 0:
            return False
        product += value
        if product > modulus:
            product -= modulus
        product *= 2
        if product > modulus:
            product -= modulus + 1
    result = modulus + 1 - product
    if result == modulus:
        result = 0
    return _ALNUM36[result] == check
