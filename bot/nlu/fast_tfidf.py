"""The intent classifier's `predict_proba` without scikit-learn's per-call bookkeeping.

For each message Rasa asks the classifier for its probabilities. scikit-learn's Pipeline ->
FeatureUnion -> TfidfVectorizer -> LogisticRegression path re-validates its input at every
step, runs the union through joblib, and recomputes the TF-IDF `idf_` vector (a sum over a
60,000 x 60,000 diagonal matrix) only to check that it exists: about half of the classifier's
CPU per message. `Probabilities` runs the same numerical operations, in the same order, on the
fitted objects (counting, log + 1, times the idf diagonal, l2 rows, stacking, sparse x dense,
softmax), so every probability is the same to the last bit; the test compares them on every
training and held-out message. It applies only to the pipeline `classifier.build_pipeline`
makes, with the scikit-learn version it was written against; anything else uses
`predict_proba` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.extmath import softmax
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

# The scikit-learn whose TfidfTransformer.transform and LogisticRegression.predict_proba this
# module repeats (tests/nlu/test_fast_tfidf.py checks the figures are the same).
SKLEARN_SERIES = "1.1."

Predict = Callable[[Sequence[str]], np.ndarray]


class Probabilities:
    """`pipeline.predict_proba(texts)` for a word + character TF-IDF union into a multinomial
    logistic regression (see `probabilities`, which checks that shape)."""

    def __init__(self, union: FeatureUnion, model: LogisticRegression) -> None:
        self._vectorizers = [(v, v._tfidf._idf_diag) for _, v in union.transformer_list]
        # Contiguous, so the product copies nothing (the values are coef_.T's).
        self._coef_t = np.ascontiguousarray(model.coef_.T)
        self._intercept = model.intercept_

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        blocks = []
        for vectorizer, idf_diag in self._vectorizers:
            # TfidfVectorizer.transform: the counts, as float64 ...
            counts = CountVectorizer.transform(vectorizer, texts).astype(np.float64)
            # ... TfidfTransformer.transform: sublinear tf, idf, l2 rows.
            np.log(counts.data, counts.data)
            counts.data += 1
            weighted = counts * idf_diag
            inplace_csr_row_normalize_l2(weighted)
            blocks.append(weighted)
        features = sp.hstack(blocks).tocsr()  # FeatureUnion's stacking
        # LogisticRegression.decision_function, then predict_proba's multinomial softmax.
        return softmax(features @ self._coef_t + self._intercept, copy=False)


def _fits(pipeline: Pipeline) -> tuple[FeatureUnion, LogisticRegression] | None:
    if not sklearn.__version__.startswith(SKLEARN_SERIES) or len(pipeline.steps) != 2:
        return None
    union, model = pipeline.steps[0][1], pipeline.steps[1][1]
    if type(union) is not FeatureUnion or union.transformer_weights is not None:
        return None
    for _, vectorizer in union.transformer_list:
        if not (
            type(vectorizer) is TfidfVectorizer
            and vectorizer.use_idf
            and vectorizer.sublinear_tf
            and vectorizer.norm == "l2"
            and not vectorizer.binary
            and vectorizer.dtype is np.float64
        ):
            return None
    if type(model) is not LogisticRegression:
        return None
    # predict_proba's own test for one-vs-rest (then it does not use the softmax).
    ovr = model.multi_class in ("ovr", "warn") or (
        model.multi_class == "auto" and (model.classes_.size <= 2 or model.solver == "liblinear")
    )
    return None if ovr else (union, model)


def probabilities(pipeline: Pipeline) -> Predict:
    """The fastest exact `predict_proba` of `pipeline`: `Probabilities` when it has the
    expected shape, else the pipeline's own."""
    found: Any = _fits(pipeline)
    return Probabilities(*found) if found is not None else pipeline.predict_proba
