"""The held-out NLU sets are well formed (bench/heldout/)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bench.heldout import heldout_sets

ROOT = Path(__file__).resolve().parents[2]


def test_it_has_at_least_300_held_out_messages_with_known_intents() -> None:
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"])
    sets = heldout_sets()
    assert {"buyers", "context", "fresh"} <= set(sets)
    examples = [e for examples in sets.values() for e in examples]
    assert len(examples) >= 300
    assert {e.intent for e in examples} <= intents
    assert all(e.text for e in examples)


def test_no_held_out_file_lives_where_training_reads() -> None:
    assert not any((ROOT / "data").rglob("*.txt"))
