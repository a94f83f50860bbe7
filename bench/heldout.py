"""Held-out NLU sets (bench/heldout/*.txt): loading and scoring.

The sets are written by hand and never trained on (`parceldesk train` reads only data/).
Scores: intent accuracy, the most frequent confusion pairs, and the confidently-wrong rate, i.e.
the share of messages given a wrong intent with a confidence at or above the fallback threshold
(those are answered as if understood; a wrong one below the threshold gets a clarifying
question instead, which costs a turn but answers nothing wrong).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HELDOUT_DIR = Path(__file__).resolve().parent / "heldout"
FALLBACK = "nlu_fallback"


@dataclass(frozen=True)
class Example:
    intent: str
    text: str


@dataclass
class Score:
    name: str
    total: int = 0
    correct: int = 0
    confidently_wrong: int = 0
    clarified: int = 0  # below the threshold: the bot asks instead of answering
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    wrong: list[tuple[Example, str, float]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def confidently_wrong_rate(self) -> float:
        return self.confidently_wrong / self.total if self.total else 0.0


def load_set(path: Path) -> list[Example]:
    """`intent | text` lines; `#` lines and blank lines are skipped."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        intent, _, text = line.partition(" | ")
        examples.append(Example(intent.strip(), text.strip()))
    return examples


def heldout_sets() -> dict[str, list[Example]]:
    return {p.stem: load_set(p) for p in sorted(HELDOUT_DIR.glob("*.txt"))}


def score(
    name: str,
    examples: list[Example],
    parse: Callable[[str], tuple[str, float]],
    threshold: float,
) -> Score:
    """Score `parse` (text -> (intent, confidence)) on `examples`.

    A prediction of nlu_fallback counts as wrong but not confidently wrong. Intents below the
    threshold are what the FallbackClassifier turns into nlu_fallback."""
    result = Score(name)
    for example in examples:
        intent, confidence = parse(example.text)
        result.total += 1
        if intent == example.intent:
            result.correct += 1
            continue
        result.confusions[(example.intent, intent)] += 1
        result.wrong.append((example, intent, confidence))
        if intent == FALLBACK or confidence < threshold:
            result.clarified += 1
        else:
            result.confidently_wrong += 1
    return result


def report(result: Score, pairs: int = 8, show_wrong: bool = False) -> list[str]:
    lines = [
        f"held-out {result.name:<8} accuracy {result.accuracy:.3f} ({result.correct}/"
        f"{result.total}), confidently wrong {result.confidently_wrong_rate:.1%} "
        f"({result.confidently_wrong}), clarifying question {result.clarified}"
    ]
    top = ", ".join(f"{a}->{b} {n}" for (a, b), n in result.confusions.most_common(pairs))
    lines.append(f"  confusions: {top or 'none'}")
    if show_wrong:
        for example, intent, confidence in result.wrong:
            lines.append(f"  {example.intent:>18} -> {intent:<18} {confidence:.2f}  {example.text}")
    return lines
