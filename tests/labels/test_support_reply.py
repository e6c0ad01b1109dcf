"""Support replies: a brand's care account answering a customer gets no feedback labels."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from earful.labels import LabelInput, label_batch
from earful.labels.rules import CUE_FUNCTIONS
from earful.labels.support import SUPPORT_CUES, support_cues

AGENT = [
    "@jordan_k Hi Jordan, sorry to hear that! Could you send us a DM with the email on your "
    "account so we can look into it? ^KM",
    "@maria_p We're sorry for the trouble. Please try clearing the app cache and let us know "
    "if the sync works again. *TR",
    "@sam_w Thanks for reaching out! We'd love to help: which version of the app are you on?",
]
CUSTOMERS = [
    "@AcmeSupport the app keeps crashing every time I open my invoices, this is ridiculous",
    "@AcmeSupport please add a dark mode, my eyes hurt at night",
    "Loving the new Acme release, the export is so much faster now!",
]


def cue(text: str) -> dict[str, float]:
    return dict(zip(SUPPORT_CUES, support_cues(text), strict=True))


def test_support_cues_values() -> None:
    c = cue(AGENT[0])
    assert c["greeting"] == 1.0 and c["signoff"] == 1.0 and c["help_phrase"] == 1.0
    assert c["i_voice"] == 0.0
    c = cue(CUSTOMERS[0])
    assert c["i_voice"] > 0
    assert c["signoff"] == 0.0 and c["greeting"] == 0.0 and c["help_phrase"] == 0.0
    # a dash inside a sentence, or a lower-case word after it, is not a sign-off
    assert cue("@delta worst airline ever - never again")["signoff"] == 0.0
    assert cue("@user Sorry, we missed you. Fixed now - JB")["signoff"] == 1.0
    assert CUE_FUNCTIONS["support_reply"][0] == SUPPORT_CUES


def test_support_replies_get_no_feedback_labels() -> None:
    items = [LabelInput(str(i), t, source="x") for i, t in enumerate(AGENT + CUSTOMERS)]
    res = label_batch(items)
    for r in res[: len(AGENT)]:
        assert r.support_reply, r.id
        assert r.support_score >= 0.7
        assert not r.complaint and not r.lead
        assert set(r.feedback) <= {"question"}
        assert ("support_reply", "true", r.support_score) in r.rows()
        assert "support_reply" not in r.to_json()  # `earful label`'s fields are fixed
    customers = res[len(AGENT) :]
    assert not any(r.support_reply for r in customers)
    assert customers[0].complaint
    assert "feature_request" in customers[1].feedback
    assert "praise" in customers[2].feedback


def test_support_head_is_in_the_shipped_model(fast_model) -> None:  # type: ignore[no-untyped-def]
    assert "support_reply" in fast_model.columns
    assert fast_model.thresholds["support_reply"] == 0.7
    assert len(fast_model.cue_weights["support_reply"]) == len(SUPPORT_CUES)
    p = fast_model.scores(AGENT + CUSTOMERS).binary["support_reply"]
    assert p[: len(AGENT)].min() > p[len(AGENT) :].max()


def test_artifact_without_support_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Artifacts from before the head (labels 1.9.0) label every post as before."""
    from earful.labels import model as model_mod

    src = model_mod.ARTIFACTS
    meta = json.loads((src / "fast.json").read_text(encoding="utf-8"))
    j = meta["columns"].index("support_reply")
    with np.load(src / "fast.npz") as z:
        arrays = {k: z[k] for k in z.files}
    arrays["weights"] = np.delete(arrays["weights"], j, axis=1)
    np.savez(tmp_path / "fast.npz", **arrays)
    del meta["columns"][j], meta["intercepts"][j]
    del meta["thresholds"]["support_reply"], meta["cue_weights"]["support_reply"]
    (tmp_path / "fast.json").write_text(json.dumps(meta), encoding="utf-8")
    for extra in src.iterdir():
        if extra.name not in ("fast.npz", "fast.json"):
            shutil.copy(extra, tmp_path / extra.name)
    old = model_mod.FastModel(tmp_path)
    monkeypatch.setattr(model_mod, "fast_model", lambda directory=None: old)
    res = label_batch([LabelInput("a", AGENT[0], source="x")])
    assert not res[0].support_reply and res[0].support_score == 0.0
