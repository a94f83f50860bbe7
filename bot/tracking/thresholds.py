"""How long each leg of a journey may stay silent before ParcelDesk changes its explanation.

Every threshold is a whole number of days, has a documented default (docs/reasons.md explains
why each default is what it is) and can be overridden with a `PARCELDESK_WAIT_*` setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

ENV_PREFIX = "PARCELDESK_WAIT_"


@dataclass(frozen=True)
class Thresholds:
    """Days of silence that are still normal, per leg of the journey."""

    # A number the carrier does not know yet: normal for this long after shipping.
    not_found_days: int = 7
    # Only electronic data (label printed), no acceptance scan: normal for this long.
    handover_days: int = 7
    # Accepted in the origin country, not yet exported.
    origin_days: int = 7
    # Left the origin country, not yet arrived: nothing is scanned in flight or at sea.
    international_days: int = 10
    # With customs (inspection, duties being assessed).
    customs_days: int = 7
    # Arrived in the destination country / handed to the local post, then quiet.
    postal_sync_days: int = 3
    # Out for delivery but neither delivered nor failed.
    last_mile_days: int = 2
    # Waiting at a pickup point: most points hold parcels about this long before returning them.
    pickup_days: int = 7
    # Silence on any leg beyond this is no longer explainable: possibly lost (aggregators
    # mark a shipment "expired" after 30 days without news).
    stalled_days: int = 30
    # When a leg is slower than usual but not stalled: ask the buyer to look again this soon.
    recheck_days: int = 3

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"threshold {f.name} must be a whole number >= 0, got {value!r}")
        if self.recheck_days < 1:
            raise ValueError("threshold recheck_days must be at least 1")

    @staticmethod
    def env_key(field_name: str) -> str:
        """The setting for a field: `international_days` -> PARCELDESK_WAIT_INTERNATIONAL_DAYS."""
        return ENV_PREFIX + field_name.upper()

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> Thresholds:
        """Build thresholds from settings such as `os.environ`; absent or blank keys keep defaults.

        Raises ValueError naming the setting when a value is not a whole number of days.
        """
        values: dict[str, int] = {}
        for f in fields(cls):
            key = cls.env_key(f.name)
            raw = (env.get(key) or "").strip()
            if not raw:
                continue
            try:
                values[f.name] = int(raw)
            except ValueError as exc:
                raise ValueError(f"{key} must be a whole number of days, got {raw!r}") from exc
            if values[f.name] < 0:
                raise ValueError(f"{key} must not be negative, got {raw!r}")
        return cls(**values)

    def as_dict(self) -> dict[str, int]:
        """Field name -> days, for evidence and documentation."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
