"""The classifier's fast predict_proba gives scikit-learn's probabilities to the last bit, and
steps aside for any pipeline it was not written for."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
from sklearn.pipeline import Pipeline

from bot.nlu.classifier import TfidfIntentClassifier, build_pipeline
from bot.nlu.fast_tfidf import Probabilities, probabilities

ROOT = Path(__file__).resolve().parents[2]


def training_examples() -> tuple[list[str], list[str]]:
    """A third of the project's NLU examples (the property does not need a good model)."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data" / "nlu"))
    examples = [e for e in data.intent_examples if e.get("intent") and e.get("text")][::3]
    return [e.get("text").lower() for e in examples], [e.get("intent") for e in examples]


def held_out_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "bench" / "heldout").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                texts.append(line.split("\t")[-1].strip().lower())
    return texts


@pytest.fixture(scope="module")
def trained() -> tuple[Pipeline, list[str]]:
    texts, intents = training_examples()
    config = {**TfidfIntentClassifier.get_default_config(), "max_iter": 300}
    pipeline = build_pipeline(config).fit(texts, intents)
    # As the classifier gets it: through the model file (skops), here a pickle round trip.
    return pickle.loads(pickle.dumps(pipeline)), texts


def test_it_gives_the_pipelines_probabilities_to_the_last_bit(
    trained: tuple[Pipeline, list[str]],
) -> None:
    pipeline, training_texts = trained
    fast = probabilities(pipeline)
    assert isinstance(fast, Probabilities)
    texts = [*training_texts, *held_out_texts(), "", "!!!", "rr123456785cn", "ÿ" * 300]
    assert len(texts) > 1000
    for text in texts:
        assert np.array_equal(fast([text]), pipeline.predict_proba([text])), text
    assert np.array_equal(fast(texts[:50]), pipeline.predict_proba(texts[:50]))


def test_a_pipeline_of_another_shape_keeps_its_own_predict_proba() -> None:
    texts = ["hi", "hello", "bye", "see you", "where is my parcel", "track it"]
    two_classes = build_pipeline(TfidfIntentClassifier.get_default_config()).fit(
        texts, ["greet", "greet", "bye", "bye", "greet", "bye"]
    )
    # Two intents: scikit-learn answers one-vs-rest, not with the softmax.
    assert probabilities(two_classes) == two_classes.predict_proba
    three = build_pipeline(TfidfIntentClassifier.get_default_config())
    three.steps[0][1].transformer_list[0][1].set_params(binary=True)
    three.fit(texts, ["greet", "greet", "bye", "bye", "track", "track"])
    assert probabilities(three) == three.predict_proba


def test_the_classifier_answers_with_it(trained: tuple[Pipeline, list[str]]) -> None:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    pipeline, _ = trained
    classifier = TfidfIntentClassifier(
        TfidfIntentClassifier.get_default_config(),
        LocalModelStorage(Path("unused")),
        Resource("unused"),
        pipeline,
    )
    [message] = classifier.process([Message(data={TEXT: "Where is my parcel?"})])
    expected = pipeline.predict_proba(["where is my parcel?"])[0]
    best = int(np.argmax(expected))
    assert message.get(INTENT) == {
        "name": str(pipeline.classes_[best]),
        "confidence": float(expected[best]),
    }
    assert len(message.get(INTENT_RANKING_KEY)) == 10
    assert isinstance(classifier._probabilities(pipeline), Probabilities)
