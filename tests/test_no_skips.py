"""In CI (PARCELDESK_REQUIRE_SERVICES=1) a skipped test fails the run unless allow-listed."""

from __future__ import annotations

import pytest

from tests.support import no_skips

pytest_plugins = ("pytester",)

CONFTEST = """
from tests.support.no_skips import pytest_make_collect_report, pytest_runtest_makereport
"""

SKIPPING = """
import pytest

def test_it_passes():
    pass

def test_it_skips():
    pytest.skip("no widget server")

@pytest.mark.xfail(reason="known bug")
def test_it_is_an_expected_failure():
    assert False
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_sample=SKIPPING)
    return pytester


def test_it_fails_a_skipped_test_in_ci(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARCELDESK_REQUIRE_SERVICES", "1")
    result = suite.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1, xfailed=1)
    result.stdout.fnmatch_lines(["*not on ALLOWED_SKIPS*no widget server*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_it_fails_a_module_skipped_at_collection_in_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARCELDESK_REQUIRE_SERVICES", "1")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_gone='import pytest\npytest.skip("gone", allow_module_level=True)\n')
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    assert result.ret != pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*module skipped in CI*gone*"])


def test_it_lets_an_allow_listed_skip_through(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARCELDESK_REQUIRE_SERVICES", "1")
    monkeypatch.setitem(no_skips.ALLOWED_SKIPS, "test_sample.py::test_it_skips", "sample")
    result = suite.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=1, xfailed=1)


def test_it_only_skips_locally(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARCELDESK_REQUIRE_SERVICES", raising=False)
    result = suite.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=1, xfailed=1)
