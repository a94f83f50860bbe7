"""The widget's own words per language, and which language a browser asks for."""

from __future__ import annotations

import pytest

from bot import texts
from bot.channels.widget.strings import first_offered, strings_for


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("ja,pt-BR;q=0.8,en;q=0.5", "pt"),
        ("en;q=0.2, ru;q=0.9", "ru"),
        ("fr;q=0, es;q=0.1", "es"),
        ("ja, zh-CN", "en"),
        ("", "en"),
        ("de;q=bogus, fr", "fr"),
    ],
)
def test_it_takes_the_browsers_first_offered_language(header: str, lang: str) -> None:
    assert first_offered(header) == lang


def test_every_language_has_every_widget_word_and_unknown_ones_get_english() -> None:
    english = strings_for("en")["strings"]
    assert isinstance(english, dict) and english["send"] == "Send"
    for lang in texts.languages():
        bundle = strings_for(lang)
        assert bundle["lang"] == lang
        assert isinstance(bundle["strings"], dict)
        assert set(bundle["strings"]) == set(english)
    assert strings_for("pt-BR")["strings"]["send"] == texts.text("widget.send", "pt")  # type: ignore[index]  # the bundle is JSON-shaped
    assert strings_for("ja")["lang"] == "en"
    names = [item["name"] for item in strings_for("en")["languages"]]  # type: ignore[attr-defined]  # the bundle is JSON-shaped
    assert names == [texts.NATIVE_NAMES[c] for c in texts.languages()]
