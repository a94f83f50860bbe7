"""Benchmark bot.tracking.numbers against the `tracking-numbers` PyPI port, on the same inputs.

1. Accuracy on the conformance set (../shared/conformance/tracking_number_data): valid
   numbers recognised with the right courier, invalid numbers rejected.
2. Accuracy on bench/corpus_chat.txt (labelled chat messages): numbers found, missed and
   reported where there are none.
3. Throughput: messages per second over the chat corpus, single process (one core).

The port only reads a string that is exactly one number, so on chat it is given each
whitespace-separated word with surrounding punctuation stripped (the usual way to use it).

Run:  .venv/bin/python bench/numbers.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import json
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.tracking.numbers import check_number, find_numbers, normalise  # noqa: E402
from tests.support.conformance import couriers_dir  # noqa: E402

DATA_DIR = couriers_dir()
CORPUS = ROOT / "bench" / "corpus_chat.txt"
COMMAND = ".venv/bin/python bench/numbers.py"


def load_conformance() -> list[tuple[str, str, str]]:
    """(kind, courier code, number as written)."""
    rows = []
    for path in sorted(DATA_DIR.glob("*.json")):
        courier = json.loads(path.read_text(encoding="utf-8"))
        for fmt in courier["tracking_numbers"]:
            for kind in ("valid", "invalid"):
                for raw in fmt["test_numbers"][kind]:
                    rows.append((kind, courier["courier_code"], raw))
    return rows


def load_corpus() -> list[tuple[set[str], str]]:
    """(expected normalised numbers, message)."""
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        expected, message = line.split("\t", 1)
        rows.append((set() if expected == "-" else set(expected.split(",")), message))
    return rows


# --- the two implementations behind one shape: text -> [(number, couriers, valid)] ----------


def ours_one(raw: str) -> tuple[set[str], bool, bool] | None:
    """(candidate couriers, valid, decided) for a text that is one number."""
    match = check_number(raw)
    if match is None:
        return None
    couriers = {match.courier} if match.courier else {c.courier for c in match.candidates}
    return couriers, match.valid, not match.ambiguous


def ours_find(text: str) -> list[str]:
    return [m.number for m in find_numbers(text) if m.valid]


def port_one(raw: str) -> tuple[set[str], bool, bool] | None:
    from tracking_numbers import get_tracking_number

    found = get_tracking_number(raw)
    if found is None:
        return None
    return {found.courier.code}, found.valid, True


_PUNCT = string.punctuation + "«»“”‘’"


def port_find(text: str) -> list[str]:
    from tracking_numbers import get_tracking_number

    found = []
    for word in text.split():
        hit = get_tracking_number(word.strip(_PUNCT))
        if hit is not None:
            found.append(normalise(hit.number))
    return found


def conformance(one: Callable[[str], tuple[set[str], bool, bool] | None]) -> dict[str, int]:
    rows = load_conformance()
    stats = {
        "valid_total": 0,
        "valid_right_courier": 0,
        "valid_decided": 0,
        "invalid_total": 0,
        "invalid_rejected": 0,
    }
    for kind, courier, raw in rows:
        result = one(raw)
        if kind == "valid":
            stats["valid_total"] += 1
            if result and result[1] and courier in result[0]:
                stats["valid_right_courier"] += 1
                stats["valid_decided"] += result[2] and result[0] == {courier}
        else:
            stats["invalid_total"] += 1
            # Rejected = not accepted as a valid number of the courier it claims to be.
            stats["invalid_rejected"] += not (result and result[1] and courier in result[0])
    return stats


def corpus_accuracy(find: Callable[[str], list[str]]) -> dict[str, int]:
    stats = {"expected": 0, "found": 0, "missed": 0, "false_positives": 0}
    for expected, message in load_corpus():
        got = set(find(message))
        stats["expected"] += len(expected)
        stats["found"] += len(expected & got)
        stats["missed"] += len(expected - got)
        stats["false_positives"] += len(got - expected)
    return stats


def throughput(find: Callable[[str], list[str]], seconds: float) -> float:
    """Messages per CPU-second of this process (best of 5 rounds): the machine is shared,
    so CPU time, not wall time, is what one core spends on the corpus."""
    messages = [m for _, m in load_corpus()]
    find(messages[0])  # warm imports and caches
    best = 0.0
    for _ in range(5):
        count = 0
        start = time.process_time()
        deadline = time.perf_counter() + seconds / 5
        while time.perf_counter() < deadline:
            for message in messages:
                find(message)
            count += len(messages)
        best = max(best, count / max(time.process_time() - start, 1e-9))
    return best


def adversarial(text: str) -> float:
    """CPU seconds parceldesk spends on one pathological message (many tiny digit chunks)."""
    start = time.process_time()
    find_numbers(text)
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per throughput run")
    args = parser.parse_args()
    if not DATA_DIR.is_dir():
        print(f"conformance data missing: {DATA_DIR}")
        return 2
    corpus = load_corpus()
    with_numbers = sum(1 for e, _ in corpus if e)
    print(f"command: {COMMAND} --seconds {args.seconds:g}")
    print(f"python {sys.version.split()[0]}, single process")
    print(
        f"chat corpus: {CORPUS.relative_to(ROOT)} ({len(corpus)} messages, "
        f"{with_numbers} with tracking numbers)\n"
    )
    results = {}
    for name, one, find in (
        ("parceldesk", ours_one, ours_find),
        ("tracking-numbers 0.1.8", port_one, port_find),
    ):
        results[name] = (conformance(one), corpus_accuracy(find), throughput(find, args.seconds))
    header = f"{'':40} {'parceldesk':>14} {'tracking-numbers':>18}"
    print(header)
    print("-" * len(header))
    ours, port = results["parceldesk"], results["tracking-numbers 0.1.8"]
    rows = [
        ("conformance valid, right courier", "valid_right_courier", "valid_total", 0),
        ("  ... decided without asking", "valid_decided", "valid_total", 0),
        ("conformance invalid, rejected", "invalid_rejected", "invalid_total", 0),
    ]
    for label, key, total, index in rows:
        print(
            f"{label:40} {ours[index][key]:>10}/{ours[index][total]:<3} "
            f"{port[index][key]:>14}/{port[index][total]:<3}"
        )
    for label, key in (
        ("chat: numbers found", "found"),
        ("chat: numbers missed", "missed"),
        ("chat: false positives", "false_positives"),
    ):
        print(
            f"{label:40} {ours[1][key]:>10}/{ours[1]['expected']:<3} "
            f"{port[1][key]:>14}/{port[1]['expected']:<3}"
        )
    print(f"{'chat: messages per CPU-second (1 core)':40} {ours[2]:>14,.0f} {port[2]:>18,.0f}")
    worst = max(
        adversarial(text) for text in ("1 " * 5000, "12 34 " * 1700, ("x " * 3 + "12 ") * 1250)
    )
    print(f"{'worst adversarial 10k-char message (s)':40} {worst:>14.3f}")
    print(
        "\nnote: 331426749957 is listed both as a valid Purolator (12) and as an invalid\n"
        "Purolator alpha number; it counts against a recogniser that (rightly) accepts it."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
