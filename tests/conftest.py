"""Fixtures shared across the suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The real Rasa server, action server and gateway, on free ports (demo carrier)."""
    from tests.support.stack import running_stack

    with running_stack(Path(tmp_path_factory.mktemp("stack"))) as running:
        yield running
