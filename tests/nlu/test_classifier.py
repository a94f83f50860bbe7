"""The TF-IDF intent classifier: trains, survives a save/load round trip, ranks intents."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.classifier import MODEL_FILE, TfidfIntentClassifier, UnsafeModelError
from bot.nlu.tokenizer import NumberAwareTokenizer

EXAMPLES = {
    "greet": ["hi", "hello", "hey there", "good morning", "hello bot"],
    "track_parcel": [
        "where is my parcel",
        "track RR123456785CN",
        "where is my package LP526018152HK",
        "track my order",
        "status of my parcel",
    ],
    "goodbye": ["bye", "goodbye", "see you", "bye bye", "see you later"],
}


def tokenized(texts: list[tuple[str, str | None]]) -> list[Message]:
    tokenizer = NumberAwareTokenizer(NumberAwareTokenizer.get_default_config())
    messages = [Message(data={TEXT: t, **({INTENT: i} if i else {})}) for t, i in texts]
    return tokenizer.process(messages)


def test_it_learns_intents_and_loads_back_from_the_model_storage(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intents")
    context = ExecutionContext(GraphSchema({}), "test")
    config = TfidfIntentClassifier.get_default_config()
    data = TrainingData(tokenized([(t, i) for i, ts in EXAMPLES.items() for t in ts]))

    TfidfIntentClassifier.create(config, storage, resource, context).train(data)
    loaded = TfidfIntentClassifier.load(config, storage, resource, context)

    [unseen] = loaded.process(tokenized([("where is my parcel UA242731678SG now", None)]))
    assert unseen.get(INTENT)["name"] == "track_parcel"
    ranking = unseen.get(INTENT_RANKING_KEY)
    assert ranking[0]["name"] == "track_parcel"
    assert sorted(r["name"] for r in ranking) == sorted(EXAMPLES)
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6


def test_without_a_stored_model_it_leaves_messages_alone(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    config = TfidfIntentClassifier.get_default_config()
    empty = TfidfIntentClassifier.load(config, storage, Resource("missing"), context)
    [message] = empty.process(tokenized([("hi", None)]))
    assert message.get(INTENT) is None


def test_it_refuses_a_stored_model_with_untrusted_types(tmp_path: Path) -> None:
    import collections

    import skops.io as sio

    storage = LocalModelStorage(tmp_path)
    resource = Resource("intents")
    with storage.write_to(resource) as model_dir:
        sio.dump({"counts": collections.Counter(a=1)}, model_dir / MODEL_FILE)
    context = ExecutionContext(GraphSchema({}), "test")
    config = TfidfIntentClassifier.get_default_config()
    with pytest.raises(
        UnsafeModelError, match=r"unexpected types in .*: \['collections.Counter'\]"
    ):
        TfidfIntentClassifier.load(config, storage, resource, context)


def test_it_fails_loudly_on_a_stored_model_it_cannot_read(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intents")
    with storage.write_to(resource) as model_dir:
        (model_dir / MODEL_FILE).write_bytes(b"not a skops archive")
    context = ExecutionContext(GraphSchema({}), "test")
    config = TfidfIntentClassifier.get_default_config()
    with pytest.raises(Exception, match="zip"):
        TfidfIntentClassifier.load(config, storage, resource, context)


def test_a_loaded_classifier_predicts_exactly_what_the_trained_pipeline_does(
    tmp_path: Path,
) -> None:
    """Loading stores the coefficients column-major (no 10 MB copy per message); every
    probability stays the same to the last bit."""
    import pickle

    import numpy as np

    from bot.nlu.classifier import build_pipeline, for_fast_prediction

    texts = [t for ts in EXAMPLES.values() for t in ts]
    labels = [i for i, ts in EXAMPLES.items() for _ in ts]
    trained = build_pipeline(TfidfIntentClassifier.get_default_config()).fit(texts, labels)
    fast = for_fast_prediction(pickle.loads(pickle.dumps(trained)))
    assert not trained.steps[-1][1].coef_.T.flags["C_CONTIGUOUS"]
    assert fast.steps[-1][1].coef_.T.flags["C_CONTIGUOUS"]
    unseen = ["hi there", "where is my pakage", "bye now", "track", "??", "status please"]
    for text in [*texts, *unseen]:
        assert np.array_equal(fast.predict_proba([text]), trained.predict_proba([text]))
    assert np.array_equal(fast.predict_proba(unseen), trained.predict_proba(unseen))

    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    config = TfidfIntentClassifier.get_default_config()
    data = TrainingData(tokenized([(t, i) for i, ts in EXAMPLES.items() for t in ts]))
    TfidfIntentClassifier.create(config, storage, Resource("fast"), context).train(data)
    loaded = TfidfIntentClassifier.load(config, storage, Resource("fast"), context)
    assert loaded.pipeline is not None
    assert loaded.pipeline.steps[-1][1].coef_.T.flags["C_CONTIGUOUS"]
