"""Rasa component: a message with an order number (and no tracking number) is `order_lookup`,
whatever its words ("order #1001", "my order 1001 hasn't come", a bare "1001").

The classifier alone would file "my order 1001 never arrived" under not_received and the
dialogue would ask for a tracking number; an order number is the buyer's way in and must
always lead to the order check (data/rules/orders.yml). Runs after the FallbackClassifier.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.spans import ORDER_NUMBER, TRACKING_NUMBER

ORDER_LOOKUP = "order_lookup"


def is_order_request(entities: list[dict[str, Any]]) -> bool:
    """An order number and no tracking number among the message's entities."""
    kinds = {e.get("entity") for e in entities}
    return ORDER_NUMBER in kinds and TRACKING_NUMBER not in kinds


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OrderIntentOverride(GraphComponent):
    """Sets the intent to `order_lookup` when the message carries an order number only."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OrderIntentOverride:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if not is_order_request(message.get(ENTITIES, []) or []):
                continue
            intent = {"name": ORDER_LOOKUP, "confidence": 1.0}
            ranking = [
                r
                for r in message.get(INTENT_RANKING_KEY, []) or []
                if r.get("name") != ORDER_LOOKUP
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages
