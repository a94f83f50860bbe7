"""The snippet `parceldesk run` prints never slows the shop's page: the widget is fetched only
after the page's own load event, and the launcher still appears (headless Chromium, the shop on
`localhost`, the gateway on `127.0.0.1`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.widget.snippet import snippet
from tests.channels.gateway_app import gateway
from tests.e2e.widget_pages import ARGS, CHROMIUM, require_chromium, shop_server
from tests.support.ports import free_port

pytestmark = [pytest.mark.browser]

TIMES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const widget = performance.getEntriesByType("resource")
    .find((e) => e.name.endsWith("/widget.js"));
  return {loadStart: nav.loadEventStart, widgetStart: widget ? widget.startTime : null};
}"""


def test_the_printed_snippet_loads_the_widget_after_the_shop_page_has_loaded(
    tmp_path: Path,
) -> None:
    from playwright.sync_api import sync_playwright

    require_chromium()
    with gateway(tmp_path) as gw:
        page_html = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Shop</title>"
            f"</head><body><main><h1>Shop</h1></main>{snippet(gw)}</body></html>"
        )
        with shop_server(free_port(), {"/": page_html}) as shop, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page()
                page.goto(shop + "/", wait_until="load")
                launcher = page.get_by_role("button", name="chat")
                launcher.wait_for()
                times = page.evaluate(TIMES)
            finally:
                browser.close()
    assert times["widgetStart"] is not None
    # Requested only once the load event fired: the shop's load event never waited for it.
    assert times["widgetStart"] >= times["loadStart"]
