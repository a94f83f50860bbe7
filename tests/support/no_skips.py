"""CI never goes green by skipping: with PARCELDESK_REQUIRE_SERVICES=1 (set by .ci/run) every
skipped test is reported as failed, unless it is on ALLOWED_SKIPS below.

The hooks are imported by tests/conftest.py (pytest finds hooks by name in a conftest).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Tests allowed to skip in CI: node id prefix -> why that skip is harmless. Keep it short and
# explain every entry; an entry hides a whole suite from the green build.
ALLOWED_SKIPS: dict[str, str] = {
    # (empty: every suite runs in CI. Example of an entry:
    #  "tests/e2e/test_foo.py::test_it_needs_macos": "only meaningful on macOS runners")
}


def required() -> bool:
    return os.environ.get("PARCELDESK_REQUIRE_SERVICES") == "1"


def allowed(nodeid: str) -> bool:
    return any(nodeid.startswith(prefix) for prefix in ALLOWED_SKIPS)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Turn a skip (not an expected failure) into a failure naming the skip's reason."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not (required() and report.skipped) or hasattr(report, "wasxfail"):
        return
    if allowed(report.nodeid):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"skipped in CI (PARCELDESK_REQUIRE_SERVICES=1) and not on ALLOWED_SKIPS in "
        f"tests/support/no_skips.py: {reason}"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    """A whole module skipped at collection is a failure too."""
    outcome = yield
    report: pytest.CollectReport = outcome.get_result()
    if required() and report.skipped and not allowed(report.nodeid):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"module skipped in CI and not on ALLOWED_SKIPS: {reason}"
