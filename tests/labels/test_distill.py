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
    np.savez(path, keys=keys, final=probs, fold0=probs, fold1=probs)
    monkeypatch.setattr(train, "TEACHER", path)
    monkeypatch.setattr(train.ds, "unlabelled_tweets", lambda: rows)
    monkeypatch.setattr(train, "PSEUDO_PER_CLASS", 2)
    got = train.pseudo_labelled(with_final=True)
    # domain a: the two surest negatives and its one positive; domain b: its one sure negative
    assert got == [
        ("neg 0", "negative"),
        ("neg 1", "negative"),
        ("pos 0", "positive"),
        ("neg b", "negative"),
    ]
    monkeypatch.setattr(train, "TEACHER", tmp_path / "missing.npz")
    assert train.pseudo_labelled(with_final=True) == []


def test_teacher_is_the_average_and_the_refit_leaves_the_final_model_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [("a", "x"), ("a", "y")]
    path = tmp_path / "teacher.npz"
    keys = np.asarray([train.text_key(t) for _d, t in rows])
    final = np.asarray([[0.9, 0.05, 0.05], [0.9, 0.05, 0.05]], dtype=np.float16)
    fold = np.asarray([[0.05, 0.05, 0.9], [0.3, 0.1, 0.6]], dtype=np.float16)
    np.savez(path, keys=keys, final=final, fold0=fold, fold1=fold)
    monkeypatch.setattr(train, "TEACHER", path)
    monkeypatch.setattr(train.ds, "unlabelled_tweets", lambda: rows)
    # folds only (the re-fit scored on the 2016 test year): both positive
    assert train.pseudo_labelled(with_final=False) == [("x", "positive"), ("y", "positive")]
    # all three: x averages to 0.62 positive; y to 0.5 negative, below PSEUDO_CONF, left out
    assert train.pseudo_labelled(with_final=True) == [("x", "positive")]
