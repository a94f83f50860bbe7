"""Settings, read once from the environment (`PARCELDESK_*`). Nothing here runs at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.tracking.thresholds import Thresholds

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The embedded default: pages on this machine only, any port.
WIDGET_ORIGINS_DEFAULT = ("http://localhost:*", "http://127.0.0.1:*")


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{key} must be an integer, got {raw!r}") from exc


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{key} must be a number, got {raw!r}") from exc


def _bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{key} must be true or false, got {raw!r}")


def _list(env: Mapping[str, str], key: str, default: str) -> tuple[str, ...]:
    raw = env.get(key, default)
    return tuple(p.strip() for p in raw.split(",") if p.strip())


@dataclass(frozen=True)
class Settings:
    """Every ParcelDesk setting. `.env.example` documents each one."""

    home: Path = PROJECT_ROOT
    var_dir: Path = PROJECT_ROOT / "var"
    host: str = "127.0.0.1"
    port: int = 8000
    rasa_port: int = 5005
    actions_port: int = 5055
    rasa_url: str = "http://127.0.0.1:5005"
    # Every Rasa server the gateway sends to, round robin (default: just rasa_url).
    rasa_urls: tuple[str, ...] = ()
    # Rasa processes `parceldesk run` starts, on rasa_port, rasa_port + 1, ...
    rasa_processes: int = 1
    rasa_token: str = ""
    rasa_timeout: float = 30.0
    internal_token: str = ""
    actions_url: str = "http://127.0.0.1:5055"
    database_url: str = ""
    rasa_tracker_url: str = ""
    redis_url: str = ""
    model_dir: Path = PROJECT_ROOT / "models"
    log_level: str = "INFO"
    providers: tuple[str, ...] = ("demo",)
    # Languages buyers are answered in (catalogues in bot/texts); the rest get English.
    languages: tuple[str, ...] = ("en", "es", "de", "fr", "pt", "ru")
    default_language: str = "en"
    provider_timeout: float = 8.0
    # Every PARCELDESK_* variable as read: each provider module reads its own settings from
    # here by its prefix (bot.carriers.spec), so adding a carrier adds no field to this class.
    env: Mapping[str, str] = field(default_factory=dict)
    telegram_token: str = ""
    telegram_api_url: str = ""
    telegram_webhook_url: str = ""
    telegram_secret: str = ""
    notifier_interval: float = 300.0
    notifier_recheck_minutes: float = 360.0
    office_hours: str = ""
    handoff_timeout: float = 600.0
    # Sites allowed to embed the chat widget (frame-ancestors and the socket's Origin check).
    widget_origins: tuple[str, ...] = WIDGET_ORIGINS_DEFAULT
    widget_identity_secret: str = ""
    widget_identity_required: bool = False
    api_keys: tuple[str, ...] = ()
    # Orders: failed verification tries allowed per conversation / per client and hour.
    order_attempts_per_conversation: int = 3
    order_attempts_per_client: int = 10
    order_sync_days: int = 30
    shopify_store_url: str = ""
    shopify_access_token: str = ""
    shopify_api_version: str = "2025-01"
    woocommerce_url: str = ""
    woocommerce_consumer_key: str = ""
    woocommerce_consumer_secret: str = ""
    # How long each leg of a journey may stay silent (PARCELDESK_WAIT_*), for `diagnose()`.
    thresholds: Thresholds = field(default_factory=Thresholds)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `environ` (default: the process environment)."""
        env = os.environ if environ is None else environ
        home = Path(env.get("PARCELDESK_HOME", str(PROJECT_ROOT))).resolve()
        var_dir = Path(env.get("PARCELDESK_VAR_DIR", str(home / "var"))).resolve()
        port = _int(env, "PARCELDESK_PORT", 8000)
        rasa_port = _int(env, "PARCELDESK_RASA_PORT", 5005)
        actions_port = _int(env, "PARCELDESK_ACTIONS_PORT", 5055)
        rasa_url = env.get("PARCELDESK_RASA_URL", "").strip().rstrip("/") or (
            f"http://127.0.0.1:{rasa_port}"
        )
        rasa_processes = _int(env, "PARCELDESK_RASA_PROCESSES", 1)
        if rasa_processes < 1:
            raise ValueError(f"PARCELDESK_RASA_PROCESSES must be 1 or more, got {rasa_processes}")
        local = [f"http://127.0.0.1:{rasa_port + i}" for i in range(1, rasa_processes)]
        rasa_urls = tuple(u.rstrip("/") for u in _list(env, "PARCELDESK_RASA_URLS", "")) or (
            rasa_url,
            *local,
        )
        database_url = env.get("PARCELDESK_DATABASE_URL", "").strip() or (
            f"sqlite+aiosqlite:///{var_dir / 'parceldesk.db'}"
        )
        return cls(
            home=home,
            var_dir=var_dir,
            host=env.get("PARCELDESK_HOST", "127.0.0.1"),
            port=port,
            rasa_port=rasa_port,
            actions_port=actions_port,
            rasa_url=rasa_url,
            rasa_urls=rasa_urls,
            rasa_processes=rasa_processes,
            rasa_token=env.get("PARCELDESK_RASA_TOKEN", ""),
            rasa_timeout=_float(env, "PARCELDESK_RASA_TIMEOUT", 30.0),
            internal_token=env.get("PARCELDESK_INTERNAL_TOKEN", ""),
            actions_url=env.get("PARCELDESK_ACTIONS_URL", "").strip().rstrip("/")
            or f"http://127.0.0.1:{actions_port}",
            database_url=database_url,
            rasa_tracker_url=env.get("PARCELDESK_RASA_TRACKER_URL", "").strip()
            or f"sqlite:///{var_dir / 'rasa_tracker.db'}",
            redis_url=env.get("PARCELDESK_REDIS_URL", "").strip(),
            model_dir=Path(env.get("PARCELDESK_MODEL_DIR", str(home / "models"))).resolve(),
            log_level=env.get("PARCELDESK_LOG_LEVEL", "INFO").upper(),
            providers=_list(env, "PARCELDESK_PROVIDERS", "demo"),
            languages=_list(env, "PARCELDESK_LANGUAGES", "en,es,de,fr,pt,ru"),
            default_language=env.get("PARCELDESK_DEFAULT_LANGUAGE", "en").strip() or "en",
            provider_timeout=_float(env, "PARCELDESK_PROVIDER_TIMEOUT", 8.0),
            env={k: v for k, v in env.items() if k.startswith("PARCELDESK_")},
            telegram_token=env.get("PARCELDESK_TELEGRAM_TOKEN", ""),
            telegram_api_url=env.get("PARCELDESK_TELEGRAM_API_URL", ""),
            telegram_webhook_url=env.get("PARCELDESK_TELEGRAM_WEBHOOK_URL", ""),
            telegram_secret=env.get("PARCELDESK_TELEGRAM_SECRET", ""),
            notifier_interval=_float(env, "PARCELDESK_NOTIFIER_INTERVAL", 300.0),
            notifier_recheck_minutes=_float(env, "PARCELDESK_NOTIFIER_RECHECK_MINUTES", 360.0),
            office_hours=env.get("PARCELDESK_OFFICE_HOURS", "").strip(),
            handoff_timeout=_float(env, "PARCELDESK_HANDOFF_TIMEOUT", 600.0),
            widget_origins=_list(
                env, "PARCELDESK_WIDGET_ORIGINS", ",".join(WIDGET_ORIGINS_DEFAULT)
            ),
            widget_identity_secret=env.get("PARCELDESK_WIDGET_IDENTITY_SECRET", ""),
            widget_identity_required=_bool(env, "PARCELDESK_WIDGET_IDENTITY_REQUIRED", False),
            api_keys=_list(env, "PARCELDESK_API_KEYS", ""),
            order_attempts_per_conversation=_int(
                env, "PARCELDESK_ORDER_ATTEMPTS_PER_CONVERSATION", 3
            ),
            order_attempts_per_client=_int(env, "PARCELDESK_ORDER_ATTEMPTS_PER_CLIENT", 10),
            order_sync_days=_int(env, "PARCELDESK_ORDER_SYNC_DAYS", 30),
            shopify_store_url=env.get("PARCELDESK_SHOPIFY_STORE_URL", "").strip().rstrip("/"),
            shopify_access_token=env.get("PARCELDESK_SHOPIFY_ACCESS_TOKEN", ""),
            shopify_api_version=env.get("PARCELDESK_SHOPIFY_API_VERSION", "").strip()
            or cls.shopify_api_version,
            woocommerce_url=env.get("PARCELDESK_WOOCOMMERCE_URL", "").strip().rstrip("/"),
            woocommerce_consumer_key=env.get("PARCELDESK_WOOCOMMERCE_CONSUMER_KEY", ""),
            woocommerce_consumer_secret=env.get("PARCELDESK_WOOCOMMERCE_CONSUMER_SECRET", ""),
            thresholds=Thresholds.from_mapping(env),
        )

    @property
    def sync_database_url(self) -> str:
        """The database URL with a synchronous driver, for Alembic."""
        return to_sync_url(self.database_url)


def to_sync_url(url: str) -> str:
    """Map an async driver URL onto its synchronous twin (for Alembic and scripts)."""
    return url.replace("sqlite+aiosqlite:", "sqlite:").replace(
        "postgresql+asyncpg:", "postgresql+psycopg2:"
    )


def to_async_url(url: str) -> str:
    """Map a plain URL onto the async driver the gateway uses."""
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url[len("sqlite:") :]
    if url.startswith(("postgresql:", "postgres:")):
        return "postgresql+asyncpg:" + url.split(":", 1)[1]
    if url.startswith("postgresql+psycopg2:"):
        return "postgresql+asyncpg:" + url[len("postgresql+psycopg2:") :]
    return url
