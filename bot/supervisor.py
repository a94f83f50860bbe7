"""Starts child processes, waits until each is healthy, streams their logs with a prefix,
restarts one that crashes (with backoff, saying so in the log), and stops them all together.
Children die with the supervisor even when it is killed with SIGKILL (Linux parent-death
signal), so no orphan keeps a port. Used by `parceldesk run`."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import signal
import socket
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

HealthCheck = Callable[[httpx.AsyncClient], Awaitable[bool]]

# Restart delays: 1, 2, 4 ... 30 s; back to 1 s after a child stayed up this long.
BACKOFF_START = 1.0
BACKOFF_MAX = 30.0
STABLE_AFTER = 60.0
PR_SET_PDEATHSIG = 1

COLOURS = {"rasa": "35", "actions": "36", "gateway": "32"}


class StartupError(Exception):
    """A process could not start; the message says which and why."""


@dataclass
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str]
    health: HealthCheck
    port: int
    cwd: str | None = None
    startup_timeout: float = 180.0


@dataclass
class Child:
    spec: ProcessSpec
    process: asyncio.subprocess.Process
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=30))
    healthy_after: float | None = None
    restarts: int = 0
    started_at: float = field(default_factory=time.monotonic)


def _die_with_parent() -> None:
    """In the child, before exec: get SIGKILL when the supervisor dies, however it dies."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: SIGTERM/SIGINT handling still applies
        pass


async def _spawn(spec: ProcessSpec) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *spec.argv,
        env=spec.env,
        cwd=spec.cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            return exc.errno in (errno.EADDRINUSE, errno.EACCES)
    return False


def _prefix(name: str) -> str:
    label = f"[{name:<7}]"
    if sys.stdout.isatty():
        return f"\033[{COLOURS.get(name, '33')}m{label}\033[0m"
    return label


async def _pump(child: Child) -> None:
    assert child.process.stdout is not None
    prefix = _prefix(child.spec.name)
    while True:
        line = await child.process.stdout.readline()
        if not line:
            return
        text = line.decode(errors="replace").rstrip()
        child.tail.append(text)
        print(f"{prefix} {text}", flush=True)


class Supervisor:
    """Runs a set of processes as one unit."""

    def __init__(self, specs: list[ProcessSpec], *, host: str = "127.0.0.1") -> None:
        self.specs = specs
        self.host = host
        self.children: list[Child] = []
        self._pumps: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()

    def install_signal_handlers(self) -> None:
        """Route Ctrl-C and SIGTERM to a clean stop; call before `start` so a signal during
        start-up does not leave children behind."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._stopping.set)

    @property
    def stop_requested(self) -> bool:
        return self._stopping.is_set()

    async def start(self) -> bool:
        """Spawn every process and wait until all are healthy. Returns False when a stop was
        requested meanwhile; raises StartupError when one cannot start."""
        started = time.monotonic()
        for spec in self.specs:
            process = await _spawn(spec)
            child = Child(spec=spec, process=process)
            self.children.append(child)
            self._pumps.append(asyncio.create_task(_pump(child)))
        async with httpx.AsyncClient() as http:
            healthy = asyncio.ensure_future(
                asyncio.gather(*(self._wait_healthy(c, http, started) for c in self.children))
            )
            stop = asyncio.create_task(self._stopping.wait())
            waiters: list[asyncio.Future[Any]] = [healthy, stop]
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if not healthy.done():
                healthy.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await healthy
                return False
            healthy.result()  # re-raises StartupError
        return True

    async def _wait_healthy(self, child: Child, http: httpx.AsyncClient, started: float) -> None:
        deadline = started + child.spec.startup_timeout
        while time.monotonic() < deadline:
            if child.process.returncode is not None:
                await asyncio.sleep(0.2)  # let the log pump drain the last lines
                last = "\n    ".join(list(child.tail)[-8:]) or "(no output)"
                raise StartupError(
                    f"{child.spec.name} exited with code {child.process.returncode} while "
                    f"starting. Last output:\n    {last}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if await child.spec.health(http):
                    child.healthy_after = time.monotonic() - started
                    return
            await asyncio.sleep(0.25)
        raise StartupError(
            f"{child.spec.name} was not healthy after {child.spec.startup_timeout:.0f} s"
        )

    async def wait(self) -> int:
        """Keep the children running until a stop signal (returns 0): a child that exits is
        restarted after a backoff delay, and the log says so."""
        watchers = [asyncio.create_task(self._keep_running(c)) for c in self.children]
        await self._stopping.wait()
        for watcher in watchers:
            watcher.cancel()
        for watcher in watchers:
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        return 0

    async def _keep_running(self, child: Child) -> None:
        delay = BACKOFF_START
        while not self._stopping.is_set():
            code = await child.process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - child.started_at > STABLE_AFTER:
                delay = BACKOFF_START
            print(
                f"error: {child.spec.name} stopped unexpectedly (exit {code}); "
                f"restarting in {delay:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)
            if self._stopping.is_set():
                return
            child.process = await _spawn(child.spec)
            child.started_at = time.monotonic()
            child.restarts += 1
            self._pumps.append(asyncio.create_task(_pump(child)))
            print(
                f"{child.spec.name} restarted (restart {child.restarts}, pid {child.process.pid})",
                flush=True,
            )

    async def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM every child (gateway first, so no new work reaches the others), then
        SIGKILL what has not exited after `timeout` seconds."""
        for child in reversed(self.children):
            if child.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in self.children:
            remaining = max(0.1, deadline - time.monotonic())
            try:
                await asyncio.wait_for(child.process.wait(), remaining)
            except asyncio.TimeoutError:
                print(
                    f"{child.spec.name} did not stop within {timeout:.0f} s of SIGTERM: killed",
                    flush=True,
                )
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGKILL)
                await child.process.wait()
        for pump in self._pumps:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(pump, 2.0)
