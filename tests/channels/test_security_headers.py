"""Every gateway response carries the default security headers unless the page set its own."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.channels.gateway_app import gateway


def test_every_response_gets_nosniff_no_referrer_and_no_framing(tmp_path: Path) -> None:
    with gateway(tmp_path) as url:
        health = httpx.get(f"{url}/healthz", timeout=10)
        missing = httpx.get(f"{url}/no-such-page", timeout=10)
    for response in (health, missing):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
