"""Spans of a chat message that carry long digit strings but are not parcels.

Pure domain code: no I/O. Links and e-mail addresses rule out any number inside them; dates,
times, phone numbers, valid IBANs and words such as "order no." rule out weak (digits-only)
readings only.
"""

from __future__ import annotations

import re

from bot.tracking.numbers.read import normalise

# Things that carry long digit strings but are not parcels. Checked only when a candidate
# is weak (digits only) or sits inside a URL or e-mail address.
_LINK = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_NOISE = re.compile(
    r"(?P<date>\b(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])\b"
    r"|\b(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|1[0-2])[-./](?:19|20)?\d\d\b"
    r"|\b\d{1,2}:\d\d(?::\d\d)?\b)"
    # International prefix typed as 00 ("0044 20 7946 0958", "00 49 30 1234567"): a phone.
    # The national part never starts with 0 (the trunk prefix is dropped after 00 + code).
    r"|(?P<intl>(?<![\w])00[ \-.]?(?:1|[2-9]\d{0,2})[ \-.()]{1,3}[1-9]\d{0,7}"
    r"(?:[ \-.()]{1,3}\d{1,8}){0,4}(?![\w]))"
    r"|(?P<phone>\+\d[\d \-().]{6,}\d|\(\d{2,5}\)[\d \-.]{5,}\d"
    # Chinese mobile numbers, 1[3-9]x xxxx xxxx, unless more digits continue the run on
    # either side ("13000000000 6", "0 1300000 0000"): then it is a longer number.
    r"|(?<!\d[ \-.])(?<!\d[ \-.]{2})(?<!\d[ \-.]{3})"
    r"\b1[3-9]\d[ -]?\d{4}[ -]?\d{4}\b(?![ \-.]{0,3}\d))"
    r"|(?P<iban>\b[A-Za-z]{2}\d\d(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,4})?\b)",
    re.IGNORECASE,
)
# Words that announce a number which is not a tracking number.
_NOT_TRACKING_CONTEXT = re.compile(
    r"(?:order|phone|tel|call|mobile|whats ?app|fax|iban|account|invoice|sku|ean|upc|"
    r"barcode|model|item|art(?:icle)?|card|amount|total|id|ticket|case)\W{0,3}"
    r"(?:(?:no|nr|number|num|#|id)\W{0,3})?(?:is\W{1,2})?\W*$",
    re.IGNORECASE,
)


def _iban_valid(candidate: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to numbers,
    the whole read as a number must be 1 modulo 97."""
    code = normalise(candidate)
    if not 15 <= len(code) <= 34 or not code.isalnum() or not code.isascii():
        return False
    rearranged = code[4:] + code[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


class Noise:
    """Spans of URLs, e-mail addresses, IBANs, dates, times and phone numbers in a text,
    computed on first use (most messages never need them)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._hard: list[tuple[int, int]] | None = None
        self._soft: list[tuple[int, int]] | None = None
        self._intl: list[tuple[int, int]] = []

    def hard(self) -> list[tuple[int, int]]:
        """Spans no tracking number may overlap (links and addresses)."""
        if self._hard is None:
            text = self._text
            if "@" in text or "://" in text or "www." in text.lower():
                self._hard = [m.span() for m in _LINK.finditer(text)]
            else:
                self._hard = []
        return self._hard

    def soft(self) -> list[tuple[int, int]]:
        """Spans a weak (digits-only) reading may not overlap."""
        if self._soft is None:
            self._soft = []
            self._intl = []
            for m in _NOISE.finditer(self._text):
                if m.lastgroup == "intl":
                    if _phone_length(m.group()):
                        self._intl.append(m.span())
                elif m.lastgroup != "iban" or _iban_valid(m.group()):
                    self._soft.append(m.span())
        return self._soft

    def intl_phones(self) -> list[tuple[int, int]]:
        """Phone numbers typed with a 00 prefix ("0044 20 7946 0958"). Only readings that no
        check digit confirms give way to them: random digit groups can look the same."""
        self.soft()
        return self._intl


def _phone_length(candidate: str) -> bool:
    """E.164 numbers have at most 15 digits after the international prefix (00)."""
    digits = sum(ch.isdigit() for ch in candidate) - 2
    return 8 <= digits <= 15


def overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def bad_context(text: str, start: int) -> bool:
    """True when the words just before `start` say this is an order, phone, ... number."""
    before = text[max(0, start - 30) : start]
    if before.endswith(("+", "#", "№")):
        return True
    return _NOT_TRACKING_CONTEXT.search(before) is not None
