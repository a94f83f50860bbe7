"""The embeddable widget in real headless Chromium against the real stack (Rasa, actions,
gateway): a shop page on http://localhost:<port> embeds it from http://127.0.0.1:<gateway>."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.conversations.identity import sign
from tests.e2e.conftest import WIDGET_SECRET
from tests.e2e.widget_pages import (
    SHOTS,
    bot_messages_mentioning,
    chromium,
    conversation_with,
    count_messages,
    push,
    shop_page,
    shop_server,
    type_and_send,
)
from tests.support.ports import free_port
from tests.support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SECRET = WIDGET_SECRET
LAUNCHER = re.compile("chat", re.I)
WAIT = 45_000


@pytest.fixture(scope="module")
def database(widget_stack: Stack) -> Path:
    return widget_stack.var_dir / "parceldesk.db"


@pytest.fixture(scope="module")
def shop(widget_stack: Stack, widget_shop_port: int) -> Iterator[str]:
    gw = widget_stack.url
    user = {"id": "buyer-7", "name": "Ada", "email": "ada@example.com"}
    good = {**user, "hash": sign(SECRET, "buyer-7")}
    bad = {**user, "hash": sign("not-the-secret", "buyer-7")}
    pages = {
        "/": shop_page(gw, {"title": "Test shop help", "greeting": "Hi! Ask about a parcel."}),
        "/signed": shop_page(gw, calls=f"window.ParcelDesk.setUser({_js(good)});"),
        "/forged": shop_page(gw, calls=f"window.ParcelDesk.setUser({_js(bad)});"),
    }
    with shop_server(widget_shop_port, pages) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _js(value: object) -> str:
    import json

    return json.dumps(value)


def chat(page: Any) -> Any:
    return page.frame_locator("#parceldesk-widget iframe")


def open_chat(page: Any) -> Any:
    from playwright.sync_api import expect

    launcher = page.get_by_role("button", name=LAUNCHER)
    expect(launcher).to_be_visible(timeout=WAIT)
    if launcher.get_attribute("aria-expanded") != "true":
        launcher.click()
    frame = chat(page)
    expect(frame.get_by_role("textbox", name="Message")).to_be_visible(timeout=WAIT)
    expect(frame.locator("#conn")).to_have_text(re.compile("Online|person"), timeout=WAIT)
    return frame


def say(frame: Any, text: str) -> None:
    type_and_send(frame, "Message", text)


def bubbles(frame: Any, text: str) -> Any:
    return frame.get_by_role("log").locator("li.msg", has_text=text)


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def test_a_buyer_tracks_a_parcel_and_a_reload_keeps_the_history(
    browser: Any, shop: str, database: Path
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(shop + "/")
    # track() opens the chat and asks about the number (a shop's "Where is my parcel?").
    page.get_by_role("button", name="Where is my parcel?").click()
    frame = chat(page)
    log = frame.get_by_role("log")
    expect(log.locator("li.msg.bot.parcel")).to_contain_text("RR123456785CN", timeout=WAIT)
    expect(log.locator("li.msg.buyer")).to_have_count(1)
    expect(log.locator("li.msg.buyer .state")).to_have_text("Sent")
    expect(log.locator("li.msg.bot time").first).to_be_visible()
    assert page.evaluate("window.seen.length") >= 1  # ParcelDesk.on("message") fired
    shot(page, "desktop-parcel-answer.png")
    # Escape closes and gives focus back to the launcher.
    frame.get_by_role("textbox", name="Message").press("Escape")
    launcher = page.get_by_role("button", name=LAUNCHER)
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(launcher).to_be_focused()

    # An update that arrives while the chat is closed shows as an unread badge.
    conversation = conversation_with(database, "Where is my parcel RR123456785CN?")
    push(database, conversation, "Update: RR123456785CN arrived in Frankfurt.")
    expect(launcher).to_have_accessible_name(re.compile("1 unread"), timeout=WAIT)

    page.reload()
    frame = open_chat(page)
    log = frame.get_by_role("log")
    expect(log.locator("li.msg.bot.parcel")).to_have_count(1, timeout=WAIT)
    expect(bubbles(frame, "arrived in Frankfurt")).to_have_count(1)
    expect(log.locator("li.msg.buyer")).to_have_count(1)
    context.close()


def test_a_server_side_cut_loses_no_reply_and_no_notification(
    browser: Any, shop: str, database: Path
) -> None:
    """The socket is closed from the server's side right after the gateway acks a message,
    before its reply can come back (Playwright sits between tab and gateway); a notification
    is stored while the tab cannot reconnect. After reconnecting, both are shown once."""
    import json

    from playwright.sync_api import expect

    question = "where is my parcel RR400000001CN"
    context = browser.new_context()
    page = context.new_page()
    state: dict[str, Any] = {"client_id": None, "blocked": False}

    def route(ws: Any) -> None:
        if state["blocked"]:
            ws.close(code=1012, reason="restarting")  # the gateway is "down": try again later
            return
        server = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            frame = json.loads(message) if isinstance(message, str) else {}
            if frame.get("type") == "message" and frame.get("text") == question:
                state["client_id"] = frame["client_id"]
            server.send(message)

        def to_page(message: str | bytes) -> None:
            if state["blocked"]:
                return
            ws.send(message)
            frame = json.loads(message) if isinstance(message, str) else {}
            if frame.get("type") == "ack" and frame.get("client_id") == state["client_id"]:
                # Stored by the gateway; cut now, before the reply comes back.
                state["blocked"] = True
                server.close(code=1012, reason="restarting")
                ws.close(code=1012, reason="restarting")

        ws.on_message(from_page)
        server.on_message(to_page)

    page.route_web_socket(re.compile(r".*/widget/ws$"), route)
    page.goto(shop + "/")
    frame = open_chat(page)
    say(frame, question)
    expect(frame.locator("#conn")).to_have_text(re.compile("Reconnecting|lost"), timeout=WAIT)
    log = frame.get_by_role("log")
    assert log.locator("li.msg.bot", has_text="RR400000001CN").count() == 0
    conversation = conversation_with(database, question)
    # The reply gets stored while the tab is cut off; so does a notification.
    for _ in range(100):
        if _bot_replies(database, conversation):
            break
        page.wait_for_timeout(200)
    push(database, conversation, "Notice while cut: RR400000001CN cleared customs.")
    state["blocked"] = False
    expect(bubbles(frame, "cleared customs")).to_have_count(1, timeout=WAIT)
    expect(log.locator("li.msg.bot.parcel", has_text="RR400000001CN")).to_have_count(
        1, timeout=WAIT
    )
    expect(log.locator("li.msg.buyer", has_text=question)).to_have_count(1)
    expect(log.locator("li.msg.buyer .state")).to_have_text("Sent")
    assert count_messages(database, conversation, question) == 1
    context.close()


def _bot_replies(database: Path, conversation: str) -> int:
    import sqlite3

    with sqlite3.connect(database) as conn:
        return int(
            conn.execute(
                "select count(*) from messages where conversation_id = ? and sender = 'bot'",
                (conversation,),
            ).fetchone()[0]
        )


def test_offline_mode_loses_nothing_and_a_message_typed_offline_goes_once(
    browser: Any, shop: str, database: Path
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context()
    page = context.new_page()
    page.goto(shop + "/")
    frame = open_chat(page)
    say(frame, "where is my parcel RR600000007CN")
    log = frame.get_by_role("log")
    expect(log.locator("li.msg.bot", has_text="RR600000007CN")).to_have_count(1, timeout=WAIT)
    conversation = conversation_with(database, "where is my parcel RR600000007CN")

    context.set_offline(True)
    expect(frame.locator("#conn")).to_have_text(re.compile("offline", re.I), timeout=WAIT)
    push(database, conversation, "Notice while offline: RR600000007CN scanned in New York.")
    say(frame, "is RR600000007CN lost?")
    pending = log.locator("li.msg.buyer", has_text="is RR600000007CN lost?")
    expect(pending.locator(".state")).to_have_text(re.compile("Waiting"))
    context.set_offline(False)

    expect(pending.locator(".state")).to_have_text("Sent", timeout=WAIT)
    expect(bubbles(frame, "scanned in New York")).to_have_count(1, timeout=WAIT)
    # Every bot message the log holds about the parcel is on screen exactly once (the first
    # answer, the notice pushed while offline, the answer to the question typed offline).
    deadline = time.monotonic() + WAIT / 1000
    while bot_messages_mentioning(database, conversation, "RR600000007CN") < 3:
        assert time.monotonic() < deadline, "the question typed offline was not answered"
        time.sleep(0.2)
    stored = bot_messages_mentioning(database, conversation, "RR600000007CN")
    expect(log.locator("li.msg.bot", has_text="RR600000007CN")).to_have_count(stored, timeout=WAIT)
    expect(log.locator("li.msg.buyer", has_text="is RR600000007CN lost?")).to_have_count(1)
    assert count_messages(database, conversation, "is RR600000007CN lost?") == 1
    context.close()


def test_set_user_with_a_good_hash_follows_the_user_and_a_bad_hash_is_refused(
    browser: Any, shop: str
) -> None:
    from playwright.sync_api import expect

    laptop = browser.new_context()
    page = laptop.new_page()
    page.goto(shop + "/signed")
    frame = open_chat(page)
    say(frame, "signed in and asking about EA220000005CN")
    expect(frame.get_by_role("log").locator("li.msg.bot")).to_have_count(1, timeout=WAIT)
    laptop.close()
    # Another device (no shared storage): the same signed user sees the same conversation.
    phone = browser.new_context()
    page = phone.new_page()
    page.goto(shop + "/signed")
    frame = open_chat(page)
    expect(bubbles(frame, "signed in and asking about EA220000005CN")).to_have_count(1)
    phone.close()

    forged = browser.new_context()
    page = forged.new_page()
    page.goto(shop + "/forged")
    page.get_by_role("button", name=LAUNCHER).click()
    frame = chat(page)
    expect(frame.locator("#conn")).to_have_text(re.compile("sign in", re.I), timeout=WAIT)
    expect(frame.get_by_role("textbox", name="Message")).to_be_disabled()
    forged.close()


def test_an_origin_not_allowed_can_neither_embed_the_chat_nor_open_its_socket(
    browser: Any, widget_stack: Stack
) -> None:
    other = free_port()
    with shop_server(other, {"/": shop_page(widget_stack.url)}) as evil:
        context = browser.new_context()
        page = context.new_page()
        page.goto(evil + "/")
        page.get_by_role("button", name=LAUNCHER).click()
        page.wait_for_timeout(1500)
        # frame-ancestors (and the 403 for an origin not allowed) keep the chat out.
        assert not any(
            f.url.startswith(widget_stack.url + "/widget/frame") and f.query_selector("#input")
            for f in page.frames
        )
        outcome = page.evaluate(
            """(url) => new Promise((resolve) => {
                const ws = new WebSocket(url);
                ws.onopen = () => resolve("open");
                ws.onclose = () => resolve("refused");
            })""",
            widget_stack.url.replace("http", "ws") + "/widget/ws",
        )
        assert outcome == "refused"
        context.close()


def test_markup_in_every_text_renders_as_text(browser: Any, shop: str, database: Path) -> None:
    from playwright.sync_api import expect

    context = browser.new_context()
    page = context.new_page()
    page.goto(shop + "/")
    frame = open_chat(page)
    img = "<img src=x onerror=window.__xss=1>"
    link = "javascript:window.__xss=2"
    say(frame, f"buyer says {img} and {link}")
    expect(frame.get_by_role("log").locator("li.msg.bot")).to_have_count(1, timeout=WAIT)
    conversation = conversation_with(database, f"buyer says {img} and {link}")
    push(database, conversation, f"bot says {img} [x]({link})", buttons=[(img, link)])
    push(database, conversation, f"agent says {img} {link}", sender="agent")
    log = frame.get_by_role("log")
    expect(bubbles(frame, "agent says")).to_have_count(1, timeout=WAIT)
    for who in ("buyer says", "bot says", "agent says"):
        expect(bubbles(frame, who)).to_contain_text(img)
    expect(log.get_by_role("button", name=img)).to_have_count(1)
    page_frame = next(f for f in page.frames if "/widget/frame" in f.url)
    assert page_frame.evaluate("document.querySelectorAll('#log img').length") == 0
    hrefs = page_frame.evaluate("[...document.querySelectorAll('#log a')].map(a => a.href)")
    assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    # The button sends its payload back as a message: still only text.
    log.get_by_role("button", name=img).click()
    expect(log.get_by_role("button", name=img)).to_be_disabled()
    page.wait_for_timeout(500)
    assert page_frame.evaluate("window.__xss") is None
    assert page.evaluate("window.__xss") is None
    context.close()


def test_axe_core_finds_no_serious_violations(browser: Any, shop: str) -> None:
    from axe_playwright_python.base import AXE_SCRIPT
    from playwright.sync_api import expect

    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(shop + "/")
        page.get_by_role("button", name="Where is my parcel?").click()
        frame = chat(page)
        expect(frame.get_by_role("log").locator("li.msg.bot")).to_have_count(1, timeout=WAIT)
        page_frame = next(f for f in page.frames if "/widget/frame" in f.url)
        for target in (page.main_frame, page_frame):
            target.evaluate(AXE_SCRIPT)
            result = target.evaluate("async () => await axe.run(document)")
            serious = [
                (v["id"], v["impact"], [n["html"] for n in v["nodes"]][:3])
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert not serious, (scheme, target.url, serious)
        context.close()


def test_a_phone_keeps_the_input_visible_after_ten_messages(browser: Any, shop: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.goto(shop + "/")
    frame = open_chat(page)
    log = frame.get_by_role("log")
    for i in range(10):
        say(frame, f"message {i + 1} about LX100000003CN")
        expect(log.locator("li.msg.buyer .state", has_text="Sent")).to_have_count(
            i + 1, timeout=WAIT
        )
    box = frame.get_by_role("textbox", name="Message").bounding_box()
    panel = page.locator("#parceldesk-widget iframe").bounding_box()
    assert box and panel
    assert box["y"] >= 0 and box["y"] + box["height"] <= 812
    assert panel["width"] == 375 and panel["height"] == 812  # full screen
    expect(frame.get_by_role("textbox", name="Message")).to_be_in_viewport()
    page.wait_for_timeout(300)
    shot(page, "phone-ten-messages.png")
    context.close()
