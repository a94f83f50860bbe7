"""The supervisor starts processes as one unit and never leaves one behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import httpx
import pytest

from bot.supervisor import ProcessSpec, StartupError, Supervisor
from tests.support.stack import ROOT

SLEEPER = [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(120)"]


async def _never(_http: httpx.AsyncClient) -> bool:
    return False


async def _always(_http: httpx.AsyncClient) -> bool:
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); read its state.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


async def test_a_child_that_dies_while_starting_is_reported_with_its_output() -> None:
    crash = [sys.executable, "-c", "print('cannot bind', flush=True); raise SystemExit(3)"]
    supervisor = Supervisor([ProcessSpec("rasa", crash, dict(os.environ), _never, port=0)])
    with pytest.raises(StartupError, match=r"rasa exited with code 3(.|\n)*cannot bind"):
        await supervisor.start()
    await supervisor.stop()


async def test_healthy_children_start_and_stop_together() -> None:
    specs = [ProcessSpec(n, SLEEPER, dict(os.environ), _always, port=0) for n in ("a", "b")]
    supervisor = Supervisor(specs)
    assert await supervisor.start() is True
    pids = [c.process.pid for c in supervisor.children]
    assert all(_alive(p) for p in pids)
    await supervisor.stop(timeout=5)
    assert not any(_alive(p) for p in pids)


def test_sigterm_during_start_up_stops_every_child() -> None:
    script = textwrap.dedent(
        """
        import asyncio, os, sys
        from bot.supervisor import ProcessSpec, Supervisor

        async def never(_http):
            return False

        async def main():
            cmd = [sys.executable, "-c", "import time; time.sleep(120)"]
            sup = Supervisor([ProcessSpec(n, cmd, dict(os.environ), never, port=0)
                              for n in ("rasa", "actions")])
            sup.install_signal_handlers()
            task = asyncio.ensure_future(sup.start())
            while len(sup.children) < 2:
                await asyncio.sleep(0.05)
            print("PIDS", *[c.process.pid for c in sup.children], flush=True)
            started = await task
            await sup.stop(timeout=5)
            print("STARTED", started, flush=True)

        asyncio.run(main())
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, text=True, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    pids = [int(p) for p in line.split()[1:]]
    assert len(pids) == 2, line
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "STARTED False" in out
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)


def test_port_in_use_detects_a_listener() -> None:
    import socket

    from bot.supervisor import port_in_use

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert port_in_use("127.0.0.1", port)
    assert not port_in_use("127.0.0.1", port)


async def test_a_child_that_crashes_is_restarted_and_the_log_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import asyncio

    supervisor = Supervisor([ProcessSpec("actions", SLEEPER, dict(os.environ), _always, port=0)])
    assert await supervisor.start() is True
    child = supervisor.children[0]
    first = child.process.pid
    running = asyncio.create_task(supervisor.wait())
    os.kill(first, signal.SIGKILL)
    for _ in range(100):  # the first restart comes after BACKOFF_START (1 s)
        if child.restarts == 1 and child.process.pid != first:
            break
        await asyncio.sleep(0.05)
    assert child.restarts == 1 and child.process.pid != first
    assert _alive(child.process.pid)
    supervisor._stopping.set()
    assert await running == 0
    await supervisor.stop(timeout=5)
    assert not _alive(child.process.pid)
    err = capsys.readouterr().err
    assert "error: actions stopped unexpectedly (exit -9); restarting in 1 s" in err


def test_children_die_with_a_supervisor_killed_with_sigkill() -> None:
    script = textwrap.dedent(
        """
        import asyncio, os, sys
        from bot.supervisor import ProcessSpec, Supervisor

        async def always(_http):
            return True

        async def main():
            cmd = [sys.executable, "-c", "import time; time.sleep(120)"]
            sup = Supervisor([ProcessSpec(n, cmd, dict(os.environ), always, port=0)
                              for n in ("rasa", "gateway")])
            await sup.start()
            print("PIDS", *[c.process.pid for c in sup.children], flush=True)
            await sup.wait()

        asyncio.run(main())
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, text=True, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()[1:]]
    assert len(pids) == 2
    proc.kill()  # SIGKILL: no handler runs in the supervisor
    proc.wait(10)
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)  # no orphans
