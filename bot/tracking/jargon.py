"""Postal jargon in scans, put in plain words ("outward office of exchange" means the parcel
left the origin country's export hub). Pure data plus one lookup; the sentences are in
`bot.texts` under `jargon.*`.
"""

from __future__ import annotations

import re

# (pattern in the scan wording, text key). First match wins; several languages per meaning.
_JARGON: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"outward office of exchange|export hub|départ du pays d'origine", re.I),
        "jargon.outward_exchange",
    ),
    (
        re.compile(
            r"inward office of exchange|arrival at (?:the )?destination (?:country|hub)", re.I
        ),
        "jargon.inward_exchange",
    ),
    (re.compile(r"presented to customs|handed (?:over )?to customs", re.I), "jargon.customs"),
    (re.compile(r"\bposting\b|\bacceptance\b|\bcollection\b", re.I), "jargon.accepted"),
    (re.compile(r"\bin transit to next facility\b|\bprocessing facility\b", re.I), "jargon.hub"),
)


def jargon_key(scan: str) -> str | None:
    """The text key that explains the postal jargon in `scan`, if it uses any."""
    for pattern, key in _JARGON:
        if pattern.search(scan):
            return key
    return None
