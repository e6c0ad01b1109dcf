"""The complaint head stacks on the sentiment head's log-probabilities."""

from __future__ import annotations

import numpy as np


def test_complaint_head_adds_stacked_sentiment(fast_model) -> None:  # type: ignore[no-untyped-def]
    from earful.labels.train import sentiment_log_proba, shipped_sentiment_head

    w = fast_model.stack_weights["complaint"]
    assert w.shape == (3,)
    assert w[0] > w[2]  # negative sentiment raises the complaint score more than positive
    texts = ["@acmehelp my order never arrived and nobody answers", "lovely walk in the park"]
    x = fast_model.features(texts)
    got = fast_model.scores_from_features(x).binary["complaint"]
    col = fast_model.columns.index("complaint")
    base = np.asarray(x @ fast_model.weights[:, col]).ravel() + fast_model.intercepts[col]
    stacked = sentiment_log_proba(x, shipped_sentiment_head()) @ w
    assert np.allclose(np.log(got / (1 - got)), base + stacked, atol=1e-3)
    assert got[0] > got[1]
