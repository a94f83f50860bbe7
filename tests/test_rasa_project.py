"""Model freshness is keyed by a content hash of the training inputs."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.rasa_project import model_path, training_hash, write_endpoints


def _project(root: Path) -> None:
    (root / "data" / "nlu").mkdir(parents=True)
    (root / "domain.yml").write_text("version: '3.1'\n")
    (root / "config.yml").write_text("pipeline: []\n")
    (root / "data" / "nlu" / "greet.yml").write_text("nlu: []\n")


def test_the_hash_is_stable_and_changes_with_any_training_file(tmp_path: Path) -> None:
    _project(tmp_path)
    first = training_hash(tmp_path)
    assert training_hash(tmp_path) == first
    (tmp_path / "data" / "nlu" / "greet.yml").write_text("nlu: [x]\n")
    second = training_hash(tmp_path)
    assert second != first
    (tmp_path / "README.md").write_text("docs do not need a new model")
    assert training_hash(tmp_path) == second


def test_the_model_path_is_named_after_the_hash(tmp_path: Path) -> None:
    _project(tmp_path)
    settings = Settings.from_env({"PARCELDESK_HOME": str(tmp_path)})
    assert model_path(settings).name == f"parceldesk-{training_hash(tmp_path)}.tar.gz"


def test_endpoints_use_sql_trackers_and_redis_locks_from_settings(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "PARCELDESK_HOME": str(tmp_path),
            "PARCELDESK_ACTIONS_PORT": "6123",
            "PARCELDESK_RASA_TRACKER_URL": "postgresql://rasa:pw@127.0.0.1:5432/test",
            "PARCELDESK_REDIS_URL": "redis://127.0.0.1:6379/2",
        }
    )
    text = write_endpoints(settings).read_text()
    assert 'url: "http://127.0.0.1:6123/webhook"' in text
    assert 'dialect: "postgresql"' in text and 'db: "test"' in text
    assert 'username: "rasa"' in text and 'password: "pw"' in text
    assert "type: redis" in text and "db: 2" in text


def test_default_tracker_store_is_an_sqlite_file_under_var(tmp_path: Path) -> None:
    settings = Settings.from_env({"PARCELDESK_HOME": str(tmp_path)})
    text = write_endpoints(settings).read_text()
    assert f'db: "{tmp_path.resolve() / "var" / "rasa_tracker.db"}"' in text
    assert "lock_store" not in text
