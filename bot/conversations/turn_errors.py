"""What a channel may be told about a buyer message the router did not process."""

from __future__ import annotations


class AlreadyHandled(Exception):
    """The channel's claim failed, or the client message id was stored before: this delivery
    was handled before; nothing new was stored. `seq` is the earlier message's, when known."""

    def __init__(self, ref: object = None, seq: int | None = None) -> None:
        super().__init__(ref)
        self.seq = seq


class NotStored(Exception):
    """The buyer's message could not be saved (database locked, full, down). Nothing was
    processed; the channel must tell the client to send it again (HTTP 503 + Retry-After)."""
