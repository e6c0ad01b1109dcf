from __future__ import annotations

import numpy as np

from earful.insights.cluster import cluster
from earful.insights.embed import get_embedder
from earful.insights.wordvec import HybridEmbedder, WordVectorEmbedder, word_table


def test_packaged_word_table_is_consistent() -> None:
    table = word_table()
    n, dims = table.vectors.shape
    assert n == len(table.index) == len(table.weights) > 10_000
    assert table.common.shape == (dims,)
    assert {"delay", "refund", "crash", "password"} <= set(table.index)
    assert np.all((table.weights > 0) & (table.weights <= 1))
    # frequent words weigh less than rare ones
    assert table.weights[table.index["good"]] < table.weights[table.index["refund"]]


def test_word_vectors_put_paraphrases_together() -> None:
    vecs = WordVectorEmbedder().embed(
        [
            "my flight was delayed for three hours",
            "the plane left late again, waited hours at the gate",
            "the app crashes whenever I open the settings page",
            "zzqx qqzv",  # no known word
        ]
    )
    assert np.allclose(np.linalg.norm(vecs[:3], axis=1), 1.0, atol=1e-5)
    assert not vecs[3].any()
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.1


def test_hybrid_is_the_default_and_unit_length() -> None:
    embedder = get_embedder()
    assert embedder.name == "hybrid"
    texts = [f"refund for the cancelled flight number {i}" for i in range(30)]
    texts += [f"lost bag at the baggage claim, day {i}" for i in range(30)]
    vecs = embedder.embed(texts)
    assert vecs.shape[0] == 60
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    labels = cluster(vecs, min_size=5)
    assert len(set(labels[:30].tolist())) == 1
    assert len(set(labels[30:].tolist())) == 1
    assert labels[0] != labels[30]


def test_hybrid_mix_weighs_the_two_halves() -> None:
    texts = ["baggage lost", "refund please", "seat broken", "wifi down"] * 3
    words = WordVectorEmbedder().embed(texts)
    mixed = HybridEmbedder(mix=0.7).embed(texts)
    head = mixed[:, : words.shape[1]]
    assert np.allclose(np.linalg.norm(head, axis=1), np.sqrt(0.7), atol=1e-4)
    assert np.allclose(head / np.sqrt(0.7), words, atol=1e-4)


def test_posts_without_known_words_are_outliers() -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(40, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs[:12] = 0  # what the embedders return for a post with no word they know
    labels = cluster(vecs, min_size=3)
    assert (labels[:12] == -1).all()
    assert (labels[12:] >= 0).sum() > 20


def test_cli_themes_default_is_the_library_default() -> None:
    import inspect

    from earful.cli.insights import themes
    from earful.insights.embed import DEFAULT_EMBEDDER

    assert inspect.signature(themes).parameters["embedder"].default == DEFAULT_EMBEDDER
