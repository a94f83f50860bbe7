"""`parceldesk run`: Rasa server, action server and gateway as one unit."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import secrets
import sys
from pathlib import Path

import httpx

from bot.carriers.registry import carriers_notice
from bot.channels.widget.snippet import snippet
from bot.config import Settings
from bot.rasa_project import model_path, newest_model, write_endpoints
from bot.supervisor import HealthCheck, ProcessSpec, StartupError, Supervisor, port_in_use

WS_MAX_BYTES = 64 * 1024
MAX_CONNECTIONS = 10_000
REQUIRED_PACKAGES = ("rasa", "rasa_sdk", "uvicorn", "starlette", "sqlalchemy", "alembic")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="model archive to serve (default: the current one)")


def _check_packages() -> None:
    missing = [name for name in REQUIRED_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        raise StartupError(
            f"missing Python package(s): {', '.join(missing)}. Install the project with "
            "`make install` (or `pip install -e .`) in a Python 3.10 virtualenv."
        )


def _check_ports(settings: Settings) -> None:
    rasa = [("rasa", settings.rasa_port + i) for i in range(settings.rasa_processes)]
    for name, port in (
        ("gateway", settings.port),
        *rasa,
        ("actions", settings.actions_port),
    ):
        if port_in_use(settings.host, port):
            setting = {
                "gateway": "PARCELDESK_PORT",
                "rasa": "PARCELDESK_RASA_PORT",
                "actions": "PARCELDESK_ACTIONS_PORT",
            }[name]
            raise StartupError(
                f"port {port} ({name}) is already in use on {settings.host}. Stop whatever "
                f"listens there or choose another port with {setting}."
            )


def _check_rasa_processes(settings: Settings) -> None:
    # Several Rasa processes share the tracker store; only a shared lock store keeps them from
    # working on one conversation at once (the gateway's own order covers only its messages).
    if settings.rasa_processes > 1 and not settings.redis_url:
        raise StartupError(
            f"PARCELDESK_RASA_PROCESSES={settings.rasa_processes} needs Rasa's Redis lock store: "
            "set PARCELDESK_REDIS_URL (e.g. redis://127.0.0.1:6379/0)."
        )


def _pick_model(settings: Settings, explicit: str | None) -> Path:
    if explicit:
        path = Path(explicit)
        if not path.exists():
            raise StartupError(f"model {explicit} does not exist")
        return path
    current = model_path(settings)
    if current.exists():
        return current
    fallback = newest_model(settings)
    if fallback is None:
        raise StartupError(
            f"no trained Rasa model in {settings.model_dir}. Run `parceldesk train` "
            "(or `make run`, which trains first)."
        )
    print(
        f"warning: training data changed since {fallback.name}; serving it anyway. "
        "Run `parceldesk train` to update.",
        file=sys.stderr,
    )
    return fallback


def build_specs(settings: Settings, model: Path, endpoints: Path, token: str) -> list[ProcessSpec]:
    """The three processes with their commands, environments and health checks."""
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONUNBUFFERED": "1",
        "PARCELDESK_RASA_TOKEN": token,
        "PARCELDESK_RASA_URL": settings.rasa_url,
        "PARCELDESK_RASA_URLS": ",".join(settings.rasa_urls or (settings.rasa_url,)),
        "PARCELDESK_ACTIONS_URL": settings.actions_url,
        "PARCELDESK_DATABASE_URL": settings.database_url,
    }
    py = sys.executable

    def rasa_ready(port: int) -> HealthCheck:
        async def ready(http: httpx.AsyncClient) -> bool:
            response = await http.get(
                f"http://127.0.0.1:{port}/status", params={"token": token}, timeout=2.0
            )
            return response.status_code == 200 and bool(response.json().get("model_file"))

        return ready

    def rasa(index: int) -> ProcessSpec:
        port = settings.rasa_port + index
        return ProcessSpec(
            name="rasa" if index == 0 else f"rasa-{index + 1}",
            argv=[
                py,
                "-m",
                # `rasa run` with bot.rasa_patches applied (schema validator built once).
                "bot.rasa_launcher",
                "run",
                "--enable-api",
                # The auth token travels in PARCELDESK_RASA_TOKEN; bot.rasa_launcher adds it
                # inside the process, so `ps` never shows it.
                "-i",
                "127.0.0.1",
                "-p",
                str(port),
                "--model",
                str(model),
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(settings.home / "credentials.yml"),
            ],
            env=env,
            health=rasa_ready(port),
            port=port,
            cwd=str(settings.home),
        )

    async def actions_ready(http: httpx.AsyncClient) -> bool:
        response = await http.get(f"{settings.actions_url}/health", timeout=2.0)
        return response.status_code == 200

    async def gateway_ready(http: httpx.AsyncClient) -> bool:
        # Any answer means the gateway serves; /healthz reports the other two separately.
        response = await http.get(f"http://{settings.host}:{settings.port}/healthz", timeout=2.0)
        return response.status_code in (200, 503)

    return [
        *(rasa(i) for i in range(settings.rasa_processes)),
        ProcessSpec(
            name="actions",
            # Only callers with PARCELDESK_INTERNAL_TOKEN (Rasa) get answers; loopback only.
            argv=[
                py,
                "-m",
                "bot.actions_launcher",
                "--actions",
                "actions",
                "-p",
                str(settings.actions_port),
            ],
            env={**env, "SANIC_HOST": "127.0.0.1"},
            health=actions_ready,
            port=settings.actions_port,
            cwd=str(settings.home),
        ),
        ProcessSpec(
            name="gateway",
            argv=[
                py,
                "-m",
                "uvicorn",
                "bot.app:create_app",
                "--factory",
                "--host",
                settings.host,
                "--port",
                str(settings.port),
                "--ws",
                "wsproto",
                # A chat frame is at most 4,000 characters; refuse 16 MB frames at the door.
                "--ws-max-size",
                str(WS_MAX_BYTES),
                # Beyond this many open connections new ones get 503 instead of memory.
                "--limit-concurrency",
                str(MAX_CONNECTIONS),
                "--log-level",
                settings.log_level.lower(),
            ],
            env=env,
            health=gateway_ready,
            port=settings.port,
            cwd=str(settings.home),
        ),
    ]


async def _run(settings: Settings, model: Path) -> int:
    from bot.storage.migrate import upgrade

    upgrade(settings.database_url)
    endpoints = write_endpoints(settings)
    token = settings.rasa_token or secrets.token_hex(24)
    if not settings.internal_token:
        # Shared by the gateway, Rasa and the action server through their environment.
        os.environ["PARCELDESK_INTERNAL_TOKEN"] = secrets.token_urlsafe(32)
    if not settings.api_keys:
        # A local key for trying the API; the gateway child reads it from the environment.
        os.environ["PARCELDESK_API_KEYS"] = "pd_local_" + secrets.token_urlsafe(18)
    supervisor = Supervisor(build_specs(settings, model, endpoints, token), host=settings.host)
    supervisor.install_signal_handlers()
    print(f"starting ParcelDesk with model {model.name} ...", flush=True)
    try:
        if not await supervisor.start():
            print("stopping ParcelDesk (interrupted during start-up) ...", flush=True)
            return 0
        _print_banner(settings, supervisor)
        code = await supervisor.wait()
        print("stopping ParcelDesk ...", flush=True)
        return code
    finally:
        # Whatever happened (signal, crash, failed start), no child outlives this command.
        await supervisor.stop()


def _print_banner(settings: Settings, supervisor: Supervisor) -> None:
    base = f"http://{settings.host}:{settings.port}"
    timings = ", ".join(f"{c.spec.name} {c.healthy_after:.1f} s" for c in supervisor.children)
    print(
        "\nParcelDesk is running (healthy after: " + timings + ")\n"
        f"  demo shop      {base}/  (the chat widget, embedded the way a shop would)\n"
        f"  HTTP API       POST {base}/api/v1/conversations/<id>/messages\n"
        f"                 with -H 'Authorization: Bearer {_api_key(settings)}'\n"
        f"  health         {base}/healthz\n"
        f"  Rasa server    {', '.join(settings.rasa_urls or (settings.rasa_url,))}"
        " (token in PARCELDESK_RASA_TOKEN)\n"
        f"  action server  {settings.actions_url}\n"
        f"  carriers       {carriers_notice(settings)}\n"
        "Press Ctrl-C to stop.\n",
        flush=True,
    )
    origins = ", ".join(settings.widget_origins)
    print(
        "Embed the chat on your site (allowed sites: PARCELDESK_WIDGET_ORIGINS = "
        f"{origins}):\n{snippet(base)}\n",
        flush=True,
    )


def _api_key(settings: Settings) -> str:
    """The key to show: the generated local one, or a hint when the operator set their own."""
    if settings.api_keys:
        return "<one of PARCELDESK_API_KEYS>"
    return os.environ.get("PARCELDESK_API_KEYS", "").split(",")[0]


def main(args: argparse.Namespace) -> int:
    # Databases, logs and generated endpoint files hold buyers' data: owner-only from here on
    # (the three children inherit this).
    os.umask(0o077)
    try:
        settings = Settings.from_env()
    except ValueError as exc:  # a malformed PARCELDESK_* value
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        _check_packages()
        _check_rasa_processes(settings)
        _check_ports(settings)
        model = _pick_model(settings, args.model)
        return asyncio.run(_run(settings, model))
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
