"""Tracking numbers in what buyers write: find them, read them, check their digits.

Pure domain code: no I/O, no project imports outside `bot.tracking.numbers`. Callers use the
names re-exported here (`find_numbers`, `check_number`, `Match`, `Candidate`, `normalise`);
the modules below are the parts, from the outside in:

- `match`: `find_numbers` (every number in a chat message) and `check_number` (a text meant to
  be one number, such as a form slot) turn readings into `Match` verdicts.
- `scan`: the windows of a message worth reading; `noise` rules out dates, phones, IBANs,
  links and "order no." numbers among them.
- `read`: `normalise` what was typed (full-width forms, separators, Cyrillic letters drawn
  like Latin ones inside number candidates) and read one string against every format of its
  length, repairing look-alike letters where a check digit confirms the repair.
- `formats/`: the format table (`FORMATS`, by id and by length); `spec` says what one format
  is, `postal` holds UPU S10 and the Chinese cross-border couriers, `express` the express and
  regional carriers.
- `checks`: each format's check-digit rule (which characters feed which algorithm);
  `checksums`: the algorithms themselves (S10, mod 10, mod 7, mod 11, ...).
- `s10_countries`: ISO country codes and postal operators for S10 numbers.
- `typos`: "did you mean" for a number whose check digit fails.
- `marketplaces`: order-number shapes of Amazon, eBay and Temu (not parcels, but a buyer
  pastes them where a tracking number was asked for).
"""

from __future__ import annotations

from bot.tracking.numbers.match import Candidate, Match, check_number, find_numbers
from bot.tracking.numbers.read import normalise

__all__ = ["Candidate", "Match", "check_number", "find_numbers", "normalise"]
