"""A whitespace tokenizer that turns each tracking/order number into one placeholder token.

The intent classifier then sees "track trackingnumber" instead of "track rr 123 456 785 cn",
so it cannot learn (or be fooled by) the characters of particular numbers, and entity spans
always line up with exactly one token, whatever spaces the buyer typed inside the number.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.spans import ORDER_NUMBER, number_spans

PLACEHOLDERS = {"tracking_number": "trackingnumber", ORDER_NUMBER: "ordernumber"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class NumberAwareTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer, except that numbers become single placeholder tokens."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return WhitespaceTokenizer.get_default_config()

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokens of the message; each number span is one token whose text is a placeholder."""
        text = message.get(attribute)
        if attribute != TEXT or not text:
            return super().tokenize(message, attribute)
        spans = number_spans(text)
        if not spans:
            return super().tokenize(message, attribute)
        # Blank the numbers out with spaces so every other token keeps its offsets.
        masked = list(text)
        for span in spans:
            masked[span.start : span.end] = " " * (span.end - span.start)
        rest = "".join(masked)
        tokens: list[Token] = []
        if rest.strip():
            tokens = super().tokenize(Message(data={attribute: rest}), attribute)
        for span in spans:
            tokens.append(Token(PLACEHOLDERS[span.entity], span.start, span.end))
        return sorted(tokens, key=lambda t: t.start)
