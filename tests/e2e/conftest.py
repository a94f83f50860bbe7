"""Fixtures shared by the end-to-end modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.ports import free_port
from tests.support.stack import Stack, running_stack

# The shop's secret for signed widget visitors (setUser's hash) on `widget_stack`.
WIDGET_SECRET = "shop-signing-secret"


@pytest.fixture(scope="session")
def widget_shop_port() -> int:
    """The port of the test shop page (served on `localhost`) that embeds the widget."""
    return free_port()


@pytest.fixture(scope="session")
def widget_stack(
    tmp_path_factory: pytest.TempPathFactory, widget_shop_port: int
) -> Iterator[Stack]:
    """One real stack for the widget's browser modules (each Rasa start costs about 30 s):
    the shop on localhost:`widget_shop_port` may embed the chat, signed visitors are checked
    with WIDGET_SECRET, and no notifier runs in the background."""
    env = {
        "PARCELDESK_WIDGET_ORIGINS": f"http://localhost:{widget_shop_port}",
        "PARCELDESK_WIDGET_IDENTITY_SECRET": WIDGET_SECRET,
        "PARCELDESK_NOTIFIER_INTERVAL": "0",
    }
    with running_stack(Path(tmp_path_factory.mktemp("widget")), env) as stack:
        yield stack
