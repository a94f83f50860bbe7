"""With only the demo carrier on (the default), the demo page and the staff console say in words
that parcel answers are demo data; with a real carrier configured they say nothing of the kind.
Real headless Chromium against a real gateway (no Rasa needed: the marks are the gateway's)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.conversations import ownership, transcript
from tests.carriers.documented import dhl_event, dhl_shipments
from tests.carriers.fakes import Reply, replay_server
from tests.channels.gateway_app import gateway
from tests.console.helpers import PASSWORD, Console
from tests.e2e.widget_pages import SHOTS, chromium, off_the_browser_thread

pytestmark = [pytest.mark.browser]

WAIT = 30_000
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
SHOP_BANNER = (
    "Demo data Only ParcelDesk's built-in demo carrier is on: every parcel status in the chat is "
    "invented. Real carriers answer once PARCELDESK_PROVIDERS and a carrier's API key are set "
    '(README, "Production: real carriers").'
)
CONSOLE_BANNER = (
    "Demo data Only the built-in demo carrier is on: every parcel status, scan and diagnosis here "
    "is invented. Real carriers answer once PARCELDESK_PROVIDERS and one of "
    "PARCELDESK_17TRACK_API_KEY, PARCELDESK_AFTERSHIP_API_KEY, PARCELDESK_DHL_API_KEY are set."
)
# A DHL Express number (mod-7 check digit) that the recogniser hands to the DHL client.
DHL_NUMBER = "1234567891"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _words(text: str | None) -> str:
    """Text as a reader gets it: runs of white space (line breaks in the markup) are one."""
    return re.sub(r"\s+", " ", text or "").strip()


def _open_chat(page: Any) -> Any:
    from playwright.sync_api import expect

    launcher = page.get_by_role("button", name=re.compile("chat", re.I))
    expect(launcher).to_be_visible(timeout=WAIT)
    launcher.click()
    chat = page.frame_locator("#parceldesk-widget iframe")
    expect(chat.get_by_role("textbox", name="Message")).to_be_visible(timeout=WAIT)
    return chat


def _login(page: Any, url: str, name: str) -> None:
    page.goto(url + "/console/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(url + "/console/")


def _agent_and_waiting_buyer(desk: Console, agent: str, conversation_id: str, text: str) -> None:
    """An agent, and a conversation whose buyer wrote `text` and asked for a person."""

    async def make(session):  # type: ignore[no-untyped-def]
        await transcript.record_inbound(conversation_id, "api", text, session=session)
        await ownership.request_handoff(conversation_id, session=session, actor="buyer")

    def work() -> None:
        desk.add_agent(agent)
        desk.run(make)

    off_the_browser_thread(work)


def _parcel_card(page: Any, url: str, conversation_id: str, number: str) -> Any:
    from playwright.sync_api import expect

    page.goto(f"{url}/console/conversations/{conversation_id}")
    card = page.locator(".parcel-card").filter(has_text=number)
    expect(card.locator(".diag-title")).to_be_visible(timeout=WAIT)
    return card


def test_the_demo_page_says_its_answers_are_demo_data(browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with gateway(tmp_path) as url:
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = browser.new_page(viewport=viewport)
            page.goto(url + "/")
            banner = page.get_by_role("note")
            expect(banner).to_be_visible(timeout=WAIT)
            assert _words(banner.text_content()) == SHOP_BANNER
            expect(banner.locator(".demo-tag")).to_have_text("Demo data", timeout=WAIT)
            # The chat's own title says it too: on a phone the chat covers the banner.
            chat = _open_chat(page)
            expect(chat.locator("#title")).to_have_text(
                "Lantern & Loom help (demo data)", timeout=WAIT
            )
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"demo-marks-shop-{name}.png"))
            page.close()


def test_the_demo_page_has_no_demo_mark_with_a_real_carrier(browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    env = {"PARCELDESK_PROVIDERS": "dhl", "PARCELDESK_DHL_API_KEY": "dhl-key"}
    with gateway(tmp_path, env=env) as url:
        page = browser.new_page(viewport=DESKTOP)
        page.goto(url + "/")
        expect(page.get_by_role("heading", name="Your order is on its way")).to_be_visible(
            timeout=WAIT
        )
        expect(page.get_by_role("note")).to_have_count(0)
        expect(page.get_by_text("Demo data")).to_have_count(0)
        chat = _open_chat(page)
        expect(chat.locator("#title")).to_have_text("Lantern & Loom help", timeout=WAIT)
        page.close()


def test_a_real_carrier_named_without_its_key_still_leaves_the_demo_mark(
    browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    # DHL is left out at start-up (no key): the demo carrier still answers alone.
    with gateway(tmp_path, env={"PARCELDESK_PROVIDERS": "dhl,demo"}) as url:
        page = browser.new_page(viewport=DESKTOP)
        page.goto(url + "/")
        expect(page.get_by_role("note").locator(".demo-tag")).to_have_text(
            "Demo data", timeout=WAIT
        )
        page.close()


def test_the_console_marks_demo_answers(browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with gateway(tmp_path) as url:
        desk = Console(url, f"sqlite:///{tmp_path / 'gateway.db'}")
        _agent_and_waiting_buyer(
            desk, "demo-dana", "api:demo-mark", "where is my parcel RR400000001CN"
        )
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = browser.new_page(viewport=viewport)
            _login(page, url, "demo-dana")
            banner = page.locator("#demo-data")
            expect(banner).to_have_attribute("role", "note", timeout=WAIT)
            expect(banner.locator(".demo-tag")).to_have_text("Demo data", timeout=WAIT)
            expect(banner.locator(".demo-tag")).to_be_visible(timeout=WAIT)
            assert _words(banner.text_content()) == CONSOLE_BANNER
            card = _parcel_card(page, url, "api:demo-mark", "RR400000001CN")
            expect(card.locator(".diag-title")).to_have_text("In customs", timeout=WAIT)
            expect(card.locator(".parcel-head .demo-tag")).to_have_text("Demo data", timeout=WAIT)
            card.scroll_into_view_if_needed()
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"demo-marks-console-{name}.png"))
            page.close()


def test_the_console_has_no_demo_mark_with_a_real_carrier(browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    events = [
        dhl_event(
            "2024-05-05T22:10:00+02:00",
            "transit",
            "Arrived at DHL Sort Facility LEIPZIG - GERMANY",
            "LEIPZIG - GERMANY",
            "DE",
        )
    ]
    with replay_server() as dhl:
        dhl.on("GET", "/track/shipments", Reply(json=dhl_shipments(DHL_NUMBER, "transit", events)))
        env = {
            "PARCELDESK_PROVIDERS": "dhl",
            "PARCELDESK_DHL_API_KEY": "dhl-key",
            "PARCELDESK_DHL_URL": dhl.url + "/track",
        }
        with gateway(tmp_path, env=env) as url:
            desk = Console(url, f"sqlite:///{tmp_path / 'gateway.db'}")
            _agent_and_waiting_buyer(
                desk, "real-rita", "api:real-mark", f"where is my parcel {DHL_NUMBER}"
            )
            page = browser.new_page(viewport=DESKTOP)
            _login(page, url, "real-rita")
            expect(page.locator("#queue-list .queue-link")).to_have_count(1, timeout=WAIT)
            expect(page.locator("#demo-data")).to_have_count(0)
            card = _parcel_card(page, url, "api:real-mark", DHL_NUMBER)
            # The card shows DHL's answer (asked for real), and nothing calls it demo data.
            expect(card.locator(".timeline li").first).to_contain_text(
                "Arrived at DHL Sort Facility LEIPZIG - GERMANY", timeout=WAIT
            )
            expect(card.locator(".source").first).to_contain_text("via dhl", timeout=WAIT)
            expect(page.get_by_text("Demo data")).to_have_count(0)
            page.close()
        asked = [r.query["trackingNumber"] for r in dhl.calls("GET", "/track/shipments")]
        assert asked and set(asked) == {DHL_NUMBER}
