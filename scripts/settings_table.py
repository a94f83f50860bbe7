"""Print the README's settings table from .env.example (the one documented list of settings).

Usage: .venv/bin/python scripts/settings_table.py [--write]
(--write replaces the table between the markers in README.md)
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


def table() -> str:
    lines = ["| setting | default | what it does |", "|---|---|---|"]
    for name, default, doc in rows():
        lines.append(f"| `{name}` | `{default}` | {doc.replace('|', '/')} |")
    return "\n".join(lines)


def write_readme() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    start = text.index("\n", text.index("<!-- settings table")) + 1
    end = text.index("<!-- end settings table -->")
    readme.write_text(text[:start] + table() + "\n" + text[end:])


def main() -> None:
    import sys

    if "--write" in sys.argv[1:]:
        write_readme()
    else:
        print(table())


if __name__ == "__main__":
    main()
