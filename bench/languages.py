"""Per-language figures for the held-out sets: which language a set is in, which tracking
numbers a message holds (to check that every one is found whatever the language around it),
and the per-language summary table printed by bench/nlu.py.

A set named `lang_<code>` (or `lang_<code>_<anything>`) is in that language; the other sets
(buyers, context, fresh) are English.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from bench.heldout import Score
from bot.conversations.language import LanguagePolicy

_POLICY = LanguagePolicy()

# Numbers as buyers type them in the held-out sets: UPU S10 (spaces allowed), UPS 1Z, and
# long digit runs (DHL, FedEx, USPS, Yanwen/Cainiao style with letters first).
_CANDIDATES = re.compile(
    r"(?<![A-Za-z0-9])("
    r"[A-Za-z]{2}[ ]?\d{3}[ ]?\d{3}[ ]?\d{3}[ ]?[A-Za-z]{2}"
    r"|1Z[0-9A-Za-z]{16}"
    r"|[A-Za-z]{2,4}\d{12,20}"
    r"|\d{12,26}"
    r")(?![A-Za-z0-9])"
)


def set_language(name: str) -> str:
    """`lang_ru` and `lang_ru_fresh` are Russian; sets without the prefix are English."""
    return name.removeprefix("lang_").split("_")[0] if name.startswith("lang_") else "en"


def expected_numbers(text: str) -> set[str]:
    """The tracking numbers a held-out message holds, normalised (no spaces, upper case)."""
    return {m.group(1).replace(" ", "").upper() for m in _CANDIDATES.finditer(text)}


@dataclass
class LanguageFigures:
    messages: int = 0
    correct: int = 0
    confidently_wrong: int = 0
    numbers: int = 0
    numbers_found: int = 0
    missed: list[tuple[str, str]] = field(default_factory=list)  # (number, message)
    timings: list[float] = field(default_factory=list)
    # The language the conversation would be set to if this were its first message (no hint).
    chosen: int = 0
    chosen_right: int = 0


class PerLanguage:
    """Collects figures per language while the sets are scored."""

    def __init__(self) -> None:
        self.figures: dict[str, LanguageFigures] = defaultdict(LanguageFigures)

    def add_score(self, set_name: str, result: Score) -> None:
        figures = self.figures[set_language(set_name)]
        figures.messages += result.total
        figures.correct += result.correct
        figures.confidently_wrong += result.confidently_wrong

    def add_parse(self, set_name: str, text: str, found: set[str], millis: float) -> None:
        lang = set_language(set_name)
        figures = self.figures[lang]
        figures.timings.append(millis)
        figures.chosen += 1
        if _POLICY.choose(text, current="en", prior=None, earlier_messages=0).lang == lang:
            figures.chosen_right += 1
        for number in expected_numbers(text):
            figures.numbers += 1
            if number in found:
                figures.numbers_found += 1
            else:
                figures.missed.append((number, text))

    def report(self) -> list[str]:
        lines = [
            "per language   messages  accuracy  confidently wrong  numbers found  parse p50"
            "  language chosen",
        ]
        for lang in sorted(self.figures, key=lambda c: (c != "en", c)):
            f = self.figures[lang]
            accuracy = f.correct / f.messages if f.messages else 0.0
            wrong = f.confidently_wrong / f.messages if f.messages else 0.0
            p50 = statistics.median(f.timings) if f.timings else 0.0
            lines.append(
                f"  {lang:<12} {f.messages:>8}  {accuracy:>8.3f}  {wrong:>17.1%}  "
                f"{f.numbers_found:>6}/{f.numbers:<6}  {p50:>6.1f} ms  "
                f"{f.chosen_right:>5}/{f.chosen}"
            )
            for number, text in f.missed:
                lines.append(f"    number not found: {number} in {text!r}")
        lines.append("  (targets: accuracy >= 0.90 per language, every number found, p50 < 10 ms)")
        lines.append(
            "  language chosen: the conversation's language if the message came first, with no"
            " channel hint (one-word messages keep the default, English)"
        )
        return lines
