"""Distillation set: per domain and teacher label the surest texts, never an unsure one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from earful.labels import training_data as train


def test_pseudo_labels_balanced_by_domain_and_class(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [("a", f"neg {i}") for i in range(5)] + [("a", "pos 0"), ("b", "neg b"), ("b", "meh")]
    proba = {
        "neg 0": [0.95, 0.03, 0.02],
        "neg 1": [0.90, 0.05, 0.05],
        "neg 2": [0.85, 0.10, 0.05],
        "neg 3": [0.70, 0.20, 0.10],
        "neg 4": [0.50, 0.30, 0.20],  # below PSEUDO_CONF
        "pos 0": [0.10, 0.10, 0.80],
        "neg b": [0.61, 0.20, 0.19],
        "meh": [0.34, 0.33, 0.33],
    }
    path = tmp_path / "teacher.npz"
    keys = np.asarray([train.text_key(t) for _d, t in rows])
    probs = np.asarray([proba[t] for _d, t in rows], dtype=np.float16)
    np.savez(path, keys=keys, final=probs, fold0=probs[:, ::-1])
    monkeypatch.setattr(train, "TEACHER", path)
    monkeypatch.setattr(train.ds, "unlabelled_tweets", lambda: rows)
    monkeypatch.setattr(train, "PSEUDO_PER_CLASS", 2)
    got = train.pseudo_labelled("final")
    # domain a: the two surest negatives and its one positive; domain b: its one sure negative
    assert got == [
        ("neg 0", "negative"),
        ("neg 1", "negative"),
        ("pos 0", "positive"),
        ("neg b", "negative"),
    ]
    assert [label for _t, label in train.pseudo_labelled("fold0")][:1] == ["positive"]
    monkeypatch.setattr(train, "TEACHER", tmp_path / "missing.npz")
    assert train.pseudo_labelled("final") == []
