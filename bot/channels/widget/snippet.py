"""The HTML a shop pastes into its pages (printed by `parceldesk run`, shown in the README)."""

from __future__ import annotations

QUEUE_STUB = (
    "window.ParcelDesk=window.ParcelDesk||{q:[]};"
    '["open","close","toggle","setUser","setLocale","track","on"].forEach(function(m){'
    "ParcelDesk[m]=ParcelDesk[m]||function(){ParcelDesk.q.push([m,[].slice.call(arguments)])}});"
)


# Loads widget.js only after the page's own `load` event. (A plain `<script async>` does not
# block parsing, but the browser still holds `load` until it has arrived and run.)
AFTER_LOAD = (
    "(function(w,d,s){{function l(){{var e=d.createElement('script');e.async=true;e.src=s;"
    "d.head.appendChild(e)}}if(d.readyState==='complete')l();"
    "else w.addEventListener('load',l)}})(window,document,'{src}');"
)


def snippet(gateway: str) -> str:
    """One script tag: a stub that queues `window.ParcelDesk` calls made before the widget
    has loaded, then loads the widget after the page's `load` event, so the shop's page is
    never slowed. (`<script src=".../widget.js" async>` alone works too, with data-*
    attributes, but then the browser waits for it before firing `load`.)"""
    base = gateway.rstrip("/")
    return "<script>" + QUEUE_STUB + AFTER_LOAD.format(src=f"{base}/widget.js") + "</script>"
