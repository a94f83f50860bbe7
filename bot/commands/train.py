"""`parceldesk train`: train the Rasa model only when its inputs changed (content hash)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from bot.config import Settings
from bot.rasa_project import MODEL_PREFIX, model_path, training_hash


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="train even if a model is current")


def main(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    target = model_path(settings)
    if target.exists() and not args.force:
        print(f"model is up to date: {target.relative_to(settings.home)} (nothing to train)")
        return 0
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    name = f"{MODEL_PREFIX}{training_hash(settings.home)}"
    print(f"training Rasa model {name} (domain.yml, config.yml, data/ or bot/nlu changed)")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "--fixed-model-name",
            name,
            "--out",
            str(settings.model_dir),
            "--domain",
            "domain.yml",
            "--config",
            "config.yml",
            "--data",
            "data",
        ],
        cwd=settings.home,
        env=env,
        check=False,
    )
    if result.returncode != 0 or not target.exists():
        print(f"error: rasa train failed (exit {result.returncode})", file=sys.stderr)
        return result.returncode or 1
    print(f"trained {target.name} in {time.monotonic() - started:.0f} s")
    return 0
