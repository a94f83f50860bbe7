"""The contract every provider client implements, and the error type that carries retry policy."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.tracking.model import Shipment


class CarrierError(Exception):
    """A provider could not answer.

    `permanent` errors (bad API key, unknown number, unsupported carrier) are never retried;
    transient ones (429, 5xx, timeouts, malformed bodies) are, honouring `retry_after` seconds.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        permanent: bool = False,
        retry_after: float | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.permanent = permanent
        self.retry_after = retry_after
        self.status_code = status_code


@runtime_checkable
class Provider(Protocol):
    """A source of tracking data: a carrier's own API, an aggregator, or the demo."""

    name: str

    def supports(self, number: str, courier: str | None) -> bool:
        """Whether this provider can be asked about the number (e.g. DHL only for DHL numbers)."""
        ...

    async def track(self, number: str, *, courier: str | None = None) -> Shipment:
        """Fetch the shipment. A number the provider does not know yields status not_found;
        failures raise CarrierError."""
        ...
