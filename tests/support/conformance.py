"""Where the shared conformance data lives (test input we did not write; not in this repo)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RELATIVE = Path("conformance") / "tracking_number_data" / "couriers"


def couriers_dir() -> Path:
    """PARCELDESK_CONFORMANCE_DIR if set, else ../shared next to the checkout, else the
    workplace's shared folder. The first existing one wins; the first candidate otherwise."""
    candidates = [Path(p) for p in [os.environ.get("PARCELDESK_CONFORMANCE_DIR", "")] if p] + [
        ROOT.parent / "shared" / RELATIVE,
        Path("/work/shared") / RELATIVE,
    ]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]
