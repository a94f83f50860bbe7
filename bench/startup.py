"""Time to healthy and resident memory of each ParcelDesk process.

Starts the real stack with `parceldesk run` on free ports (demo carrier, fresh SQLite under a
temporary var/), reads each process's time to healthy from the supervisor, then samples RSS
from /proc after a short warm-up turn.

Reproduce:  make train && .venv/bin/python bench/startup.py [--runs 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/numbers.py would shadow the standard library's `numbers`: put the repo root first.
ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from tests.support.stack import running_stack, say  # noqa: E402


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _rss_mb(pid: int) -> float:
    """RSS of a process and all its descendants, in MiB."""
    total = 0
    for p in [pid, *_descendants(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _descendants(pid: int) -> list[int]:
    out = []
    for kid in _children(pid):
        out.append(kid)
        out.extend(_descendants(kid))
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def one_run() -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        with running_stack(Path(tmp)) as stack:
            figures["all healthy (s)"] = time.monotonic() - started
            line = next(x for x in stack.output if "healthy after" in x)
            for part in line.split("healthy after:")[1].strip(" )").split(","):
                name, seconds, _ = part.split()
                figures[f"{name} time to healthy (s)"] = float(seconds)
            say(stack, "bench", "hi")
            say(stack, "bench", "where is my parcel RR123456785CN")
            for pid in _children(stack.process.pid):
                cmd = _cmdline(pid)
                name = (
                    "rasa"
                    if " rasa run" in cmd
                    else "actions"
                    if "rasa_sdk" in cmd
                    else "gateway"
                    if "uvicorn" in cmd
                    else None
                )
                if name:
                    figures[f"{name} RSS (MiB)"] = _rss_mb(pid)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    runs = [one_run() for _ in range(args.runs)]
    print(f"ParcelDesk start-up, {args.runs} run(s), median:")
    for key in runs[0]:
        values = [r[key] for r in runs if key in r]
        print(f"  {key:<32} {statistics.median(values):8.1f}")
    print("reproduce: make train && .venv/bin/python bench/startup.py --runs 3")


if __name__ == "__main__":
    main()
