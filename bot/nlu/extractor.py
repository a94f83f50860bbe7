"""Rasa entity extractor for `tracking_number` and `order_number`, backed by bot.tracking.numbers.

Rasa's regex and lookup extractors cannot see a number typed in lower case or with spaces, and
they would duplicate the format knowledge; this component asks the one source of truth and
emits the normalised number as the entity value.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.spans import NumberSpan, number_spans


def entity(span: NumberSpan, extractor: str) -> dict[str, Any]:
    """The Rasa entity for a span; a repaired number also carries what was typed, so the form
    can ask "did you mean ...?" instead of silently changing the buyer's number."""
    found: dict[str, Any] = {
        "entity": span.entity,
        "value": span.value,
        "start": span.start,
        "end": span.end,
        "confidence_entity": 1.0,
        "extractor": extractor,
    }
    if span.corrected_from:
        found["corrected_from"] = span.corrected_from
    return found


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class ParcelNumberExtractor(GraphComponent, EntityExtractorMixin):
    """Adds tracking_number / order_number entities found in the message text."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ParcelNumberExtractor:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the number entities on each message, replacing any earlier ones of those types."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            found = [entity(span, self.name) for span in number_spans(text)]
            if not found:
                continue
            kinds = {e["entity"] for e in found}
            kept = [e for e in message.get(ENTITIES, []) if e.get("entity") not in kinds]
            message.set(ENTITIES, kept + found, add_to_output=True)
        return messages
