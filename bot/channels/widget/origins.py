"""Which sites may embed the widget: `PARCELDESK_WIDGET_ORIGINS` patterns, used both for the
iframe's `frame-ancestors` and for the WebSocket's Origin check.

A pattern is an origin (`https://shop.example`), optionally with any port (`http://localhost:*`)
or any subdomain (`https://*.shop.example`), the forms CSP source expressions understand too.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _parts(origin: str) -> tuple[str, str, int | None] | None:
    try:
        split = urlsplit(origin.strip())
        port = split.port
    except ValueError:
        return None
    if split.scheme not in ("http", "https") or not split.hostname:
        return None
    if split.path not in ("", "/") or split.query or split.fragment or split.username:
        return None
    return split.scheme, split.hostname.lower(), port or _DEFAULT_PORTS[split.scheme]


def _matches(pattern: str, origin: tuple[str, str, int | None]) -> bool:
    scheme, rest = pattern.split("://", 1) if "://" in pattern else ("", pattern)
    if scheme.lower() != origin[0]:
        return False
    any_port = rest.endswith(":*")
    if any_port:
        rest = rest[:-2]
    parsed = _parts(f"{scheme}://{rest.replace('*.', 'wildcard.', 1)}")
    if parsed is None:
        return False
    _, host, port = parsed
    if rest.startswith("*."):
        suffix = host[len("wildcard") :]
        if not origin[1].endswith(suffix) or origin[1] == suffix[1:]:
            return False
    elif host != origin[1]:
        return False
    return any_port or port == origin[2]


def allowed(origin: str | None, patterns: Iterable[str]) -> bool:
    """Whether a browser page at `origin` may embed the widget."""
    if not origin:
        return False
    parsed = _parts(origin)
    if parsed is None:
        return False
    return any(_matches(p.strip(), parsed) for p in patterns if p.strip())


def canonical(origin: str) -> str:
    """`origin` in the form browsers send (scheme://host[:port], default port omitted)."""
    parsed = _parts(origin)
    if parsed is None:
        raise ValueError(origin)
    scheme, host, port = parsed
    return f"{scheme}://{host}" if port == _DEFAULT_PORTS[scheme] else f"{scheme}://{host}:{port}"


def same_site(origin: str | None, host_header: str | None, secure: bool) -> bool:
    """Whether `origin` is the gateway itself (the widget's own iframe page)."""
    if not origin or not host_header:
        return False
    scheme = "https" if secure else "http"
    mine = _parts(f"{scheme}://{host_header}")
    return mine is not None and _parts(origin) == mine
