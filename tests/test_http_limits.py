"""Request limits: bodies counted while read, any JSON answered cleanly, rate limits."""

from __future__ import annotations

import pytest

from bot.conversations.replies import clean_text
from bot.http_limits import BadJson, RateLimit, parse_json


def test_it_refuses_json_nested_too_deep_as_bad_json_not_a_crash() -> None:
    with pytest.raises(BadJson):
        parse_json(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(BadJson):
        parse_json(b"\xff\xfe not utf-8")


def test_it_makes_lone_surrogates_and_nul_storable() -> None:
    raw = parse_json(b'{"text": "a\\ud800b\\u0000c"}')["text"]
    assert clean_text(raw) == "a\ufffdbc"
    assert clean_text("plain") == "plain"
    assert clean_text("emoji 📦 ok") == "emoji 📦 ok"


def test_a_rate_limit_allows_a_burst_then_says_how_long_to_wait() -> None:
    limit = RateLimit(rate=1.0, burst=3)
    assert [limit.retry_after("k", now=100.0) for _ in range(3)] == [0, 0, 0]
    assert limit.retry_after("k", now=100.0) == 1
    assert limit.retry_after("other", now=100.0) == 0  # per key
    assert limit.retry_after("k", now=101.5) == 0  # refilled


def test_a_rate_limit_forgets_the_oldest_keys_beyond_its_size() -> None:
    limit = RateLimit(rate=1.0, burst=1, max_keys=2)
    for key in ("a", "b", "c"):
        limit.retry_after(key, now=0.0)
    assert limit.retry_after("a", now=0.0) == 0  # "a" was evicted, so it starts afresh
