"""Faults under a steady stream of buyer messages on the real stack (`parceldesk run`): kill
the action server, kill Rasa, stop Rasa for longer than the gateway waits, kill the gateway
mid-message, lock the database, fill the disk. For each, the database shows every message
stored and answered once (or failed with the buyer told): nothing lost, nothing doubled.
`bench/faults.py` runs the same scenarios and writes the table in docs/reliability.md."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import faults
from tests.support.requirements import missing
from tests.support.stack import Stack, running_stack

pytestmark = [pytest.mark.e2e, pytest.mark.faults]


@pytest.fixture(scope="module")
def tiny_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A 24 MB tmpfs for the gateway's database, so the disk can really fill up."""
    try:
        with faults.tmpfs(Path(tmp_path_factory.mktemp("tiny"))) as mount:
            yield mount
    except OSError as exc:
        missing(f"disk-full fault needs a tmpfs: {exc}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, tiny_disk: Path) -> Iterator[Stack]:
    env = faults.stack_env(tiny_disk)
    with running_stack(Path(tmp_path_factory.mktemp("faults")), env) as running:
        yield running


@pytest.fixture(scope="module")
def scenarios(stack: Stack, tiny_disk: Path) -> dict[str, faults.Scenario]:
    return faults.scenarios(stack, tiny_disk)


@pytest.fixture(autouse=True)
def _stack_log_on_failure(request: pytest.FixtureRequest, stack: Stack) -> Iterator[None]:
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print("\n--- stack log ---\n" + stack.log())


def _run(stack: Stack, tiny_disk: Path, scenario: faults.Scenario) -> faults.Outcome:
    outcome = faults.run_scenario(stack, tiny_disk, scenario)
    assert outcome.lost == 0, outcome
    assert outcome.duplicated == 0, outcome
    assert outcome.stored == outcome.sent, outcome
    assert outcome.answered + outcome.failed_told == outcome.stored, outcome
    return outcome


def test_killing_the_action_server_loses_and_doubles_nothing(
    stack: Stack, tiny_disk: Path, scenarios: dict[str, faults.Scenario]
) -> None:
    _run(stack, tiny_disk, scenarios["actions"])


def test_killing_rasa_holds_messages_and_answers_them_when_it_is_back(
    stack: Stack, tiny_disk: Path, scenarios: dict[str, faults.Scenario]
) -> None:
    _run(stack, tiny_disk, scenarios["rasa"])


def test_rasa_stopped_longer_than_the_gateway_waits_is_answered_once(
    stack: Stack, tiny_disk: Path, scenarios: dict[str, faults.Scenario]
) -> None:
    _run(stack, tiny_disk, scenarios["frozen"])


def test_killing_the_gateway_mid_message_loses_nothing(
    stack: Stack, tiny_disk: Path, scenarios: dict[str, faults.Scenario]
) -> None:
    _run(stack, tiny_disk, scenarios["gateway"])


def test_a_locked_database_makes_health_fail_and_loses_nothing(
    stack: Stack, tiny_disk: Path, scenarios: dict[str, faults.Scenario]
) -> None:
    _run(stack, tiny_disk, scenarios["lock"])
    assert scenarios["lock"].seen["health"] == 503  # /healthz: the database cannot store now


def test_a_full_disk_refuses_with_503_and_stores_everything_once_space_is_back(
    stack: Stack, tiny_disk: Path, scenarios: dict[str, faults.Scenario]
) -> None:
    outcome = _run(stack, tiny_disk, scenarios["disk"])
    assert outcome.told_to_resend > 0  # the buyers were told (503) rather than fooled


def test_the_stack_is_healthy_again_after_every_fault(stack: Stack) -> None:
    deadline = time.monotonic() + 60
    while httpx.get(f"{stack.url}/healthz", timeout=30).status_code != 200:
        assert time.monotonic() < deadline, "the stack did not become healthy again"
        time.sleep(1)
