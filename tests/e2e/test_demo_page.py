"""The demo page at `/` is a shop page that embeds the real widget; a buyer chats on it in a
real headless Chromium against the real stack, and the conversation survives a reload."""

from __future__ import annotations

import re

import pytest

from tests.e2e.widget_pages import ARGS, CHROMIUM, require_chromium
from tests.support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_a_buyer_chats_on_the_demo_page(stack: Stack) -> None:
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(stack.url + "/")
        page.get_by_role("button", name=re.compile("chat", re.I)).click()
        chat = page.frame_locator("#parceldesk-widget iframe")
        box = chat.get_by_role("textbox", name="Message")
        box.fill("where is my parcel rr 123 456 785 cn")
        box.press("Enter")
        log = chat.get_by_role("log")
        expect(log.locator("li.msg.bot").last).to_contain_text("RR123456785CN", timeout=30_000)
        expect(log.locator("li.msg.buyer")).to_have_count(1)
        # The conversation survives a reload (its token stays in the iframe's storage).
        page.reload()
        page.get_by_role("button", name=re.compile("chat", re.I)).click()
        expect(log.locator("li.msg.bot", has_text="RR123456785CN")).to_have_count(1, timeout=30_000)
        expect(log.locator("li.msg.buyer")).to_have_count(1)
        browser.close()
