"""Every `# type: ignore` in the type-checked code (bot/, actions/) names its error code and
says why on the same line."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `# type: ignore[code]` followed by a comment with at least a few words of reason.
EXPLAINED = re.compile(r"#\s*type:\s*ignore\[[\w,-]+\]\s+#\s*\S.{4,}")


def test_it_finds_no_unexplained_type_ignore() -> None:
    unexplained = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("bot", "actions")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if re.search(r"#\s*type:\s*ignore", line) and not EXPLAINED.search(line)
    ]
    assert unexplained == []
