"""The table of tracking-number formats ParcelDesk recognises.

Each format is described on the normalised number (upper case, no separators): a regular
expression for its shape, the check-digit rule if it has one, which positions must be digits
(so look-alike letters there may be repaired), and whether the shape alone is distinctive.
Shapes and algorithms follow the carriers' published specifications (UPU S10, GS1, UPS,
FedEx, USPS Publication 199, DHL, DPD, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.tracking import checksums as cs

_FEDEX_12_WEIGHTS = (3, 1, 7) * 3 + (3, 1)
_FEDEX_13_WEIGHTS = (1, 7, 3) * 4 + (1,)

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


# --- check-digit rules, each applied to a number already matching its format's shape ---


def _s10(n: str) -> bool:
    return cs.s10(n[2:10], n[10])


def _ups(n: str) -> bool:
    return cs.mod10(n[2:17], n[17], evens=1, odds=2)


def _ups_waybill(n: str) -> bool:
    return cs.mod10(n[1:10], n[10], evens=1, odds=2)


def _fedex_12(n: str) -> bool:
    return cs.weighted_mod11_mod10(n[:11], n[11], _FEDEX_12_WEIGHTS)


def _fedex_34(n: str) -> bool:
    # The last 14 digits are the FedEx Express tracking number with its check digit.
    return cs.weighted_mod11_mod10(n[20:33], n[33], _FEDEX_13_WEIGHTS)


def _fedex_astra(n: str) -> bool:
    return cs.weighted_mod11_mod10(n[16:27], n[27], _FEDEX_12_WEIGHTS)


def _mod10_e1_o3(n: str) -> bool:
    return cs.mod10(n[:-1], n[-1], evens=1, odds=3)


def _fedex_96(n: str) -> bool:
    # Only the shipper and package ids (after 96, SCNC and service code) carry the check.
    return cs.mod10(n[7:21], n[21], evens=1, odds=3)


def _mod10_e3_o1(n: str) -> bool:
    return cs.mod10(n[:-1], n[-1], evens=3, odds=1)


def _usps_legacy(n: str) -> bool:
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


def _usps_impb(n: str) -> bool:
    return any(
        len(body) in (22, 26, 30) and body[:2] in ("92", "93", "94", "95") and _gs1(body)
        for body in _usps_bodies(n)
    )


def _usps_bodies(n: str) -> list[str]:
    """The barcode body without the optional 420 + ZIP (or ZIP+4) routing prefix."""
    bodies = [n]
    if n.startswith("420"):
        bodies += [n[8:], n[12:]]
    return bodies


def _gs1(n: str) -> bool:
    return cs.gs1_mod10(n[:-1], n[-1])


def _luhn(n: str) -> bool:
    return cs.luhn(n[:-1], n[-1])


def _mod7(n: str) -> bool:
    return cs.mod7(n[:-1], n[-1])


def _mod37_36(n: str) -> bool:
    return cs.mod37_36(n[:-1], n[-1])


def _ontrac(prefix_digit: str) -> Callable[[str], bool]:
    def check(n: str) -> bool:
        serial = n[1:14]
        # OnTrac folds its letter into a leading digit unless the serial already has it.
        data = serial if serial.startswith(prefix_digit) else prefix_digit + serial
        return cs.mod10(data, n[14], evens=1, odds=2)

    return check


# Shapes use [0-9] for digit positions so repairs can be located by `digit_slices`.
FORMATS: tuple[Format, ...] = (
    # --- UPU S10: every postal operator (China Post, Royal Mail, USPS international, ...) ---
    Format(
        "s10",
        "s10",
        "Postal service",
        "UPU S10",
        r"[A-Z]{2}[0-9]{9}[A-Z]{2}",
        (13,),
        _s10,
        digit_slices=(slice(2, 11),),
    ),
    # --- UPS ---
    Format(
        "ups",
        "ups",
        "UPS",
        "UPS 1Z",
        r"[1]Z[0-9A-Z]{15}[0-9]",
        (18,),
        _ups,
        digit_slices=(slice(0, 1), slice(17, 18)),
    ),
    Format(
        "ups_waybill",
        "ups",
        "UPS",
        "UPS waybill",
        r"[AHJKTV][0-9]{10}",
        (11,),
        _ups_waybill,
        digit_slices=(slice(1, None),),
    ),
    # --- FedEx ---
    Format(
        "fedex_12",
        "fedex",
        "FedEx",
        "FedEx Express (12)",
        r"[0-9]{12}",
        (12,),
        _fedex_12,
        distinctive=False,
    ),
    Format("fedex_34", "fedex", "FedEx", "FedEx Express (34)", r"[0-8][0-9]{33}", (34,), _fedex_34),
    Format(
        "fedex_astra_32", "fedex", "FedEx", "FedEx ASTRA (32)", r"3[0-9]{31}", (32,), _fedex_astra
    ),
    Format(
        "fedex_ground",
        "fedex",
        "FedEx",
        "FedEx Ground (15)",
        r"[0-9]{15}",
        (15,),
        _mod10_e1_o3,
        distinctive=False,
    ),
    Format(
        "fedex_sscc_18",
        "fedex",
        "FedEx",
        "FedEx Ground SSCC-18",
        r"[0-9]{18}",
        (18,),
        _mod10_e3_o1,
        distinctive=False,
    ),
    Format(
        "fedex_ground_96",
        "fedex",
        "FedEx",
        "FedEx Ground 96 (22)",
        r"96[0-9]{20}",
        (22,),
        _fedex_96,
    ),
    Format(
        "fedex_ground_gsn",
        "fedex",
        "FedEx",
        "FedEx Ground GSN (34)",
        r"96[0-9]{32}",
        (34,),
        _fedex_34,
    ),
    # --- USPS ---
    Format(
        "usps_20", "usps", "USPS", "USPS (20)", r"[0-9]{20}", (20,), _mod10_e3_o1, distinctive=False
    ),
    Format(
        "usps_legacy",
        "usps",
        "USPS",
        "USPS 91 (legacy)",
        r"(?:420[0-9]{5}(?:[0-9]{4})?)?(?:91[0-9]{20}|[0-9]{20})",
        (20, 22, 28, 30, 32, 34),
        _usps_legacy,
        distinctive=False,
    ),
    Format(
        "usps_impb",
        "usps",
        "USPS",
        "USPS IMpb",
        r"(?:420[0-9]{5}(?:[0-9]{4})?)?9[2-5][0-9]{20}(?:[0-9]{4}){0,2}",
        (22, 26, 30, 34, 38, 42),
        _usps_impb,
    ),
    # --- DHL ---
    Format(
        "dhl_express",
        "dhl",
        "DHL",
        "DHL Express waybill",
        r"[0-9]{10,11}",
        (10, 11),
        _mod7,
        distinctive=False,
    ),
    Format(
        "dhl_express_piece",
        "dhl",
        "DHL",
        "DHL Express piece ID",
        r"J[A-Z]{2,3}[0-9]{9,10}",
        (12, 13, 14),
        digit_slices=(),
    ),
    Format(
        "dhl_ecommerce",
        "dhl",
        "DHL",
        "DHL eCommerce",
        r"(?:GM|LX|RX|UV|CN|SG|TH|IN|HK|MY)(?=[0-9A-Z]*[0-9])[0-9A-Z]{10,39}",
        tuple(range(12, 42)),
        digit_slices=(),
    ),
    # DHL Paket (Germany): an SSCC under Deutsche Post DHL's GS1 company prefix 340434.
    Format(
        "dhl_paket",
        "dhl",
        "DHL Paket",
        "DHL Paket (SSCC)",
        r"00340434[0-9]{12}",
        (20,),
        _gs1,
        specific=True,
    ),
    Format(
        "dhl_ecommerce_14",
        "dhl",
        "DHL",
        "DHL eCommerce (14)",
        r"[0-9]{14}",
        (14,),
        distinctive=False,
        digit_slices=(),
    ),
    # --- Canada ---
    Format(
        "canada_post",
        "canada_post",
        "Canada Post",
        "Canada Post (16)",
        r"[0-9]{16}",
        (16,),
        _mod10_e3_o1,
        distinctive=False,
    ),
    Format(
        "purolator_12",
        "purolator",
        "Purolator",
        "Purolator (12)",
        r"[0-5][0-9]{11}",
        (12,),
        _luhn,
        distinctive=False,
    ),
    Format(
        "purolator_alpha",
        "purolator",
        "Purolator",
        "Purolator (3 letters + 9)",
        r"[A-Z]{3}[0-9]{9}",
        (12,),
        digit_slices=(),
        attached_letters=True,
    ),
    Format(
        "canpar", "canpar", "Canpar", "Canpar (22)", r"[CDKLSUXZ][0-9]{21}", (22,), digit_slices=()
    ),
    # --- Europe ---
    Format(
        "dpd_28",
        "dpd",
        "DPD",
        "DPD parcel label (28)",
        r"[0-9]{27}[0-9A-Z]",
        (28,),
        _mod37_36,
        digit_slices=(slice(0, 27),),
    ),
    Format(
        "dpd_14",
        "dpd",
        "DPD",
        "DPD parcel number (14 + check)",
        r"[0-9]{14}[0-9A-Z]",
        (15,),
        _mod37_36,
        distinctive=False,
        digit_slices=(slice(0, 14),),
    ),
    Format("yodel", "yodel", "Yodel", "Yodel", r"JJ?D[0-9]{16}", (18, 19), digit_slices=()),
    Format(
        "landmark",
        "landmark",
        "Landmark Global",
        "Landmark Global LTN",
        r"LTN[0-9]{8}N1",
        (13,),
        digit_slices=(),
    ),
    # --- US regional ---
    Format(
        "amazon_logistics",
        "amazon",
        "Amazon Logistics",
        "Amazon Logistics",
        r"TB[ACM][0-9]{12}",
        (15,),
        digit_slices=(),
    ),
    Format(
        "amazon_international",
        "amazon",
        "Amazon",
        "Amazon International",
        r"[AFC][0-9]{10}",
        (11,),
        digit_slices=(),
    ),
    Format(
        "ontrac_c",
        "ontrac",
        "OnTrac",
        "OnTrac C",
        r"C[0-9]{14}",
        (15,),
        _ontrac("4"),
        digit_slices=(slice(1, None),),
    ),
    Format(
        "ontrac_d",
        "ontrac",
        "OnTrac",
        "OnTrac D",
        r"D[0-9]{14}",
        (15,),
        _ontrac("5"),
        digit_slices=(slice(1, None),),
    ),
    Format(
        "lasership_lx",
        "lasership",
        "LaserShip",
        "LaserShip L",
        r"L[AIEHNX][1-3][0-9]{7}",
        (10,),
        digit_slices=(),
    ),
    Format(
        "lasership_1ls7",
        "lasership",
        "LaserShip",
        "LaserShip 1LS7 (15)",
        r"1LS7[12][0-9]{10}",
        (15,),
        digit_slices=(),
    ),
    # The printed "-1" piece suffix survives normalisation as a trailing 1.
    Format(
        "lasership_1ls7_18",
        "lasership",
        "LaserShip",
        "LaserShip 1LS7 (18)",
        r"1LS7[12][0-9]{2}01[1-4][0-9]{6}1",
        (17,),
        digit_slices=(),
    ),
    Format(
        "lasership_1lscx",
        "lasership",
        "LaserShip",
        "LaserShip 1LSCX",
        r"1LSCX[0-9A-Z]{10}",
        (15,),
        digit_slices=(),
    ),
    Format(
        "old_dominion",
        "old_dominion",
        "Old Dominion",
        "Old Dominion PRO",
        r"(?:77[78]|072|780)[0-9]{8}",
        (11,),
        _luhn,
        distinctive=False,
    ),
    Format(
        "old_dominion_guaranteed",
        "old_dominion",
        "Old Dominion",
        "Old Dominion Guaranteed",
        r"80[0-9]{9}",
        (11,),
        _luhn,
        distinctive=False,
    ),
    Format(
        "speedee",
        "speedee",
        "Spee-Dee Delivery",
        "Spee-Dee (20)",
        r"SP[0-9]{18}",
        (20,),
        digit_slices=(),
    ),
    Format(
        "gofo_us",
        "gofo",
        "GOFO Express",
        "GOFO Express (US)",
        r"GFUS[0-9]{14}",
        (18,),
        digit_slices=(),
    ),
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

FORMATS_BY_ID: dict[str, Format] = {f.id: f for f in FORMATS}

# Normalised length -> formats that can have it, so a candidate only meets plausible shapes.
FORMATS_BY_LENGTH: dict[int, tuple[Format, ...]] = {}
for _fmt in FORMATS:
    for _length in _fmt.lengths:
        FORMATS_BY_LENGTH[_length] = (*FORMATS_BY_LENGTH.get(_length, ()), _fmt)

MIN_LENGTH = min(FORMATS_BY_LENGTH)
MAX_LENGTH = max(FORMATS_BY_LENGTH)
