"""The staff console in headless Chromium against the real stack (Rasa, actions, gateway): a
buyer asks for a person over the HTTP API, the agent sees it appear without reloading, claims
it, reads the parcel panel, sends a canned reply, adds a note and hands back. Texts with HTML
in them (a buyer's message, an agent's name) render as text.

Screenshots of each step go to $SHOTS_DIR (default: the test's tmp dir)."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import httpx
import pytest

from tests.support.requirements import missing
from tests.support.stack import Stack, add_agent, say

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
PASSWORD = "console e2e password"
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_MESSAGE = '<script>alert("buyer")</script><img src=x onerror=alert(2)> hello??'
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


def _add_agent(stack: Stack, name: str) -> None:
    add_agent(stack, name, PASSWORD)


def _login(page, stack: Stack, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(stack.url + "/console/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(stack.url + "/console/")


def test_an_agent_takes_over_from_the_queue_and_hands_back(stack: Stack, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        missing(f"Chromium not installed at {CHROMIUM} (make test installs it when it can)")
    shots = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    _add_agent(stack, "ana")
    _add_agent(stack, XSS_NAME)
    buyer = "console-" + uuid.uuid4().hex[:8]
    conversation = stack.conversation_id(buyer)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport=DESKTOP)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        page.goto(stack.url + "/console/")
        expect(page.get_by_role("button", name="Log in")).to_be_visible()
        page.screenshot(path=shots / "01-login.png")
        _login(page, stack, "ana")
        expect(page.locator("#connection")).to_have_text("live")
        page.screenshot(path=shots / "02-queue-empty.png")

        # The buyer asks for a person; the queue updates without a reload.
        say(stack, buyer, "where is my parcel RR400000001CN")
        say(stack, buyer, "I want to talk to a human")
        say(stack, buyer, XSS_MESSAGE)
        item = page.locator(f'.queue-link[data-id="{conversation}"]')
        expect(item).to_be_visible(timeout=30_000)
        expect(item.locator(".pill-pending")).to_have_text("Waiting")
        expect(page).to_have_title("(1) Queue · ParcelDesk console")
        page.screenshot(path=shots / "03-queue-pending-appeared.png")

        # Claim with the keyboard; the parcel panel shows the customs case.
        item.click()
        expect(page.locator("#conv-id")).to_have_text(conversation)
        page.keyboard.press("c")
        expect(page.locator("#conv-status")).to_have_text("Open")
        card = page.locator(".parcel-card").filter(has_text="RR400000001CN")
        expect(card.locator(".diag-title")).to_contain_text("In customs", timeout=30_000)
        expect(card.locator(".timeline li").first).to_contain_text("customs")
        expect(card.locator(".source").first).to_contain_text("via demo")
        buyer_texts = page.locator(".ev-buyer .ev-text")
        expect(buyer_texts.last).to_have_text(XSS_MESSAGE)
        page.screenshot(path=shots / "04-claimed-parcel-panel.png")

        # A canned reply filled with this parcel's facts, sent with Enter.
        page.locator('.chip-button[data-key="canned.customs"]').click()
        expect(page.locator("#reply")).to_have_value(
            "Your parcel RR400000001CN is with customs. If duties or documents are needed, "
            "the carrier or post will contact you; pay only on the carrier's official site."
        )
        page.keyboard.press("Enter")
        reply = page.locator(".ev-agent").last
        expect(reply.locator(".ev-text")).to_contain_text("is with customs")
        expect(reply.locator(".ev-delivery")).not_to_be_empty()
        page.screenshot(path=shots / "05-canned-reply-sent.png")

        # An internal note, visibly different and never sent to the buyer.
        page.locator("#note-mode").check()
        page.locator("#reply").fill("Customs in Frankfurt; offered updates.")
        page.keyboard.press("Enter")
        expect(page.locator(".ev-note .ev-text").last).to_have_text(
            "Customs in Frankfurt; offered updates."
        )
        page.screenshot(path=shots / "06-note-added.png")

        seen_by_buyer = httpx.get(
            f"{stack.url}/api/v1/conversations/{buyer}/messages?after=0",
            headers=stack.api_headers,
            timeout=30,
        ).json()["messages"]
        texts = [m["text"] for m in seen_by_buyer]
        assert any("is with customs" in t for t in texts)
        assert "Customs in Frankfurt; offered updates." not in texts

        # Phone layout: queue and conversation.
        phone = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
        _login(phone, stack, "ana")
        expect(phone.locator(f'.queue-link[data-id="{conversation}"]')).to_be_visible()
        phone.screenshot(path=shots / "07-phone-queue.png")
        phone.locator(f'.queue-link[data-id="{conversation}"]').click()
        expect(phone.locator(".ev-agent").last).to_contain_text("is with customs")
        phone.screenshot(path=shots / "08-phone-conversation.png")
        phone.close()

        # Hand back with the keyboard (outside the reply box).
        page.locator("#reply").blur()
        page.keyboard.press("h")
        expect(page.locator("#conv-status")).to_have_text("With the bot")
        expect(page.locator(".ev-status-text").last).to_have_text("back to the bot")
        page.screenshot(path=shots / "09-handed-back.png")

        # An agent whose name is HTML takes over: ana's open transcript shows it as text.
        other = browser.new_page(viewport=DESKTOP)
        other.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        _login(other, stack, XSS_NAME)
        expect(other.locator("#me-name")).to_have_text(XSS_NAME)
        other.goto(f"{stack.url}/console/conversations/{conversation}")
        expect(other.locator("#conv-status")).to_have_text("With the bot")
        expect(other.locator("#claim")).to_contain_text("Take over")
        other.keyboard.press("c")
        expect(other.locator("#conv-status")).to_have_text("Open")
        expect(page.locator(".ev-status-text").last).to_have_text(f"{XSS_NAME} took over")
        expect(page.locator("#conv-agent")).to_have_text(f"· with {XSS_NAME}")
        page.screenshot(path=shots / "10-xss-name-as-text.png")
        other.screenshot(path=shots / "11-xss-agent-view.png")

        assert dialogs == []
        for tab in (page, other):
            assert tab.locator("#transcript img, #queue-list img, .me img").count() == 0
        browser.close()


def test_an_agent_subscribes_the_buyer_to_every_parcel_of_an_order(
    stack: Stack, tmp_path: Path
) -> None:
    import subprocess
    import sys

    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        missing(f"Chromium not installed at {CHROMIUM} (make test installs it when it can)")
    order = str(700_000 + int(uuid.uuid4().hex[:5], 16))
    csv = tmp_path / "orders.csv"
    csv.write_text(
        "order_number,email,tracking_number\n"
        f"{order},ada@example.com,RR400000001CN\n"
        f"{order},ada@example.com,EA220000005CN\n"
    )
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "orders", "import", str(csv)],
        env=stack.env,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
        capture_output=True,
        timeout=120,
    )
    _add_agent(stack, "olga")
    buyer = "console-order-" + uuid.uuid4().hex[:8]
    conversation = stack.conversation_id(buyer)
    say(stack, buyer, f"where is my order {order}?")
    say(stack, buyer, "ada@example.com")
    say(stack, buyer, "I want to talk to a human")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport=DESKTOP)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        _login(page, stack, "olga")
        page.locator(f'.queue-link[data-id="{conversation}"]').click()
        card = page.locator(".card.order").filter(has_text=f"Order {order}")
        expect(card).to_contain_text("buyer verified", timeout=30_000)
        card.get_by_role("button", name="Send the buyer updates for every parcel").click()
        expect(card.get_by_role("button")).to_have_text(
            "Buyer gets updates for every parcel ✓", timeout=30_000
        )
        expect(card.get_by_role("button")).to_be_disabled()
        shots = Path(os.environ.get("SHOTS_DIR") or tmp_path)
        page.screenshot(path=shots / "07-order-subscribed.png")
        assert errors == []
        browser.close()
