"""Print the README's settings table from .env.example (the one documented list of settings).

Usage: .venv/bin/python scripts/settings_table.py [--write]
(--write first regenerates the provider settings in .env.example from the provider modules'
declarations, bot/carriers/providers, then replaces the table between the markers in README.md)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BEGIN = "# >>> provider settings"
END = "# <<< provider settings"


def provider_lines() -> list[str]:
    """.env.example lines for every setting every provider module declares."""
    from bot.carriers.providers import specs

    lines: list[str] = []
    for spec in specs().values():
        for setting in spec.settings:
            lines += [f"# {setting.doc}", f"{spec.variable(setting.key)}={setting.default}"]
    return lines


def env_example(text: str) -> str:
    """`text` (.env.example) with its provider block regenerated."""
    start = text.index("\n", text.index(BEGIN)) + 1
    end = text.index(END)
    return text[:start] + "".join(f"{line}\n" for line in provider_lines()) + text[end:]


def rows(text: str | None = None) -> list[tuple[str, str, str]]:
    """(name, default, doc) per setting of .env.example (or of `text`)."""
    out: list[tuple[str, str, str]] = []
    comment: list[str] = []
    text = (ROOT / ".env.example").read_text() if text is None else text
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("# ---", BEGIN, END)):
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


def table(text: str | None = None) -> str:
    lines = ["| setting | default | what it does |", "|---|---|---|"]
    for name, default, doc in rows(text):
        lines.append(f"| `{name}` | `{default}` | {doc.replace('|', '/')} |")
    return "\n".join(lines)


def write_env_example() -> None:
    path = ROOT / ".env.example"
    path.write_text(env_example(path.read_text()))


def write_readme() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    start = text.index("\n", text.index("<!-- settings table")) + 1
    end = text.index("<!-- end settings table -->")
    readme.write_text(text[:start] + table() + "\n" + text[end:])


def main() -> None:
    if "--write" in sys.argv[1:]:
        write_env_example()
        write_readme()
    else:
        print(table())


if __name__ == "__main__":
    main()
