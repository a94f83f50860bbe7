"""Check-digit rules of the tracking-number formats, each applied to a normalised number that
already matches its format's shape. Algorithms follow the carriers' published specifications
(UPU S10, GS1, UPS, FedEx, USPS Publication 199, DHL, DPD, OnTrac).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.tracking.numbers import checksums as cs

_FEDEX_12_WEIGHTS = (3, 1, 7) * 3 + (3, 1)
_FEDEX_13_WEIGHTS = (1, 7, 3) * 4 + (1,)


def s10(n: str) -> bool:
    return cs.s10(n[2:10], n[10])


def ups(n: str) -> bool:
    return cs.mod10(n[2:17], n[17], evens=1, odds=2)


def ups_waybill(n: str) -> bool:
    return cs.mod10(n[1:10], n[10], evens=1, odds=2)


def fedex_12(n: str) -> bool:
    return cs.weighted_mod11_mod10(n[:11], n[11], _FEDEX_12_WEIGHTS)


def fedex_34(n: str) -> bool:
    # The last 14 digits are the FedEx Express tracking number with its check digit.
    return cs.weighted_mod11_mod10(n[20:33], n[33], _FEDEX_13_WEIGHTS)


def fedex_astra(n: str) -> bool:
    return cs.weighted_mod11_mod10(n[16:27], n[27], _FEDEX_12_WEIGHTS)


def mod10_e1_o3(n: str) -> bool:
    return cs.mod10(n[:-1], n[-1], evens=1, odds=3)


def fedex_96(n: str) -> bool:
    # Only the shipper and package ids (after 96, SCNC and service code) carry the check.
    return cs.mod10(n[7:21], n[21], evens=1, odds=3)


def mod10_e3_o1(n: str) -> bool:
    return cs.mod10(n[:-1], n[-1], evens=3, odds=1)


def usps_legacy(n: str) -> bool:
    for body in _usps_bodies(n):
        if len(body) == 22 and body.startswith("91"):
            data = body[:-1]
        elif len(body) == 20:
            data = "91" + body[:-1]
        else:
            continue
        if cs.mod10(data, body[-1], evens=3, odds=1):
            return True
    return False


def usps_impb(n: str) -> bool:
    return any(
        len(body) in (22, 26, 30) and body[:2] in ("92", "93", "94", "95") and gs1(body)
        for body in _usps_bodies(n)
    )


def _usps_bodies(n: str) -> list[str]:
    """The barcode body without the optional 420 + ZIP (or ZIP+4) routing prefix."""
    bodies = [n]
    if n.startswith("420"):
        bodies += [n[8:], n[12:]]
    return bodies


def gs1(n: str) -> bool:
    return cs.gs1_mod10(n[:-1], n[-1])


def luhn(n: str) -> bool:
    return cs.luhn(n[:-1], n[-1])


def mod7(n: str) -> bool:
    return cs.mod7(n[:-1], n[-1])


def mod37_36(n: str) -> bool:
    return cs.mod37_36(n[:-1], n[-1])


def ontrac(prefix_digit: str) -> Callable[[str], bool]:
    def check(n: str) -> bool:
        serial = n[1:14]
        # OnTrac folds its letter into a leading digit unless the serial already has it.
        data = serial if serial.startswith(prefix_digit) else prefix_digit + serial
        return cs.mod10(data, n[14], evens=1, odds=2)

    return check
