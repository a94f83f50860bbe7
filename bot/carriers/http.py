"""One HTTP exchange with a provider, turning transport and status failures into CarrierError."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx

from bot.carriers.base import CarrierError
from bot.carriers.ratelimit import RateLimiter


def retry_after_seconds(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """Seconds to wait according to `Retry-After` (delta or HTTP date), else AfterShip's
    `X-RateLimit-Reset` (a Unix time), else None."""
    now = now or datetime.now(timezone.utc)
    raw = headers.get("retry-after")
    if raw:
        raw = raw.strip()
        try:
            return max(0.0, float(raw))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            return max(0.0, (when - now).total_seconds())
    reset = headers.get("x-ratelimit-reset")
    if reset:
        try:
            return max(0.0, float(reset) - now.timestamp())
        except ValueError:
            return None
    return None


async def request_json(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    provider: str,
    headers: Mapping[str, str],
    limiter: RateLimiter | None = None,
    json_body: Any = None,
    params: Mapping[str, str] | None = None,
    accept: Collection[int] = (),
) -> tuple[int, Any]:
    """Send one request and return `(status, parsed JSON)` for 2xx and for statuses in `accept`.

    Raises CarrierError: permanent for 401/403 and other 4xx, transient (with `retry_after`)
    for 429, 5xx, timeouts, connection failures and bodies that are not JSON.
    """
    if limiter is not None:
        await limiter.acquire()
    try:
        response = await client.request(
            method, url, headers=dict(headers), json=json_body, params=params
        )
    except httpx.TimeoutException as exc:
        raise CarrierError(f"timed out: {type(exc).__name__}", provider=provider) from exc
    except httpx.TransportError as exc:
        raise CarrierError(f"connection failed: {type(exc).__name__}", provider=provider) from exc

    status = response.status_code
    if status in (401, 403):
        raise CarrierError(
            f"HTTP {status}: API key rejected",
            provider=provider,
            permanent=True,
            status_code=status,
        )
    if status == 429:
        raise CarrierError(
            "HTTP 429: rate limited",
            provider=provider,
            retry_after=retry_after_seconds(response.headers),
            status_code=status,
        )
    if status >= 500:
        raise CarrierError(
            f"HTTP {status}: provider error",
            provider=provider,
            retry_after=retry_after_seconds(response.headers),
            status_code=status,
        )
    if not (200 <= status < 300) and status not in accept:
        raise CarrierError(
            f"HTTP {status}: request refused", provider=provider, permanent=True, status_code=status
        )
    try:
        return status, response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CarrierError(
            f"HTTP {status}: malformed JSON body", provider=provider, status_code=status
        ) from exc


def malformed(provider: str, exc: Exception) -> CarrierError:
    """The error for a JSON body whose shape is not the documented one (worth a retry)."""
    return CarrierError(f"unexpected response shape: {exc!r}", provider=provider)


ProviderT = TypeVar("ProviderT", bound="HttpProvider")


class HttpProvider:
    """What every HTTP provider client shares: the injected client, its API key, its base URL
    and a rate limiter at the provider's documented rate (shared by all its requests).

    Subclasses set `name`, `default_base_url` and `rate_per_second`.
    """

    name: str
    default_base_url: str
    rate_per_second: float

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        api_key: str,
        base_url: str | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._client = client
        self._api_key = api_key
        self._base = (base_url or self.default_base_url).rstrip("/")
        self._limiter = limiter or RateLimiter(self.rate_per_second)

    @classmethod
    def from_settings(
        cls: type[ProviderT], settings: Mapping[str, str], client: httpx.AsyncClient
    ) -> ProviderT:
        """The client from a provider's `API_KEY` and `URL` settings (a SPEC's `build`)."""
        return cls(client, api_key=settings["API_KEY"], base_url=settings["URL"])

    async def _request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str],
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
        accept: Collection[int] = (),
    ) -> tuple[int, Any]:
        """`request_json` for `{base_url}/{path}`, under this provider's name and rate limit."""
        return await request_json(
            self._client,
            method,
            f"{self._base}/{path}",
            provider=self.name,
            headers=headers,
            limiter=self._limiter,
            json_body=json_body,
            params=params,
            accept=accept,
        )
