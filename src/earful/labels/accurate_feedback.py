"""The accurate path's bug-report head: a logistic regression on the fine-tuned encoder's pooled
vectors, fitted on CPU after fine-tuning (``scripts/finetune_accurate.py thresholds``).

The encoder was fine-tuned on sentiment, complaint, question and spam only, never on the
app-review sets, so its vectors are frozen features here and out-of-fold scores need no fold
encoders: the head is re-fitted per fold on the shipped encoder's vectors. The labeller averages
its log-odds 50/50 with the fast bug head (``accurate.BINARY_WEIGHTS``), as for complaint.

Measured before it was added (docs/labels.md): SHAH sentences, 5-fold, F1 0.373 -> 0.454 with
the weak app-review rows unchanged (0.790 -> 0.792); leave-one-app-out 0.375 -> 0.418 with
thresholds picked on the other apps. Feature requests did not gain (0.410 -> 0.404), so they stay
on the fast head.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from earful.labels.accurate import ARTIFACT

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from earful.labels.training_data import BinaryTask

FEEDBACK_HEADS = ("bug",)
# fixed before measuring (the middle of 0.1 / 0.3 / 1.0, which gave 5-fold SHAH F1 0.439 /
# 0.454 / 0.462 blended: within noise of each other)
FEEDBACK_C = 0.3


@cache
def _task(name: str) -> BinaryTask:
    from earful.labels.training_data import binary_tasks

    return binary_tasks()[name]


@cache
def _vectors(name: str, path: Path) -> npt.NDArray[np.float32]:
    from earful.labels.accurate import vectors

    return vectors(_task(name).texts, path)


def fit_head(name: str, path: Path = ARTIFACT) -> dict[str, npt.NDArray[np.float32]]:
    """``head/NAME/weight`` (1, 384) and ``head/NAME/bias`` (1,) fitted on every row of the task,
    on the vectors of the encoder stored at ``path``."""
    import numpy as np

    from earful.labels.train import fit_logreg

    task = _task(name)
    m = fit_logreg(_vectors(name, path), task.y, task.weights, FEEDBACK_C)
    return {
        f"head/{name}/weight": m.coef_.astype(np.float32),
        f"head/{name}/bias": m.intercept_.astype(np.float32),
    }


def oof(
    name: str, leave_group_out: bool = False, path: Path = ARTIFACT
) -> tuple[BinaryTask, npt.NDArray[np.float64]]:
    """(task, out-of-fold probabilities of the head alone): 5-fold stratified with the fast
    heads' seed, or leave-one-group-out (an app of the SHAH set; the weak app reviews are one
    group, so they are predicted by a head trained on SHAH only), as the fast heads' report."""
    from earful.labels.train import oof_logreg

    task = _task(name)
    return task, oof_logreg(_vectors(name, path), task, leave_group_out, FEEDBACK_C)
