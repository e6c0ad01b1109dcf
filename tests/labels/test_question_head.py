"""The question head's extra cues and the threshold that accounts for the '?' rule."""

from __future__ import annotations

import numpy as np
import pytest

from earful.labels.rules import CUE_FUNCTIONS, QUESTION_CUES, question_cues


def cue(text: str) -> dict[str, float]:
    return dict(zip(QUESTION_CUES, question_cues(text), strict=True))


def test_question_cues_values() -> None:
    c = cue("@acmehelp Are there any plans for an offline mode.")
    assert c["addressed_question"] == 1.0
    # a reply that asks nothing (the spam rules' reply test once took this cue's name)
    assert cue("@acmehelp thanks, that fixed it.")["addressed_question"] == 0.0
    assert c["qmark_clause"] == 0.0 and c["ends_with_qmark"] == 0.0
    c = cue("anyone know a good CRM for a tiny team?? http://example.test")
    assert c["asks_for_info"] == 1.0 and c["repeated_qmark"] == 1.0
    assert c["qmark_clause"] == 1.0 and c["ends_with_qmark"] == 1.0  # the link is ignored
    c = cue("how do I export my invoices")
    assert c["unpunctuated_wh_start"] == 1.0 and c["qmark_clause"] == 0.0
    assert sum(question_cues("Shipped the new release today.")) == 0.0
    assert CUE_FUNCTIONS["question"][0] == QUESTION_CUES


def test_shipped_question_head_uses_cues(fast_model) -> None:  # type: ignore[no-untyped-def]
    assert len(fast_model.cue_weights["question"]) == len(QUESTION_CUES)
    texts = ["does the export work on mobile?", "the export works on mobile."]
    with_cues = fast_model.scores(texts).binary["question"]
    without = fast_model.scores_from_features(fast_model.features(texts)).binary["question"]
    logit = np.log(with_cues / (1 - with_cues)) - np.log(without / (1 - without))
    expected = np.asarray([question_cues(t) for t in texts]) @ fast_model.cue_weights["question"]
    assert np.allclose(logit, expected * fast_model.cue_scale, rtol=1e-3, atol=1e-3)
    assert with_cues[0] > with_cues[1]


def test_best_threshold_counts_relaxed_rows() -> None:
    from earful.labels.train import best_threshold

    proba = np.array([0.9, 0.3, 0.5, 0.1])
    y = [1, 1, 0, 0]
    assert best_threshold(proba, y) == pytest.approx(0.2)  # the second positive costs a false one
    # when the rule covers the second row from t / 2, t = 0.525 catches it and skips row three
    relaxed = np.array([False, True, False, False])
    assert best_threshold(proba, y, relaxed) == pytest.approx(0.525)
