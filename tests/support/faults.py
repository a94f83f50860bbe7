"""Fault injection on the real stack, for tests/faults/ and bench/faults.py.

A steady stream of buyer messages goes through the HTTP API (each with its own client id, so a
well-behaved client can resend after a dropped connection or a 503 without a duplicate) while a
fault hits one process or the database. Afterwards the gateway's database is the judge: every
message sent is stored once and answered once, or stored and marked failed with the buyer told.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.stack import Stack


def pid_listening(port: int) -> int:
    """The pid of the process listening on 127.0.0.1:`port` (from /proc, no extra tools)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            for line in list(lines)[1:]:
                parts = line.split()
                local, state, inode = parts[1], parts[3], parts[9]
                if state == "0A" and int(local.split(":")[1], 16) == port:
                    inodes.add(f"socket:[{inode}]")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                        return int(pid)
    raise LookupError(f"nothing listens on port {port}")


def wait_listening(port: int, timeout: float = 120.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return pid_listening(port)
        except LookupError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@dataclass
class Load:
    """Buyers sending messages at a steady pace; resends keep the same client id."""

    stack: Stack
    conversations: int = 4
    pause: float = 0.4
    sent: list[str] = field(default_factory=list)  # client ids the buyers wanted stored
    refused: int = 0  # 503s and dropped connections the client was told about and resent
    prefix: str = field(default_factory=lambda: "fault-" + uuid.uuid4().hex[:6])
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _buyer(self, n: int) -> None:
        conversation = f"{self.prefix}-{n}"
        url = f"{self.stack.url}/api/v1/conversations/{conversation}/messages"
        with httpx.Client(timeout=60) as http:
            i = 0
            while not self._stop.is_set():
                client_id = f"{conversation}-{i}"
                self.sent.append(client_id)
                body = {"text": f"where is my parcel RR123456785CN ({i})", "client_id": client_id}
                while True:  # a buyer resends until the gateway says it has the message
                    try:
                        response = http.post(url, json=body, headers=self.stack.api_headers)
                    except httpx.HTTPError:
                        self.refused += 1
                        time.sleep(0.5)
                        continue
                    if response.status_code == 503:
                        self.refused += 1
                        time.sleep(float(response.headers.get("retry-after", "1")))
                        continue
                    if response.status_code == 429:
                        time.sleep(float(response.headers.get("retry-after", "1")))
                        continue
                    response.raise_for_status()
                    break
                i += 1
                time.sleep(self.pause)

    def __enter__(self) -> Load:
        for n in range(self.conversations):
            thread = threading.Thread(target=self._buyer, args=(n,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(120)


@dataclass
class Outcome:
    fault: str
    sent: int
    stored: int
    answered: int
    failed_told: int
    lost: int
    duplicated: int
    told_to_resend: int
    recovery_s: float

    def row(self) -> str:
        return (
            f"| {self.fault} | {self.sent} | {self.stored} | {self.answered} | "
            f"{self.failed_told} | {self.lost} | {self.duplicated} | {self.told_to_resend} | "
            f"{self.recovery_s:.1f} |"
        )


HEADER = (
    "| fault | sent | stored | answered once | failed, buyer told | lost | duplicated | "
    "refused and resent by the client | recovery (s) |\n|---|---|---|---|---|---|---|---|---|"
)


def _rows(db: Path, prefix: str) -> list[tuple]:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(
            "select m.id, m.client_id, m.status, "
            " (select count(*) from messages r where r.in_reply_to = m.id and r.sender = 'bot'),"
            " (select count(*) from messages r where r.in_reply_to = m.id and r.sender = 'system')"
            " from messages m where m.direction = 'in' and m.client_id like ?",
            (prefix + "-%",),
        ).fetchall()


def settle(db: Path, prefix: str, timeout: float = 180.0) -> float:
    """Wait until no message of this load is still waiting for an answer; seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        waiting = [r for r in _rows(db, prefix) if r[2] in ("received", "held", "retrying")]
        if not waiting:
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"messages still unanswered after {timeout:.0f} s")


def judge(fault: str, load: Load, db: Path, recovery: float) -> Outcome:
    rows = _rows(db, load.prefix)
    by_client: dict[str, list[tuple]] = {}
    for row in rows:
        by_client.setdefault(row[1], []).append(row)
    answered = sum(1 for r in rows if r[2] == "processed" and r[3] >= 1)
    failed_told = sum(1 for r in rows if r[2] == "failed" and r[4] >= 1)
    stored = len(by_client)
    lost = len([c for c in set(load.sent) if c not in by_client])
    # Stored twice, or answered by the bot in two separate answers (one per message).
    duplicated = sum(1 for v in by_client.values() if len(v) > 1)
    return Outcome(
        fault,
        len(set(load.sent)),
        stored,
        answered,
        failed_told,
        lost,
        duplicated,
        load.refused,
        recovery,
    )


def run_fault(
    stack: Stack,
    db: Path,
    name: str,
    inject: Callable[[], None],
    recover: Callable[[], None],
    *,
    before: float = 2.0,
    during: float = 6.0,
    after: float = 3.0,
) -> Outcome:
    """Steady load; fault at `before` s; recovery `during` s later; load stops `after` s on."""
    with Load(stack) as load:
        time.sleep(before)
        inject()
        time.sleep(during)
        recovered_at = time.monotonic()
        recover()
        time.sleep(after)
    settle(db, load.prefix)
    return judge(name, load, db, time.monotonic() - recovered_at)


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def locked_database(db: Path) -> Iterator[Callable[[], None]]:
    """Hold SQLite's exclusive write lock from another process until released."""
    holder = subprocess.Popen(
        [
            "python3",
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"

    def release() -> None:
        if holder.poll() is None:
            assert holder.stdin is not None
            holder.stdin.close()
            holder.wait(10)

    try:
        yield release
    finally:
        release()


def fill(directory: Path) -> Path:
    """Fill the filesystem under `directory` until it has no space left."""
    filler = directory / "filler"
    with open(filler, "wb") as out:
        chunk = b"\0" * (256 * 1024)
        with contextlib.suppress(OSError):
            while True:
                out.write(chunk)
                out.flush()
    return filler


@dataclass
class Scenario:
    name: str
    inject: Callable[[], None]
    recover: Callable[[], None]
    during: float
    # Filled in while the fault is on, for extra checks (e.g. what /healthz said).
    seen: dict[str, object] = field(default_factory=dict)


def scenarios(stack: Stack, tiny_disk: Path) -> dict[str, Scenario]:
    """Every fault of the suite, by key. `tiny_disk` holds the gateway's SQLite database."""
    db = tiny_disk / "parceldesk.db"
    made: dict[str, Scenario] = {}

    def add(key: str, scenario: Scenario) -> None:
        made[key] = scenario

    add(
        "actions",
        Scenario(
            "action server killed",
            inject=lambda: kill(pid_listening(stack.actions_port)),
            recover=lambda: wait_listening(stack.actions_port),
            during=1.0,
        ),
    )
    add(
        "rasa",
        Scenario(
            "Rasa killed",
            inject=lambda: kill(pid_listening(stack.rasa_port)),
            recover=lambda: wait_listening(stack.rasa_port),
            during=1.0,
        ),
    )
    frozen: list[int] = []

    def freeze() -> None:
        frozen.append(pid_listening(stack.rasa_port))
        os.kill(frozen[-1], signal.SIGSTOP)

    add(
        "frozen",
        Scenario(
            "Rasa frozen 8 s (gateway waits 4 s)",
            inject=freeze,
            recover=lambda: os.kill(frozen[-1], signal.SIGCONT),
            during=8.0,
        ),
    )
    add(
        "gateway",
        Scenario(
            "gateway killed mid-message",
            inject=lambda: kill(pid_listening(stack.port)),
            recover=lambda: wait_listening(stack.port),
            during=0.5,
        ),
    )
    lock_stack = contextlib.ExitStack()

    def lock() -> None:
        release = lock_stack.enter_context(locked_database(db))
        lock_stack.callback(release)
        status = httpx.get(f"{stack.url}/healthz", timeout=30).status_code
        made["lock"].seen["health"] = status

    add("lock", Scenario("database locked 6 s", inject=lock, recover=lock_stack.close, during=6.0))
    filler: list[Path] = []

    def fill_disk() -> None:
        # Shrink the WAL first: SQLite reuses a WAL file's old space, so a full disk would
        # only show once the WAL has to grow again.
        with sqlite3.connect(db, timeout=10) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filler.append(fill(tiny_disk))

    add(
        "disk",
        Scenario(
            "disk full 4 s",
            inject=fill_disk,
            recover=lambda: filler[-1].unlink(),
            during=4.0,
        ),
    )
    return made


def run_scenario(stack: Stack, tiny_disk: Path, scenario: Scenario) -> Outcome:
    return run_fault(
        stack,
        tiny_disk / "parceldesk.db",
        scenario.name,
        scenario.inject,
        scenario.recover,
        during=scenario.during,
    )


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "24m") -> Iterator[Path]:
    """Mount a small tmpfs at `path` (needs root); raises OSError when it cannot."""
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise OSError(f"cannot mount a tmpfs: {result.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def stack_env(tiny_disk: Path) -> dict[str, str]:
    return {
        "PARCELDESK_DATABASE_URL": f"sqlite:///{tiny_disk / 'parceldesk.db'}",
        "PARCELDESK_RASA_TIMEOUT": "4",
        "PARCELDESK_NOTIFIER_INTERVAL": "0",
    }
