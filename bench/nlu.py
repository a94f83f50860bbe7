"""Rasa NLU server figures: time to ready, resident memory, POST /model/parse latency, and the
latency of a whole buyer turn through the gateway's HTTP API.

Starts `rasa run --enable-api` on a free port with the model of the current data (no action
server is needed to parse), then the full stack (`parceldesk run`, demo carrier) for the
gateway turns. Targets (issue 6): parse p50 < 10 ms, ready < 20 s, RSS < 1 GB.

Also: tracking_number extraction F1 on unseen numbers (the public conformance set), and intent
accuracy on the hand-written held-out sets (bench/heldout/*.txt, never trained on): accuracy,
confusion pairs, the confidently-wrong rate (wrong intent at or above the fallback threshold)
and how many messages got a clarifying question instead.

Reproduce:  make train && .venv/bin/python bench/nlu.py [--parses 300] [--turns 60] [--no-gateway]
            .venv/bin/python bench/nlu.py --heldout-only [--show-wrong]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: put the repo root first.
ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import contextlib  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.rasa_project import model_path  # noqa: E402
from tests.support.ports import free_port  # noqa: E402

MESSAGES = [
    "hi",
    "where is my parcel RR123456785CN",
    "were is my pakage",
    "rr 123 456 785 cn",
    "why no update since 2 weeks",
    "is it stuck in customs",
    "when will it arrive",
    "i want to talk to a real person",
    "it says delivered but i dont have it",
    "track 1Z5R89390357567127",
    "i have two parcels UA242731678SG and LP526018152HK",
    "keep me updated",
    "thanks bye",
    "what is the weather today",
]
TURNS = ["hi", "where is my parcel RR123456785CN", "why no update", "thanks"]
# The public conformance set, copied into the test data with its licence (tests/data/conformance).
CONFORMANCE = ROOT / "tests" / "data" / "conformance" / "tracking_number_data" / "couriers"
# Sentences a buyer might wrap a number in; {n} is the number as typed.
TEMPLATES = [
    "{n}",
    "where is my parcel {n}",
    "hi my tracking is {n} pls check",
    "{n} no update why??",
    "track {n}",
    "the seller gave me {n}, where is it",
]
# Messages with numbers that are not tracking numbers: nothing may be extracted.
NO_TRACKING = [
    "i paid 25.99 dollars on 12/03/2024",
    "call me at +44 20 7946 0958",
    "my order was 3 weeks ago",
    "it weighs 1.5 kg and costs 300 usd",
    "iban DE89 3704 0044 0532 0130 00 for the refund",
    "postcode 10115 berlin, house 12b",
    "i waited 45 days already",
    "where is my parcel",
]


def rss_mib(pid: int) -> float:
    """Resident memory of `pid` and its descendants, in MiB (from /proc)."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pending.extend(int(c) for c in children)
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rasa_env() -> dict[str, str]:
    """Rasa's environment: endpoints.yml needs the internal token (any value works for a
    Rasa that only parses)."""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PARCELDESK_INTERNAL_TOKEN": os.environ.get("PARCELDESK_INTERNAL_TOKEN")
        or secrets.token_urlsafe(16),
    }


def fallback_threshold() -> float:
    """The FallbackClassifier threshold of config.yml (what "confident" means)."""
    import yaml

    config = yaml.safe_load((ROOT / "config.yml").read_text())
    return next(
        float(c["threshold"]) for c in config["pipeline"] if c["name"] == "FallbackClassifier"
    )


def training_texts() -> set[str]:
    """Normalised training messages, to count held-out messages that also appear in data/."""
    import re

    import yaml

    seen = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip()[2:])
                seen.add(re.sub(r"\W+", " ", text.lower()).strip())
    seen.discard("")
    return seen


def bench_heldout(url: str, client: httpx.Client, show_wrong: bool) -> list[float]:
    """Score every held-out set through POST /model/parse; returns the parse timings (ms)."""
    import re

    from bench.heldout import heldout_sets, report, score
    from bench.languages import PerLanguage

    threshold = fallback_threshold()
    trained = training_texts()
    timings: list[float] = []
    languages = PerLanguage()
    current_set = ""

    def parse(text: str) -> tuple[str, float]:
        t0 = time.perf_counter()
        response = client.post(f"{url}/model/parse", json={"text": text})
        millis = (time.perf_counter() - t0) * 1000
        timings.append(millis)
        response.raise_for_status()
        body = response.json()
        found = {
            str(e.get("value", "")).replace(" ", "").upper()
            for e in body.get("entities", [])
            if e.get("entity") == "tracking_number"
        }
        if current_set:
            languages.add_parse(current_set, text, found, millis)
        intent = body["intent"]
        return intent["name"], float(intent["confidence"])

    total = correct = wrong_confident = 0
    for name, examples in heldout_sets().items():
        current_set = name
        result = score(name, examples, parse, threshold)
        current_set = ""
        languages.add_score(name, result)
        total += result.total
        correct += result.correct
        wrong_confident += result.confidently_wrong
        unseen = [e for e in examples if re.sub(r"\W+", " ", e.text.lower()).strip() not in trained]
        for line in report(result, show_wrong=show_wrong):
            print(line)
        fresh = score(name, unseen, parse, threshold)
        print(
            f"  {result.total - fresh.total} of {result.total} also appear verbatim in data/nlu "
            f"(short replies such as 'yes', 'hi'); on the other {fresh.total}: accuracy "
            f"{fresh.accuracy:.3f}, confidently wrong {fresh.confidently_wrong_rate:.1%}"
        )
    print(
        f"held-out all      accuracy {correct / total:.3f} ({correct}/{total}), confidently "
        f"wrong {wrong_confident / total:.1%} (fallback threshold {threshold}; targets >= 0.90, "
        "<= 5%)"
    )
    for line in languages.report():
        print(line)
    return timings


def bench_rasa(
    model: Path, parses: int, heldout: bool = False, show_wrong: bool = False
) -> dict[str, float]:
    port = free_port()
    env = rasa_env()
    errors = tempfile.TemporaryFile()  # noqa: SIM115  # closed in the finally below, after Rasa stops
    started = time.monotonic()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rasa",
            "run",
            "--enable-api",
            "-m",
            str(model),
            "--port",
            str(port),
            "--credentials",
            "credentials.yml",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=errors,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=10.0) as client:
            while True:
                if process.poll() is not None:
                    errors.seek(0)
                    tail = errors.read().decode(errors="replace")[-2000:]
                    raise RuntimeError(f"rasa exited with {process.returncode}:\n{tail}")
                try:
                    if client.get(f"{url}/status").json().get("model_id"):
                        break
                except (httpx.HTTPError, ValueError):  # not up yet, or not Rasa on that port
                    pass
                time.sleep(0.05)
            ready = time.monotonic() - started
            heldout_timings = bench_heldout(url, client, show_wrong) if heldout else []
            messages = itertools.cycle(MESSAGES)
            for _ in range(20):  # warm-up
                client.post(f"{url}/model/parse", json={"text": next(messages)})
            timings = []
            for _ in range(parses):
                t0 = time.perf_counter()
                client.post(f"{url}/model/parse", json={"text": next(messages)}).raise_for_status()
                timings.append((time.perf_counter() - t0) * 1000)
            rss = rss_mib(process.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
        errors.close()
    return {
        "ready_s": ready,
        "rss_mib": rss,
        "parse_p50_ms": statistics.median(timings),
        "parse_p95_ms": percentile(timings, 0.95),
        "heldout_p50_ms": statistics.median(heldout_timings) if heldout_timings else 0.0,
        "heldout_parses": len(heldout_timings),
    }


def bench_gateway(turns: int) -> dict[str, float]:
    from tests.support.stack import running_stack, say

    timings = []
    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp)) as stack:
        say(stack, "warmup", "hi")
        for index in range(turns):
            conversation = f"bench-{index // len(TURNS)}"
            t0 = time.perf_counter()
            say(stack, conversation, TURNS[index % len(TURNS)])
            timings.append((time.perf_counter() - t0) * 1000)
    return {
        "turn_p50_ms": statistics.median(timings),
        "turn_p95_ms": percentile(timings, 0.95),
    }


def bench_entities() -> dict[str, float]:
    """tracking_number extraction on the public conformance numbers (not in the training data),
    typed as given, in lower case, and with spaces, inside buyer sentences."""
    import json

    from bot.nlu.spans import TRACKING_NUMBER, number_spans

    numbers = []
    for path in sorted(CONFORMANCE.glob("*.json")):
        for fmt in json.loads(path.read_text())["tracking_numbers"]:
            numbers += [n.strip() for n in fmt.get("test_numbers", {}).get("valid", [])]
    found = expected = false_positives = 0
    for number in numbers:
        want = "".join(ch for ch in number if ch.isalnum()).upper()
        spaced = " ".join(want[i : i + 4] for i in range(0, len(want), 4))
        for typed in {number, number.lower(), spaced}:
            for template in TEMPLATES:
                spans = [s for s in number_spans(template.format(n=typed))]
                got = [s.value for s in spans if s.entity == TRACKING_NUMBER]
                expected += 1
                found += want in got
                false_positives += len([v for v in got if v != want])
    for text in NO_TRACKING:
        false_positives += len([s for s in number_spans(text) if s.entity == TRACKING_NUMBER])
    recall = found / expected
    precision = found / (found + false_positives) if found + false_positives else 0.0
    return {
        "numbers": len(numbers),
        "messages": expected + len(NO_TRACKING),
        "recall": recall,
        "precision": precision,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parses", type=int, default=300)
    parser.add_argument("--turns", type=int, default=60)
    parser.add_argument("--no-gateway", action="store_true")
    parser.add_argument(
        "--heldout-only", action="store_true", help="only the held-out sets and parse latency"
    )
    parser.add_argument("--show-wrong", action="store_true", help="list every held-out miss")
    args = parser.parse_args()
    model = model_path(Settings.from_env({"PARCELDESK_HOME": str(ROOT)}))
    if not model.exists():
        print(f"no model {model.name}: run `make train` first", file=sys.stderr)
        return 1
    print(f"model {model.name}, {os.cpu_count()} CPUs")
    if args.heldout_only:
        rasa = bench_rasa(model, args.parses, heldout=True, show_wrong=args.show_wrong)
        print(
            f"POST /model/parse      p50 {rasa['parse_p50_ms']:.1f} ms, p95 "
            f"{rasa['parse_p95_ms']:.1f} ms over {args.parses}; held-out p50 "
            f"{rasa['heldout_p50_ms']:.1f} ms over {rasa['heldout_parses']:.0f} (target < 10 ms)"
        )
        return 0
    entities = bench_entities()
    print(
        f"tracking_number F1    {entities['f1']:.3f} (precision {entities['precision']:.3f}, "
        f"recall {entities['recall']:.3f}) on {entities['messages']:.0f} messages built from "
        f"{entities['numbers']:.0f} conformance numbers (target >= 0.98)"
    )
    rasa = bench_rasa(model, args.parses, heldout=True, show_wrong=args.show_wrong)
    print(f"rasa time to ready     {rasa['ready_s']:.1f} s   (target < 20 s)")
    print(f"rasa resident memory   {rasa['rss_mib']:.0f} MiB (target < 1024 MiB)")
    print(
        f"POST /model/parse      p50 {rasa['parse_p50_ms']:.1f} ms, "
        f"p95 {rasa['parse_p95_ms']:.1f} ms over {args.parses} (target p50 < 10 ms)"
    )
    if not args.no_gateway:
        gateway = bench_gateway(args.turns)
        print(
            f"gateway turn           p50 {gateway['turn_p50_ms']:.0f} ms, "
            f"p95 {gateway['turn_p95_ms']:.0f} ms over {args.turns} "
            "(POST /api/v1/conversations/{id}/messages, demo carrier)"
        )
    print("reproduce: make train && .venv/bin/python bench/nlu.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
