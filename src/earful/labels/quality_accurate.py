"""Quality report sections for the accurate path (needs the ``accurate`` extra).

Every number is recomputed here, on CPU, from stored models: the shipped adapter
(``artifacts/accurate_ft.npz``) for sets it never saw, and the five fold adapters in
``scripts/artifacts/accurate_folds/`` (written by ``scripts/finetune_accurate.py``) for the
held-out SemEval year and the out-of-fold complaint and question predictions. Each fold
file records which rows of each task it left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from earful.labels import rules
from earful.labels.quality import binary_table, not_support, sentiment_section
from earful.labels.types import SENTIMENTS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from earful.labels.training_data import BinaryTask

FOLD_DIR = Path(__file__).resolve().parents[3] / "scripts" / "artifacts" / "accurate_folds"


def _folds() -> list[Path]:
    paths = sorted(FOLD_DIR.glob("fold*.npz"))
    if not paths:
        raise SystemExit(f"no fold adapters in {FOLD_DIR}: run scripts/finetune_accurate.py")
    return paths


def accurate_without_hard_dev(texts: list[str]) -> list[str]:
    """Fold 0 (trained without the 2016 test year) averaged with the fast head re-fitted
    without it: the shipped recipe, scored on a year neither model saw."""
    import numpy as np

    from earful.labels.accurate import blend_scores, scores
    from earful.labels.train import fast_sentiment_without_hard_dev as refit

    f, model, offsets = refit()
    fast_adj = model.predict_log_proba(f.transform(texts)) + offsets
    adj = blend_scores(scores(texts, _folds()[0])["sentiment"], fast_adj)
    return [SENTIMENTS[int(i)] for i in np.asarray(adj).argmax(1)]


def oof(task: str, texts: list[str]) -> npt.NDArray[np.float64]:
    """Out-of-fold probabilities for ``task`` (NaN for rows no fold left out)."""
    import numpy as np

    from earful.labels.accurate import scores

    p = np.full(len(texts), np.nan)
    for path in _folds():
        with np.load(path) as z:
            if f"held/{task}" not in z.files:
                continue
            rows = z[f"held/{task}"]
            if int(z[f"held/{task}/of"]) != len(texts):
                raise SystemExit(f"{path.name}: {task} set changed since fine-tuning")
        if len(rows):
            p[rows] = scores([texts[i] for i in rows], path)[task]
    return p


def labeller_oof(
    task: str, leave_group_out: bool = False
) -> tuple[BinaryTask, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(training task, out-of-fold scores as the accurate labeller computes them, the fast head's
    own out-of-fold scores): the fold models' predictions (or, for a head fitted on the frozen
    vectors, that head re-fitted per fold), averaged with the fast head's where it blends.
    ``leave_group_out`` (frozen-vector heads only; the fold models hold out fifths)."""
    from earful.labels.accurate import blend_binary
    from earful.labels.accurate_feedback import FEEDBACK_HEADS
    from earful.labels.accurate_feedback import oof as feedback_oof
    from earful.labels.model import fast_model
    from earful.labels.train import oof_binary
    from earful.labels.training_data import binary_tasks

    if task in FEEDBACK_HEADS:
        t, ft = feedback_oof(task, leave_group_out=leave_group_out)
    elif leave_group_out:
        raise ValueError(f"{task}: the fold models give 5-fold scores only")
    else:
        t = binary_tasks()[task]
        ft = oof(task, t.texts)
    fast = oof_binary(fast_model().featurizer, t, leave_group_out=leave_group_out)
    return t, blend_binary(task, ft, fast), fast


def pick_thresholds() -> dict[str, float]:
    """Thresholds of the heads the accurate labeller uses, picked for F1 on their out-of-fold
    scores and shrunk halfway toward 0.5 (as the fast heads'); question for the whole decision
    (head, or a clause ending in '?' with the head at half the threshold)."""
    import numpy as np

    from earful.labels.accurate import USED_HEADS
    from earful.labels.train import best_threshold, question_rule_mask

    out: dict[str, float] = {}
    for task in USED_HEADS:
        t, p, _fast = labeller_oof(task)
        ok = ~np.isnan(p)
        relaxed = question_rule_mask(t.texts)[ok] if task == "question" else None
        best = best_threshold(p[ok], list(np.asarray(t.y)[ok]), relaxed)
        out[task] = round(0.5 * (best + 0.5), 4)
    return out


def binary_sections() -> str:
    import numpy as np

    from earful.labels.accurate import load_encoder
    from earful.labels.training_data import binary_tasks

    th = load_encoder().thresholds
    tasks = binary_tasks()
    out: list[str] = []
    task, p, _fast = labeller_oof("complaint")
    out.append(
        binary_table(
            task.y,
            list((p >= th["complaint"]) & not_support(task.texts)),
            "Complaint (accurate, averaged with fast) — 5-fold CV",
        )
    )
    task = tasks["question"]
    p = oof("question", task.texts)
    struct = np.array([rules.question_structure(t) for t in task.texts])
    pred = (p >= th["question"]) | ((struct >= 1.0) & (p >= 0.5 * th["question"]))
    out.append(binary_table(task.y, list(pred), "Question (accurate) — 5-fold CV"))
    out.append(binary_table(task.y, list(p >= th["question"]), "Question (accurate) — head alone"))
    if "bug" in th:
        out.append(bug_sections(th["bug"]))
    return "\n".join(out)


def bug_sections(threshold: float) -> str:
    """The bug head on SHAH sentences and the weak app-review labels: 5-fold (the fast head's
    own out-of-fold scores beside, at its shipped threshold) and leave-one-app-out."""
    import numpy as np

    from earful.labels.model import fast_model

    fast = fast_model()
    out: list[str] = []
    for logo, how in ((False, "5-fold CV"), (True, "leave-one-app-out")):
        task, p, fast_p = labeller_oof("bug", leave_group_out=logo)
        keep = not_support(task.texts)
        p, fast_p = np.where(keep, p, 0.0), np.where(keep, fast_p, 0.0)
        y = np.asarray(task.y)
        shah = np.asarray(task.groups) != "weak"
        rows = [("accurate, averaged with fast", p, threshold)]
        if not logo:  # the fast head's leave-one-app-out tables are in the fast section
            rows.append(("fast", fast_p, fast.thresholds["bug"]))
        for name, q, t in rows:
            for mask, what in (
                (shah, f"SHAH sentences (label B), {how}"),
                (
                    ~shah,
                    "app_reviews_4class weak labels, " + ("trained on SHAH only" if logo else how),
                ),
            ):
                out.append(
                    binary_table(list(y[mask]), list(q[mask] >= t), f"bug ({name}) — {what}")
                )
    return "\n".join(out)


def sections() -> list[str]:
    from earful.labels.accurate import accurate_sentiment_labels

    return [
        "## Sentiment (accurate path: fine-tuned MiniLM averaged with the fast head)",
        "",
        sentiment_section(accurate_sentiment_labels, accurate_without_hard_dev, "Earful accurate"),
        "## Complaint, question, bug (accurate path: fine-tuned MiniLM heads; complaint and bug "
        "averaged with the fast head)",
        "",
        "Out-of-fold predictions of the five fold models (each fine-tuned without its fifth of "
        "the set); for complaint averaged with the fast head's own out-of-fold predictions, as "
        "the labeller averages them. Thresholds are the shipped ones, picked on these same "
        "predictions and shrunk halfway toward 0.5: slightly optimistic. The bug head is a "
        "logistic regression on the shipped encoder's vectors (never fine-tuned on app reviews), "
        "re-fitted per fold here. Spam and feature requests stay on the fast heads on the "
        "accurate path.",
        "",
        binary_sections(),
    ]
