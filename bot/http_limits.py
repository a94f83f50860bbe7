"""Limits every browser- or internet-facing endpoint (channels and the staff console alike)
applies before doing any work: bodies counted while they are read (a chunked body has no
Content-Length to trust), JSON of any depth or encoding answered with a clear error, and simple
per-key rate limits."""

from __future__ import annotations

import json
import math
import time
from collections import OrderedDict
from typing import Any

from starlette.requests import Request


class BodyTooLarge(Exception):
    pass


class BadJson(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (BodyTooLarge) as soon as it passes `limit` bytes, whatever
    Content-Length says or whether there is one."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes) -> Any:
    """JSON from bytes; BadJson for invalid UTF-8, invalid JSON or nesting too deep to parse."""
    try:
        return json.loads(raw or b"null")
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise BadJson(str(exc)[:80]) from exc


class RateLimit:
    """A token bucket per key (`rate` per second, bursts of `burst`), remembering at most
    `max_keys` keys so the table itself cannot be used to exhaust memory."""

    def __init__(self, rate: float, burst: int, max_keys: int = 50_000) -> None:
        self._rate = rate
        self._burst = burst
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def retry_after(self, key: str, now: float | None = None) -> int:
        """0 and one token taken when allowed; else whole seconds until a token is free."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(key, (float(self._burst), now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            wait = 0
        else:
            self._buckets[key] = (tokens, now)
            wait = max(1, math.ceil((1 - tokens) / self._rate))
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return wait
