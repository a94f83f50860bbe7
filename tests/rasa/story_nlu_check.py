"""Parse every buyer message of the given test-story files with a trained model and report
where the predicted intent or number entities differ from the story's annotation.

`rasa test core` only checks the bot's actions (the story supplies the intents), so this is
the half that checks the NLU on the same messages. Run as a subprocess by test_dialogue.py:

    python tests/rasa/story_nlu_check.py MODEL REPORT_JSON STORY_FILE...
    writes the list of mismatches to REPORT_JSON; exit status 1 when there is any.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import yaml

CHECKED_ENTITIES = ("tracking_number", "order_number")


def story_messages(path: Path) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(text, intent, [(entity, value)]) for each annotated buyer message in a story file."""
    from rasa.shared.nlu.training_data.entities_parser import parse_training_example

    found = []
    for story in yaml.safe_load(path.read_text())["stories"]:
        for step in story["steps"]:
            if "user" not in step:
                continue
            message = parse_training_example(step["user"].strip(), step["intent"])
            entities = [(e["entity"], str(e["value"])) for e in message.get("entities", [])]
            found.append((message.get("text"), step["intent"], entities))
    return found


async def mismatches(model: str, paths: list[Path]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    problems = []
    for path in paths:
        for text, intent, expected in story_messages(path):
            parsed = await agent.parse_message(text)
            got_intent = parsed["intent"]["name"]
            got = sorted(
                (e["entity"], str(e["value"]))
                for e in parsed.get("entities", [])
                if e["entity"] in CHECKED_ENTITIES
            )
            # Payloads like "/request_human" are parsed by Rasa itself, not by the pipeline.
            if got_intent != intent or got != sorted(expected):
                problems.append(
                    {
                        "file": path.name,
                        "text": text,
                        "intent": intent,
                        "predicted": got_intent,
                        "entities": sorted(expected),
                        "predicted_entities": got,
                    }
                )
    return problems


def main(argv: list[str]) -> int:
    model, report, *files = argv
    problems = asyncio.run(mismatches(model, [Path(f) for f in files]))
    Path(report).write_text(json.dumps(problems, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
