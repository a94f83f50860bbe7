"""Intent classifier: TF-IDF over words and character n-grams, then logistic regression.

Rasa's LogisticRegressionClassifier fixes C=1 and sees raw counts from CountVectorsFeaturizer;
on short, typo-ridden buyer messages sub-linear TF-IDF with a weaker regularisation is about a
point of macro-F1 better in cross-validation (docs/nlu.md). It reads the tokens of
NumberAwareTokenizer, so tracking and order numbers arrive as placeholders.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from bot.nlu.fast_tfidf import Predict, probabilities

log = logging.getLogger(__name__)


class UnsafeModelError(ValueError):
    """The stored model holds types outside TRUSTED_PREFIXES: refuse to load it."""


MODEL_FILE = "tfidf_intents.skops"
# Only scikit-learn and numpy objects may come back from a model file.
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


def message_text(message: Message) -> str:
    """The text the classifier sees: the tokens (numbers as placeholders), lower case."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    if tokens:
        return " ".join(t.text for t in tokens).lower()
    return (message.get(TEXT) or "").lower()


def build_pipeline(config: dict[str, Any]) -> Pipeline:
    """Word and char_wb TF-IDF features into a balanced multinomial logistic regression."""
    words = TfidfVectorizer(
        ngram_range=tuple(config["word_ngrams"]),
        token_pattern=r"(?u)\b\w+\b",
        sublinear_tf=True,
    )
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), sublinear_tf=True
    )
    model = LogisticRegression(
        C=config["C"],
        max_iter=config["max_iter"],
        class_weight="balanced",
        random_state=config["random_state"],
    )
    return make_pipeline(make_union(words, chars), model)


def for_fast_prediction(pipeline: Pipeline) -> Pipeline:
    """The same pipeline, its logistic regression's coefficients stored column-major (the same
    numbers). predict_proba multiplies the sparse features by `coef_.T`; with a row-major
    `coef_` that transpose is not contiguous and scipy copies all of it (classes x features,
    ~10 MB) for every message: about 1.5 ms of Rasa's CPU per message, half the classifier's
    time. Column-major makes the transpose contiguous; the arithmetic, and so every
    probability, is unchanged to the last bit."""
    model = pipeline.steps[-1][1]
    if getattr(model, "coef_", None) is not None:
        model.coef_ = np.asfortranarray(model.coef_)
    return pipeline


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfIntentClassifier(GraphComponent, IntentClassifier):
    """Predicts the intent and a confidence ranking for each message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 30.0,
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            "max_iter": 3000,
            "random_state": 42,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Pipeline | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.pipeline = pipeline
        self._predict: tuple[Pipeline, Predict] | None = None

    def _probabilities(self, pipeline: Pipeline) -> Predict:
        """`pipeline.predict_proba`, the exact fast way (bot/nlu/fast_tfidf.py) when it can."""
        if self._predict is None or self._predict[0] is not pipeline:
            self._predict = (pipeline, probabilities(pipeline))
        return self._predict[1]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TfidfIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on every example that has an intent and text, and store the fitted pipeline."""
        import skops.io as sio

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            return self._resource
        self.pipeline = build_pipeline(self.config)
        self.pipeline.fit([message_text(e) for e in examples], [e.get(INTENT) for e in examples])
        with self._model_storage.write_to(self._resource) as model_dir:
            sio.dump(self.pipeline, model_dir / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TfidfIntentClassifier:
        """The trained classifier, or an untrained one when training stored nothing (no intent
        examples). A stored model that fails the safety check or cannot be read raises: an
        untrained classifier would quietly answer every message without an intent."""
        import skops.io as sio

        opened = False
        try:
            with model_storage.read_from(resource) as model_dir:
                opened = True
                path = model_dir / MODEL_FILE
                types = sio.get_untrusted_types(file=path)
                unexpected = [t for t in types if not t.startswith(TRUSTED_PREFIXES)]
                if unexpected:
                    raise UnsafeModelError(f"unexpected types in {path}: {unexpected}")
                pipeline = sio.load(path, trusted=types)
        except ValueError as exc:
            if opened:  # a stored model that does not load is an error, never "untrained"
                raise
            # Rasa's "resource does not exist": training had no intent examples to store.
            log.debug("no trained intent classifier in %s: %s", resource.name, exc)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, for_fast_prediction(pipeline))

    def process(self, messages: list[Message]) -> list[Message]:
        """Set `intent` and `intent_ranking` on each message that has text."""
        if self.pipeline is None:
            return messages
        todo = [m for m in messages if m.get(TEXT)]
        if not todo:
            return messages
        predict = self._probabilities(self.pipeline)
        rows = predict([message_text(m) for m in todo])
        labels = self.pipeline.classes_
        for message, row in zip(todo, rows, strict=True):
            ranking = [
                {"name": str(n), "confidence": float(p)}
                for n, p in sorted(zip(labels, row, strict=True), key=lambda pair: -pair[1])
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            length = self.config["ranking_length"]
            message.set(
                INTENT_RANKING_KEY, ranking[:length] if length else ranking, add_to_output=True
            )
        return messages
