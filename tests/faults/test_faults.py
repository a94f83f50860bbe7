"""Faults under a steady stream of buyer messages on the real stack (`parceldesk run`): kill
the action server, kill Rasa, stop Rasa for longer than the gateway waits, kill the gateway
mid-message, lock the database, fill the disk. For each, the database shows every message
stored and answered once (or failed with the buyer told): nothing lost, nothing doubled."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
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
    mount = Path(tmp_path_factory.mktemp("tiny"))
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        missing(f"cannot mount a tmpfs for the disk-full fault: {result.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, tiny_disk: Path) -> Iterator[Stack]:
    env = {
        "PARCELDESK_DATABASE_URL": f"sqlite:///{tiny_disk / 'parceldesk.db'}",
        "PARCELDESK_RASA_TIMEOUT": "4",
        "PARCELDESK_NOTIFIER_INTERVAL": "0",
    }
    with running_stack(Path(tmp_path_factory.mktemp("faults")), env) as running:
        yield running


def _db(tiny_disk: Path) -> Path:
    return tiny_disk / "parceldesk.db"


def _check(outcome: faults.Outcome) -> None:
    assert outcome.lost == 0, outcome
    assert outcome.duplicated == 0, outcome
    assert outcome.stored == outcome.sent, outcome
    assert outcome.answered + outcome.failed_told == outcome.stored, outcome


def test_killing_the_action_server_loses_and_doubles_nothing(stack: Stack, tiny_disk: Path) -> None:
    outcome = faults.run_fault(
        stack,
        _db(tiny_disk),
        "action server killed",
        inject=lambda: faults.kill(faults.pid_listening(stack.actions_port)),
        recover=lambda: faults.wait_listening(stack.actions_port),
        during=1.0,
    )
    _check(outcome)


def test_killing_rasa_holds_messages_and_answers_them_when_it_is_back(
    stack: Stack, tiny_disk: Path
) -> None:
    outcome = faults.run_fault(
        stack,
        _db(tiny_disk),
        "Rasa killed",
        inject=lambda: faults.kill(faults.pid_listening(stack.rasa_port)),
        recover=lambda: faults.wait_listening(stack.rasa_port),
        during=1.0,
    )
    _check(outcome)


def test_rasa_stopped_longer_than_the_gateway_waits_is_answered_once(
    stack: Stack, tiny_disk: Path
) -> None:
    pid = faults.pid_listening(stack.rasa_port)
    outcome = faults.run_fault(
        stack,
        _db(tiny_disk),
        "Rasa frozen 8 s (gateway waits 4 s)",
        inject=lambda: os.kill(pid, signal.SIGSTOP),
        recover=lambda: os.kill(pid, signal.SIGCONT),
        during=8.0,
    )
    _check(outcome)


def test_killing_the_gateway_mid_message_loses_nothing(stack: Stack, tiny_disk: Path) -> None:
    outcome = faults.run_fault(
        stack,
        _db(tiny_disk),
        "gateway killed mid-message",
        inject=lambda: faults.kill(faults.pid_listening(stack.port)),
        recover=lambda: faults.wait_listening(stack.port),
        during=0.5,
    )
    _check(outcome)


def test_a_locked_database_makes_health_fail_and_loses_nothing(
    stack: Stack, tiny_disk: Path
) -> None:
    health: list[int] = []
    with contextlib.ExitStack() as stop:

        def lock() -> None:
            release = stop.enter_context(faults.locked_database(_db(tiny_disk)))
            stop.callback(release)
            health.append(httpx.get(f"{stack.url}/healthz", timeout=30).status_code)

        outcome = faults.run_fault(
            stack,
            _db(tiny_disk),
            "database locked 8 s",
            inject=lock,
            recover=stop.close,
            during=6.0,
        )
    assert health == [503]  # /healthz says the database cannot store now
    _check(outcome)


def test_a_full_disk_refuses_with_503_and_stores_everything_once_space_is_back(
    stack: Stack, tiny_disk: Path
) -> None:
    filler: list[Path] = []
    outcome = faults.run_fault(
        stack,
        _db(tiny_disk),
        "disk full",
        inject=lambda: filler.append(faults.fill(tiny_disk)),
        recover=lambda: filler[0].unlink(),
        during=4.0,
    )
    _check(outcome)
    assert outcome.told_to_resend > 0  # the buyers were told (503) rather than fooled


def test_the_gateway_recovers_answers_after_the_faults(stack: Stack) -> None:
    deadline = time.monotonic() + 60
    while httpx.get(f"{stack.url}/healthz", timeout=30).status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(1)


@pytest.fixture(autouse=True)
def _stack_log_on_failure(request: pytest.FixtureRequest, stack: Stack) -> Iterator[None]:
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print("\n--- stack log ---\n" + stack.log())
