"""Pure tracking domain: no I/O, and no project imports but `bot.texts` (every sentence).

- `numbers/`: tracking numbers in what buyers write: finding, reading, formats by family,
  check digits, S10 countries, typo fixes, marketplace order shapes (see its docstring).
- `model.py`: the normalised shipment every carrier maps onto (`Shipment`, `Status`, `Reason`).
- `explain.py`: why a parcel looks stuck and what to do, with `legs.py` and `leg_words.py`
  (which leg of the journey the scans say), `thresholds.py` (how long each leg may stay
  silent), `evidence.py` (what a diagnosis cites), `jargon.py` (postal words made plain) and
  `customs.py` (customs facts per destination).
- `answers.py`: answers to follow-up questions about a parcel already in the conversation;
  `carrier_links.py`: the carriers' own public tracking pages.
"""
