"""The widget speaks the buyer's language, in real headless Chromium against the real stack:
its own words (launcher, title, status, labels) and the bot's answers, chosen by the shop's
`locale` setting, the browser's language or the buyer's pick in the language menu."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot import texts
from tests.e2e.language_cases import ASK, problems, status_prefix
from tests.e2e.widget_pages import (
    SHOTS,
    chromium,
    shop_page,
    shop_server,
    type_and_send,
    what_happened,
)
from tests.support.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WAIT = 45_000
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


def w(key: str, lang: str, **fields: object) -> str:
    return texts.text(f"widget.{key}", lang, **fields)


@pytest.fixture(scope="module")
def shop(widget_stack: Stack, widget_shop_port: int) -> Iterator[str]:
    pages = {"/": shop_page(widget_stack.url)}
    pages.update({f"/{lang}": shop_page(widget_stack.url, {"locale": lang}) for lang in ASK})
    with shop_server(widget_shop_port, pages) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def open_chat(page: Any, lang: str) -> Any:
    """Click the launcher (named in `lang`) and wait until the chat is online, in `lang`."""
    from playwright.sync_api import expect

    name = w("open_with", lang, title=w("title", lang))
    launcher = page.get_by_role("button", name=name, exact=True)
    expect(launcher).to_be_visible(timeout=WAIT)
    launcher.click()
    frame = page.frame_locator("#parceldesk-widget iframe")
    expect(frame.locator("#conn")).to_have_text(w("status.online", lang), timeout=WAIT)
    return frame


def say(frame: Any, text: str, lang: str) -> None:
    type_and_send(frame, w("message", lang), text)


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


@pytest.mark.parametrize("lang", sorted(ASK))
def test_a_shop_locale_gives_the_chat_and_the_answers_in_that_language(
    browser: Any, shop: str, widget_stack: Stack, lang: str
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE if lang in ("es", "ru") else DESKTOP)
    page = context.new_page()
    try:
        page.goto(f"{shop}/{lang}")
        frame = open_chat(page, lang)
        expect(frame.locator("h1")).to_have_text(w("title", lang))
        box = frame.get_by_role("textbox", name=w("message", lang), exact=True)
        expect(box).to_have_attribute("placeholder", w("placeholder", lang))
        expect(frame.get_by_role("button", name=w("send", lang), exact=True)).to_be_visible()
        expect(frame.get_by_role("combobox", name=w("language", lang))).to_have_value(lang)
        say(frame, ASK[lang], lang)
        answer = frame.get_by_role("log").locator("li.msg.bot", has_text=status_prefix(lang))
        try:
            expect(answer.first).to_be_visible(timeout=WAIT)
        except AssertionError as exc:
            database = widget_stack.var_dir / "parceldesk.db"
            raise AssertionError(
                what_happened(frame, database, ASK[lang], widget_stack.log())
            ) from exc
        assert problems(answer.first.inner_text(), lang) == []
        sent = frame.get_by_role("log").locator("li.msg.buyer .state")
        expect(sent.first).to_have_text(w("sent", lang), timeout=WAIT)
        shot(page, f"lang-{lang}-{'phone' if lang in ('es', 'ru') else 'desktop'}.png")
    finally:
        context.close()


def test_the_browser_language_is_the_default_before_anything_is_said(
    browser: Any, shop: str
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="de-DE", viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(f"{shop}/")
        frame = open_chat(page, "de")
        expect(frame.get_by_role("textbox", name=w("message", "de"), exact=True)).to_have_attribute(
            "placeholder", w("placeholder", "de")
        )
        assert page.evaluate("document.documentElement.lang") == "en"  # the shop's own page
        assert frame.locator("html").get_attribute("lang") == "de"
    finally:
        context.close()


def test_the_language_menu_switches_the_chat_and_the_bot(browser: Any, shop: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{shop}/")
        frame = open_chat(page, "en")
        say(frame, ASK["en"], "en")
        log = frame.get_by_role("log")
        expect(log.locator("li.msg.bot", has_text=status_prefix("en")).first).to_be_visible(
            timeout=WAIT
        )
        frame.get_by_role("combobox", name=w("language", "en")).select_option("fr")
        # The chat's words change at once; the buyer's pick shows as the language's name.
        expect(frame.get_by_role("textbox", name=w("message", "fr"), exact=True)).to_have_attribute(
            "placeholder", w("placeholder", "fr"), timeout=WAIT
        )
        expect(log.locator("li.msg.buyer", has_text="Français")).to_be_visible()
        expect(log.locator("li.msg", has_text=texts.text("language.switched", "fr"))).to_be_visible(
            timeout=WAIT
        )
        # The launcher on the shop's page follows the chat's language (on a phone the open
        # chat covers it, so it is looked up among hidden elements too).
        close = page.get_by_role(
            "button", name=w("close_with", "fr", title=w("title", "fr")), include_hidden=True
        )
        expect(close).to_have_count(1, timeout=WAIT)
        # A bare number now gets the French answer.
        say(frame, "RR123456785CN", "fr")
        answer = log.locator("li.msg.bot", has_text=status_prefix("fr"))
        expect(answer.first).to_be_visible(timeout=WAIT)
        assert problems(answer.first.inner_text(), "fr") == []
        shot(page, "lang-menu-fr-phone.png")
        # A reload keeps the conversation's language (the browser's English does not win).
        page.reload()
        frame = open_chat(page, "fr")
        expect(frame.locator("h1")).to_have_text(w("title", "fr"))
    finally:
        context.close()


def test_the_strings_endpoint_answers_any_page_and_falls_back_to_english(
    widget_stack: Stack,
) -> None:
    import httpx

    spanish = httpx.get(f"{widget_stack.url}/widget/strings.json", params={"lang": "es-MX"})
    assert spanish.status_code == 200
    assert spanish.headers["access-control-allow-origin"] == "*"
    body = spanish.json()
    assert body["lang"] == "es" and body["strings"]["send"] == w("send", "es")
    assert [item["code"] for item in body["languages"]] == list(texts.languages())
    unknown = httpx.get(f"{widget_stack.url}/widget/strings.json", params={"lang": "ja"}).json()
    assert unknown["lang"] == "en" and unknown["strings"]["send"] == "Send"
    assert re.fullmatch(r"[a-z]{2}", unknown["lang"])
