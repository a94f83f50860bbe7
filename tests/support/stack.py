"""Start the real ParcelDesk stack (`parceldesk run`: Rasa, action server, gateway) for tests.

Each stack gets free ports and its own var/ directory (SQLite databases, generated endpoints),
and serves the model trained by `make test` (`parceldesk train`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Stack:
    process: subprocess.Popen[str]
    env: dict[str, str]
    var_dir: Path
    port: int
    rasa_port: int
    actions_port: int
    output: deque[str] = field(default_factory=lambda: deque(maxlen=400))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return self.env["PARCELDESK_DATABASE_URL"]

    @property
    def api_key(self) -> str:
        return self.env["PARCELDESK_API_KEYS"].split(",")[0]

    @property
    def api_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def conversation_id(self, api_conversation: str) -> str:
        """The gateway's id of a conversation made through the HTTP API with this key."""
        from bot.channels.api_auth import conversation_key

        return conversation_key(self.api_key, api_conversation)

    def log(self) -> str:
        return "\n".join(self.output)


def stack_env(var_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a stack on free ports with its state under `var_dir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARCELDESK_")}
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "PARCELDESK_VAR_DIR": str(var_dir),
            "PARCELDESK_PORT": str(free_port()),
            "PARCELDESK_RASA_PORT": str(free_port()),
            "PARCELDESK_ACTIONS_PORT": str(free_port()),
            "PARCELDESK_PROVIDERS": "demo",
            "PARCELDESK_API_KEYS": "pd_test_" + uuid.uuid4().hex,
            "PARCELDESK_INTERNAL_TOKEN": "pd_internal_" + uuid.uuid4().hex,
        }
    )
    env.update(extra or {})
    return env


@contextmanager
def running_stack(
    var_dir: Path, extra_env: dict[str, str] | None = None, timeout: float = 240.0
) -> Iterator[Stack]:
    """Run `parceldesk run` until it prints that it is running; stop it with SIGTERM after."""
    env = stack_env(var_dir, extra_env)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack = Stack(
        process=process,
        env=env,
        var_dir=var_dir,
        port=int(env["PARCELDESK_PORT"]),
        rasa_port=int(env["PARCELDESK_RASA_PORT"]),
        actions_port=int(env["PARCELDESK_ACTIONS_PORT"]),
    )
    ready = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            stack.output.append(line.rstrip())
            if "ParcelDesk is running" in line:
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while not ready.wait(0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            _terminate(process)
            raise RuntimeError(f"stack did not start (exit {process.poll()}):\n{stack.log()}")
    try:
        yield stack
    finally:
        _terminate(process)


def _terminate(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def say(stack: Stack, conversation_id: str, text: str) -> list[dict]:
    """One turn through the gateway's HTTP API; returns the reply messages."""
    response = httpx.post(
        f"{stack.url}/api/v1/conversations/{conversation_id}/messages",
        json={"text": text},
        headers=stack.api_headers,
        timeout=60.0,
    )
    response.raise_for_status()
    return response.json()["messages"]


def start_uvicorn_gateway(
    env: dict[str, str], *options: str, stderr: Any = subprocess.DEVNULL
) -> tuple[subprocess.Popen[bytes], str]:
    """`uvicorn bot.app:create_app` (the gateway alone) on a free port with `env`, plus
    uvicorn `options`; returns the process and its base URL (not yet answering)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bot.app:create_app", "--factory", "--host",
         "127.0.0.1", "--port", str(port), "--ws", "wsproto", *options],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}"


def wait_until_answers(url: str, timeout: float = 60.0) -> bool:
    """Poll `url` until the server answers at all (any status: a gateway without Rasa says
    503 on /healthz); False when it did not within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


@contextmanager
def gateway_replica(stack: Stack) -> Iterator[str]:
    """A second gateway (uvicorn) on its own port, sharing the stack's database and Rasa;
    yields its base URL once it answers."""
    replica, url = start_uvicorn_gateway(
        {**stack.env, "PARCELDESK_RASA_URL": f"http://127.0.0.1:{stack.rasa_port}"}
    )
    try:
        if not wait_until_answers(f"{url}/healthz", 30):
            raise RuntimeError(f"replica {url} did not answer")
        yield url
    finally:
        replica.terminate()
        replica.wait(20)


def add_agent(stack: Stack, name: str, password: str) -> None:
    """`parceldesk agents add NAME --password-stdin` against the stack's database."""
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "agents", "add", name, "--password-stdin"],
        input=password + "\n",
        text=True,
        env=stack.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
