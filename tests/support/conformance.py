"""Where the conformance data lives: in the repository's test data (MIT, with its licence).

tests/data/conformance/tracking_number_data is a copy of jkeen/tracking_number_data (see its
SOURCE.txt and LICENSE); a fresh clone has everything it needs, so the conformance cases never
skip for want of a folder next to the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_SET = ROOT / "tests" / "data" / "conformance" / "tracking_number_data"


def couriers_dir() -> Path:
    """PARCELDESK_CONFORMANCE_DIR (a newer copy to try) if set, else the repository's copy."""
    override = os.environ.get("PARCELDESK_CONFORMANCE_DIR")
    return Path(override) if override else DATA_SET / "couriers"
