"""Postal and Chinese cross-border formats of the format table: UPU S10 (every postal operator)
and the China express couriers that publish no check digit.

Shapes use [0-9] for digit positions so repairs can be located by `digit_slices`.
"""

from __future__ import annotations

from bot.tracking.numbers import checks as ck
from bot.tracking.numbers.formats.spec import Format

S10_FORMATS: tuple[Format, ...] = (
    # --- UPU S10: every postal operator (China Post, Royal Mail, USPS international, ...) ---
    Format(
        "s10",
        "s10",
        "Postal service",
        "UPU S10",
        r"[A-Z]{2}[0-9]{9}[A-Z]{2}",
        (13,),
        ck.s10,
        digit_slices=(slice(2, 11),),
    ),
)

CHINA_FORMATS: tuple[Format, ...] = (
    # --- China cross-border and express (pattern only: no published check digit) ---
    Format(
        "yunexpress",
        "yunexpress",
        "YunExpress",
        "YunExpress",
        r"YT[0-9]{16}",
        (18,),
        digit_slices=(),
    ),
    Format("cainiao", "cainiao", "Cainiao", "Cainiao (LP)", r"LP[0-9]{14}", (16,), digit_slices=()),
    Format(
        "sf_express",
        "sf_express",
        "SF Express",
        "SF Express",
        r"SF[0-9]{12,13}",
        (14, 15),
        digit_slices=(),
    ),
    Format(
        "jt_express",
        "jt_express",
        "J&T Express",
        "J&T Express",
        r"JT[0-9]{13}",
        (15,),
        digit_slices=(),
    ),
    Format("yto", "yto", "YTO Express", "YTO Express", r"YT[0-9]{13}", (15,), digit_slices=()),
)
