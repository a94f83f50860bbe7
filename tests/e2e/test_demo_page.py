"""The demo page works in a real headless Chromium against the real stack."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.requirements import missing
from tests.support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_a_buyer_chats_on_the_demo_page(stack: Stack) -> None:
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        missing(f"Chromium not installed at {CHROMIUM} (make test installs it when it can)")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(stack.url + "/")
        page.get_by_label("Your message").fill("where is my parcel rr 123 456 785 cn")
        page.get_by_role("button", name="Send").click()
        bot = page.locator("li.bot").last
        expect(bot).to_contain_text("RR123456785CN", timeout=30_000)
        expect(page.locator("li.buyer")).to_have_count(1)
        # The session survives a reload (same conversation id in localStorage).
        session = page.evaluate("localStorage.getItem('parceldesk-session')")
        page.reload()
        page.wait_for_function("localStorage.getItem('parceldesk-session') !== null")
        assert page.evaluate("localStorage.getItem('parceldesk-session')") == session
        browser.close()
