"""One multilingual NLU model or one model per language? Measured, for docs/nlu.md.

Trains NLU-only models of the current data/nlu in a temporary directory:
  - "multilingual": every data/nlu/*.yml in one model (what `parceldesk train` builds),
  - "per language": for each language with a training file data/nlu/<code>.yml, a model of
    that file alone; English gets the other data/nlu/*.yml files,
then serves each with `rasa run --enable-api` and scores that language's held-out sets
(bench/heldout: lang_<code>.txt; buyers/context/fresh for English): accuracy, confidently
wrong, parse p50, and the Rasa process's resident memory. A per-language set-up needs one
Rasa process per language (Rasa serves one model per process) plus a router in front of them
that guesses the language; the figures assume that guess is always right.

Reproduce:  .venv/bin/python bench/nlu_languages.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import httpx  # noqa: E402

from bench.heldout import Example, heldout_sets, score  # noqa: E402
from bench.languages import set_language  # noqa: E402
from bench.nlu import fallback_threshold, rasa_env, rss_mib  # noqa: E402
from bot.texts import LANGUAGES  # noqa: E402
from tests.support.ports import free_port  # noqa: E402

NLU_DIR = ROOT / "data" / "nlu"
ENV = rasa_env()


@dataclass
class Figures:
    model: str
    lang: str
    messages: int
    accuracy: float
    confidently_wrong: float
    parse_p50_ms: float
    rss_mib: float
    train_s: float


def language_files() -> dict[str, list[Path]]:
    """Training files per language: data/nlu/<code>.yml, and the rest for English."""
    files = sorted(NLU_DIR.glob("*.yml"))
    by_lang = {c: [p] for c in LANGUAGES if c != "en" for p in files if p.stem == c}
    by_lang["en"] = [p for p in files if p.stem not in LANGUAGES]
    return by_lang


def train(name: str, files: list[Path], work: Path) -> tuple[Path, float]:
    data = work / f"data-{name}"
    data.mkdir()
    for path in files:
        shutil.copy(path, data / path.name)
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "train",
            "nlu",
            "--nlu",
            str(data),
            "-c",
            "config.yml",
            "--out",
            str(work / f"models-{name}"),
            "--fixed-model-name",
            name,
        ],
        cwd=ROOT,
        env=ENV,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return work / f"models-{name}" / f"{name}.tar.gz", time.monotonic() - started


def serve_and_score(
    model: Path, sets: dict[str, list[Example]], langs: list[str], name: str, train_s: float
) -> list[Figures]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rasa", "run", "--enable-api", "-m", str(model), "--port",
         str(port), "--credentials", "credentials.yml"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    threshold = fallback_threshold()
    results = []
    try:
        with httpx.Client(timeout=10.0) as client:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"rasa exited with {process.returncode}")
                try:
                    if client.get(f"{url}/status").json().get("model_id"):
                        break
                except (httpx.HTTPError, ValueError):  # not up yet, or not Rasa on that port
                    pass
                time.sleep(0.1)
            for lang in langs:
                examples = [e for n, ex in sets.items() if set_language(n) == lang for e in ex]
                if not examples:
                    continue
                timings: list[float] = []

                def parse(text: str, timings: list[float] = timings) -> tuple[str, float]:
                    t0 = time.perf_counter()
                    response = client.post(f"{url}/model/parse", json={"text": text})
                    timings.append((time.perf_counter() - t0) * 1000)
                    intent = response.json()["intent"]
                    return intent["name"], float(intent["confidence"])

                result = score(lang, examples, parse, threshold)
                results.append(
                    Figures(
                        model=name,
                        lang=lang,
                        messages=result.total,
                        accuracy=result.accuracy,
                        confidently_wrong=result.confidently_wrong_rate,
                        parse_p50_ms=statistics.median(timings),
                        rss_mib=rss_mib(process.pid),
                        train_s=train_s,
                    )
                )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    return results


def main() -> int:
    sets = heldout_sets()
    by_lang = language_files()
    langs = [c for c in LANGUAGES if c in by_lang]
    rows: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="nlu-languages-") as tmp:
        work = Path(tmp)
        everything = [p for files in by_lang.values() for p in files]
        model, seconds = train("multilingual", everything, work)
        rows += serve_and_score(model, sets, langs, "multilingual", seconds)
        for lang in langs:
            model, seconds = train(f"only-{lang}", by_lang[lang], work)
            rows += serve_and_score(model, sets, [lang], f"only-{lang}", seconds)
    print("model          lang  held-out  accuracy  conf. wrong  parse p50  Rasa RSS  train")
    for r in rows:
        print(
            f"{r.model:<14} {r.lang:<4} {r.messages:>8}  {r.accuracy:>8.3f}  "
            f"{r.confidently_wrong:>11.1%}  {r.parse_p50_ms:>6.1f} ms  {r.rss_mib:>5.0f} MiB  "
            f"{r.train_s:>4.0f} s"
        )
    multi = [r for r in rows if r.model == "multilingual"]
    single = [r for r in rows if r.model != "multilingual"]
    if multi and single:
        print(
            f"memory: one multilingual Rasa {multi[0].rss_mib:.0f} MiB; one Rasa per language "
            f"{sum(r.rss_mib for r in single):.0f} MiB in all ({len(single)} processes)"
        )
    print("reproduce: .venv/bin/python bench/nlu_languages.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
