"""The HTML a shop pastes into its pages (printed by `parceldesk run`, shown in the README)."""

from __future__ import annotations

QUEUE_STUB = (
    "window.ParcelDesk=window.ParcelDesk||{q:[]};"
    '["open","close","toggle","setUser","setLocale","track","on"].forEach(function(m){'
    "ParcelDesk[m]=ParcelDesk[m]||function(){ParcelDesk.q.push([m,[].slice.call(arguments)])}});"
)


def snippet(gateway: str) -> str:
    """Two script tags: a one-line stub that queues `window.ParcelDesk` calls made before the
    widget has loaded (optional), and the widget itself (async: never blocks the page)."""
    base = gateway.rstrip("/")
    return f"<script>{QUEUE_STUB}</script>\n<script src=\"{base}/widget.js\" async></script>"
