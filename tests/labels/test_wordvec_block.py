"""The sentiment head's word-vector block: a SIF-weighted mean of static word vectors."""

from __future__ import annotations

import numpy as np


def test_embed_unit_rows_and_unknown_zero() -> None:
    from earful.labels.features import WordVectors

    vectors = np.asarray([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=np.float32)
    wv = WordVectors(
        ["good", "bad", "ok"], vectors, np.ones(3, np.float32), np.zeros(2, np.float32)
    )
    out = wv.embed([["good"], ["good_neg"], ["zzz"], ["good", "bad"]])
    assert out.shape == (4, 2)
    np.testing.assert_allclose(out[0], [1.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(out[1], out[0])  # a negated word counts as its base word
    np.testing.assert_allclose(out[2], [0.0, 0.0])  # no known word: zeros
    np.testing.assert_allclose(np.linalg.norm(out[3]), 1.0, atol=1e-6)


def test_split_product_matches_full_matrix(fast_model) -> None:  # type: ignore[no-untyped-def]
    texts = ["love it :)", "worst update ever, it keeps crashing", "meeting at 10am", "??"]
    a = fast_model.scores(texts)
    b = fast_model.scores_from_features(fast_model.features(texts), texts)
    np.testing.assert_allclose(a.sentiment_proba, b.sentiment_proba, atol=1e-5)
    for head, p in a.binary.items():
        np.testing.assert_allclose(p, b.binary[head], atol=1e-5)


def test_shipped_featurizer_has_word_vectors(fast_model) -> None:  # type: ignore[no-untyped-def]
    f = fast_model.featurizer
    assert f.wordvec is not None and f.n_features == f.n_base + f.wordvec.dims
    assert fast_model.weights.shape[0] == f.n_features


def test_pooling_max_min() -> None:
    from earful.labels.features import WordVectors

    vectors = np.asarray([[1.0, -2.0], [3.0, 0.5]], dtype=np.float32)
    wv = WordVectors(["a", "b"], vectors, np.ones(2, np.float32), np.zeros(2, np.float32), 2)
    assert wv.dims == 6
    out = wv.embed([["a", "b", "zzz"], ["zzz"], ["b_neg"]])
    np.testing.assert_allclose(out[0, 2:], [3.0, 0.5, 1.0, -2.0])
    np.testing.assert_allclose(out[1], np.zeros(6))
    np.testing.assert_allclose(out[2, 2:], [3.0, 0.5, 3.0, 0.5])
