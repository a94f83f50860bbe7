"""Who may use the HTTP API: a client sends `Authorization: Bearer <key>` with one of
`PARCELDESK_API_KEYS`. Each key has its own namespace of conversations, so a client can read
and write only the conversations it made, whatever ids other clients chose."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from starlette.requests import Request


def key_id(key: str) -> str:
    """A short, stable, non-secret name for a key (its conversations live under it)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def conversation_key(key: str, conversation_id: str) -> str:
    """The gateway's id of a client's conversation: `api:<key id>:<client's id>`."""
    return f"api:{key_id(key)}:{conversation_id}"


def authorised_key(request: Request, keys: Iterable[str]) -> str | None:
    """The configured key the request carries, or None. Compared in constant time against
    every key, so the answer's timing says nothing about which prefix matched."""
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return None
    given_bytes = given.strip().encode()
    found = None
    for key in keys:
        if hmac.compare_digest(given_bytes, key.encode()):
            found = key
    return found
