"""Print the README's settings table from .env.example (the one documented list of settings).

Usage: .venv/bin/python scripts/settings_table.py
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rows() -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    comment: list[str] = []
    for line in (ROOT / ".env.example").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("# ---"):
            comment = []
        elif stripped.startswith("#"):
            comment.append(stripped.lstrip("# ").strip())
        elif "=" in stripped:
            name, default = stripped.split("=", 1)
            out.append((name, default or "(empty)", " ".join(comment)))
            comment = []
        else:
            comment = []
    return out


def main() -> None:
    print("| setting | default | what it does |")
    print("|---|---|---|")
    for name, default, doc in rows():
        print(f"| `{name}` | `{default}` | {doc.replace('|', '/')} |")


if __name__ == "__main__":
    main()
