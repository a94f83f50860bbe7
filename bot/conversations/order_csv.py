"""Reading a shop's orders from CSV: `order_number,email,tracking_number` and optionally
`carrier,postcode,shipped_at,customer_id`; one row per shipment (a split order has several).

Every row is checked before anything is stored; the caller imports all orders or none and
shows the problems by line number.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from bot.conversations.orders import (
    OrderIn,
    ShipmentIn,
    normalise_email,
    normalise_order_number,
    normalise_postcode,
)
from bot.tracking.numbers import check_number, normalise

REQUIRED = ("order_number", "email", "tracking_number")
OPTIONAL = ("carrier", "postcode", "shipped_at", "customer_id")
# A tracking number of a shape ParcelDesk does not know is kept if it could be one.
_PLAIN_NUMBER = re.compile(r"^[A-Z0-9]{8,40}$")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Parsed:
    orders: list[OrderIn] = field(default_factory=list)
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def shipments(self) -> int:
        return sum(len(o.shipments) for o in self.orders)


def parse_tracking_number(raw: str) -> tuple[str | None, str | None]:
    """(normalised number, None) or (None, why it is refused). Empty means "not shipped"."""
    text = (raw or "").strip()
    if not text:
        return None, None
    match = check_number(text)
    if match is not None:
        if not match.valid:
            return None, f"tracking number {match.number} fails its check digit"
        return match.number, None
    plain = normalise(text)
    if _PLAIN_NUMBER.match(plain):
        return plain, None
    return None, f"{text!r} is not a tracking number"


def parse_shipped_at(raw: str) -> datetime | None:
    """ISO date or date-time; a naive value is taken as UTC. Raises ValueError."""
    value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@dataclass
class _Draft:
    line: int
    email: str | None
    postcode: str | None
    customer_id: str | None
    shipments: dict[str, ShipmentIn] = field(default_factory=dict)


def parse(text: str, *, source: str = "csv") -> Parsed:
    """Every order in the CSV text, or the problems (each with its line number)."""
    result = Parsed()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.problems.append(Problem(1, f"missing column(s): {', '.join(missing)}"))
        return result
    unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
    if unknown:
        result.problems.append(Problem(1, f"unknown column(s): {', '.join(unknown)}"))
        return result
    reader.fieldnames = header
    drafts: dict[str, _Draft] = {}
    line = 1
    for row in reader:
        line = reader.line_num
        result.rows += 1
        if None in row:  # more cells than columns
            result.problems.append(Problem(line, "more cells than the header has columns"))
            continue
        cells = {k: (v or "").strip() for k, v in row.items()}
        problems = _check_row(cells, line, drafts)
        result.problems.extend(problems)
    if not result.problems:
        result.orders = [
            OrderIn(
                order_number=number,
                email=draft.email,
                postcode=draft.postcode,
                customer_id=draft.customer_id,
                shipments=tuple(draft.shipments.values()),
                source=source,
            )
            for number, draft in drafts.items()
        ]
    return result


def _check_row(cells: dict[str, str], line: int, drafts: dict[str, _Draft]) -> list[Problem]:
    problems: list[Problem] = []
    number = normalise_order_number(cells.get("order_number"))
    if number is None:
        problems.append(Problem(line, f"order number {cells.get('order_number')!r} is not valid"))
    email = normalise_email(cells.get("email")) if cells.get("email") else None
    if cells.get("email") and email is None:
        problems.append(Problem(line, f"{cells['email']!r} is not an e-mail address"))
    postcode = normalise_postcode(cells.get("postcode")) if cells.get("postcode") else None
    if cells.get("postcode") and postcode is None:
        problems.append(Problem(line, f"{cells['postcode']!r} is not a postcode"))
    if not cells.get("email") and not cells.get("postcode"):
        problems.append(Problem(line, "needs an e-mail (or a postcode) to check the buyer"))
    tracking, why = parse_tracking_number(cells.get("tracking_number", ""))
    if why:
        problems.append(Problem(line, why))
    shipped_at = None
    if cells.get("shipped_at"):
        try:
            shipped_at = parse_shipped_at(cells["shipped_at"])
        except ValueError:
            problems.append(Problem(line, f"shipped_at {cells['shipped_at']!r} is not a date"))
    if problems or number is None:
        return problems
    draft = drafts.get(number)
    if draft is None:
        draft = drafts[number] = _Draft(line, email, postcode, cells.get("customer_id") or None)
    elif (email, postcode) != (draft.email, draft.postcode):
        return [
            Problem(
                line,
                f"order {number} has another e-mail or postcode on line {draft.line}",
            )
        ]
    if tracking:
        carrier = cells.get("carrier") or None
        draft.shipments.setdefault(tracking, ShipmentIn(tracking, carrier, shipped_at))
    return []
