"""Escaping, splitting and button data for Telegram messages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram.format import (
    MAX_CALLBACK_BYTES,
    callback_data_for,
    digest_of,
    escape,
    find_payload,
    keyboard,
    split_text,
    utf16_len,
)
from bot.conversations.replies import Button
from tests.channels.telegram.fake_bot_api import visible_text


def test_it_escapes_markup_so_the_buyer_sees_it_literally() -> None:
    text = "Duties <b>due</b> & fees > 20 EUR"
    assert escape(text) == "Duties &lt;b&gt;due&lt;/b&gt; &amp; fees &gt; 20 EUR"
    assert visible_text(escape(text), "HTML") == text


@given(st.text())
def test_any_escaped_text_parses_back_to_itself(text: str) -> None:
    assert visible_text(escape(text), "HTML") == text


def test_a_short_text_stays_one_message() -> None:
    assert split_text("Your parcel is in customs.") == ["Your parcel is in customs."]


def test_it_prefers_to_split_between_paragraphs() -> None:
    first = "a" * 3000
    second = "b" * 3000
    assert split_text(f"{first}\n\n{second}") == [f"{first}\n\n", second]


def test_it_counts_emoji_as_two_units_like_telegram() -> None:
    text = "📦" * 3000  # 6000 UTF-16 units
    pieces = split_text(text)
    assert [utf16_len(p) for p in pieces] == [4096, 6000 - 4096]


@given(st.text(alphabet=st.sampled_from("ab \n📦é"), max_size=12_000), st.integers(5, 5000))
def test_pieces_fit_the_limit_and_lose_nothing(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(utf16_len(p) <= limit for p in pieces)
    assert all(pieces) or pieces == [""]


def test_a_short_payload_is_its_own_callback_data() -> None:
    assert callback_data_for("/affirm") == "/affirm"
    assert digest_of("/affirm") is None


@given(st.text(min_size=1, max_size=300))
def test_every_payload_gets_callback_data_within_64_bytes_that_leads_back_to_it(
    payload: str,
) -> None:
    data = callback_data_for(payload)
    assert 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES
    digest = digest_of(data)
    found = payload if digest is None else find_payload(digest, ["/deny", payload])
    assert found == payload


def test_buttons_without_a_payload_are_left_out() -> None:
    markup = keyboard([Button("Yes", "/affirm"), Button("Broken", "")])
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [["/affirm"]]
    assert keyboard([]) is None
