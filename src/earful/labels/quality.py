"""Quality report: every number on data the evaluated model was not trained on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from earful.labels import datasets as ds
from earful.labels import rules
from earful.labels.types import SENTIMENTS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


def table(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str], title: str) -> str:
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, recall_score

    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=list(labels), zero_division=0
    )
    macro_r = recall_score(y_true, y_pred, labels=list(labels), average="macro", zero_division=0)
    macro_f = sum(f) / len(labels)
    lines = [
        f"#### {title}",
        "",
        f"n = {len(y_true)}; macro recall **{macro_r:.3f}**; macro F1 {macro_f:.3f}",
        "",
        "| class | precision | recall | F1 | support |",
        "| --- | --- | --- | --- | --- |",
    ]
    for i, lab in enumerate(labels):
        lines.append(f"| {lab} | {p[i]:.3f} | {r[i]:.3f} | {f[i]:.3f} | {s[i]} |")
    cm = confusion_matrix(y_true, y_pred, labels=list(labels))
    lines += [
        "",
        "Confusion (rows = truth, columns = predicted):",
        "",
        "| truth \\ pred | " + " | ".join(labels) + " |",
        "| --- |" + " --- |" * len(labels),
    ]
    for i, lab in enumerate(labels):
        lines.append(f"| {lab} | " + " | ".join(str(v) for v in cm[i]) + " |")
    return "\n".join(lines) + "\n"


def binary_table(y: Sequence[int], pred: Sequence[bool], title: str) -> str:
    return table(
        ["yes" if v else "no" for v in y],
        ["yes" if v else "no" for v in pred],
        ["yes", "no"],
        title,
    )


def vader_predict(texts: Sequence[str]) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    an = SentimentIntensityAnalyzer()
    out = []
    for t in texts:
        c = an.polarity_scores(t)["compound"]
        out.append("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
    return out


Predictor = Callable[[list[str]], list[str]]


def sentiment_section(shipped: Predictor, dev_excluded: Predictor, name: str) -> str:
    _train, dev = ds.semeval_sentiment()
    sets: list[tuple[str, list[ds.Example], Predictor]] = [
        (
            "SemEval twitter-2016test (hard held-out year; model re-fitted without it)",
            dev,
            dev_excluded,
        ),
        ("TweetEval sentiment val (shipped model)", ds.tweeteval_val(), shipped),
        (
            "airline_sentiment (out of domain, never trained on; conf >= 0.5, deduped; shipped "
            "model)",
            ds.airline(),
            shipped,
        ),
    ]
    parts = []
    for title, rows, predict in sets:
        texts = [e.text for e in rows]
        y = [e.label for e in rows]
        parts.append(table(y, predict(texts), SENTIMENTS, f"{name} — {title}"))
        parts.append(table(y, vader_predict(texts), SENTIMENTS, f"VADER baseline — {title}"))
    return "\n".join(parts)


def fast_sentiment(texts: list[str]) -> list[str]:
    from earful.labels.model import fast_model

    sc = fast_model().scores(texts)
    return [SENTIMENTS[int(i)] for i in sc.sentiment_adjusted.argmax(1)]


def fast_sentiment_without_hard_dev(texts: list[str]) -> list[str]:
    """Same recipe as the shipped head, re-fitted without the 2016 test year."""
    from earful.labels.train import fast_sentiment_without_hard_dev as refit

    f, model, offsets = refit()
    adj = model.predict_log_proba(f.transform(texts)) + offsets
    return [SENTIMENTS[int(i)] for i in adj.argmax(1)]


def _oof(task_name: str, leave_group_out: bool) -> tuple[Any, npt.NDArray[np.float64]]:
    from earful.labels.model import fast_model
    from earful.labels.train import oof_binary
    from earful.labels.training_data import binary_tasks

    task = binary_tasks()[task_name]
    return task, oof_binary(fast_model().featurizer, task, leave_group_out)


def _lodo_complaint() -> tuple[Any, npt.NDArray[np.float64]]:
    from dataclasses import replace

    from earful.labels.model import fast_model
    from earful.labels.train import oof_binary
    from earful.labels.training_data import binary_tasks

    task = binary_tasks()["complaint"]
    domains = ["random" if g.startswith("random") else g for g in task.groups]
    p = oof_binary(fast_model().featurizer, replace(task, groups=domains), True)
    return task, p


def not_support(texts: Sequence[str]) -> npt.NDArray[np.bool_]:
    """False where the labeller calls a text a support reply (which then gets no complaint,
    bug or feature-request label): the shipped support head, never trained on these sets.
    Read-only; computed once per list of texts (the report asks again for the same sets)."""
    return _not_support(tuple(texts))


@cache
def _not_support(texts: tuple[str, ...]) -> npt.NDArray[np.bool_]:
    import numpy as np

    from earful.labels.model import fast_model

    m = fast_model()
    out: npt.NDArray[np.bool_] = np.ones(len(texts), dtype=bool)
    if "support_reply" in m.thresholds:
        out = m.scores(list(texts)).binary["support_reply"] < m.thresholds["support_reply"]
    out.setflags(write=False)
    return out


def support_section() -> str:
    """The support-reply head out of domain (IBM customer care; trained on ASAPP airline threads,
    SemEval tweets and app reviews), and how often it fires on the other sets' texts."""
    care = ds.care_turns()
    out = [
        binary_table(
            [int(e.label == "agent") for e in care],
            list(~not_support([e.text for e in care])),
            "Support reply — IBM customer-care conversations (25 companies' support accounts "
            "and their customers on X; never trained on)",
        )
    ]
    rows = ["| texts | n | called support replies |", "| --- | --- | --- |"]
    comp = ds.complaints()
    sets = [
        ("complaints_tweets, complaints", [e.text for e in comp if e.label == "1"]),
        ("complaints_tweets, not complaints", [e.text for e in comp if e.label != "1"]),
        ("tweet_acts", [e.text for e in ds.tweet_acts()]),
        ("SemEval 2016 test year, first 5,000", [e.text for e in ds.semeval_sentiment()[1][:5000]]),
        ("TweetEval sentiment val", [e.text for e in ds.tweeteval_val()]),
        ("SHAH sentences", [e.text for e in ds.shah_sentences()]),
    ]
    for name, texts in sets:
        n = int((~not_support(texts)).sum())
        rows.append(f"| {name} | {len(texts)} | {n} ({100 * n / max(1, len(texts)):.2f} %) |")
    return "\n".join([*out, "#### Support reply — how often it fires elsewhere", "", *rows, ""])


def binary_sections() -> str:
    import numpy as np

    from earful.labels.model import fast_model

    th = fast_model().thresholds
    out: list[str] = []

    task, p = _oof("complaint", False)
    pred = (p >= th["complaint"]) & not_support(task.texts)
    out.append(
        binary_table(task.y, list(pred), "Complaint — complaints_tweets, 5-fold CV (all rows)")
    )
    keep = [not g.startswith("random") for g in task.groups]
    out.append(
        binary_table(
            [y for y, k in zip(task.y, keep, strict=True) if k],
            [bool(v) for v, k in zip(pred, keep, strict=True) if k],
            "Complaint — brand-directed rows only (random tweets/replies excluded)",
        )
    )

    task, p = _lodo_complaint()
    out.append(
        binary_table(
            task.y,
            list((p >= th["complaint"]) & not_support(task.texts)),
            "Complaint — leave-one-domain-out (each of the 9 domains, and the random "
            "tweets/replies, held out in turn)",
        )
    )

    task, p = _oof("question", False)
    struct = np.array([rules.question_structure(t) for t in task.texts])
    pred = (p >= th["question"]) | ((struct >= 1.0) & (p >= 0.5 * th["question"]))
    out.append(binary_table(task.y, list(pred), "Question — tweet_acts QUE vs rest, 5-fold CV"))
    out.append(binary_table(task.y, list(struct >= 1.0), "Question — structure rule alone ('?')"))

    from earful.labels.train import nested_oof_binary
    from earful.labels.training_data import binary_tasks

    task = binary_tasks()["spam"]
    p, thr = nested_oof_binary(fast_model().featurizer, task)
    texts = task.texts
    dup: list[int] = [0] * len(texts)
    for g in set(task.groups):
        idx = [i for i, x in enumerate(task.groups) if x == g]
        for i, c in zip(idx, rules.duplicate_counts([texts[i] for i in idx]), strict=True):
            dup[i] = c
    pred_l: list[bool] = []
    for i, t in enumerate(texts):
        reasons = rules.spam_evidence(t, None, dup[i], source="youtube")
        pred_l.append(rules.spam_decision(float(p[i]), float(thr[i]), reasons, "youtube"))
    out.append(
        binary_table(
            task.y,
            pred_l,
            "Spam — youtube_spam, leave-one-video-out, threshold by inner CV (model + rules)",
        )
    )
    for g in sorted(set(task.groups)):
        idx = [i for i, x in enumerate(task.groups) if x == g]
        out.append(
            binary_table(
                [task.y[i] for i in idx], [pred_l[i] for i in idx], f"Spam — held-out video {g}"
            )
        )

    for name, code in (("bug", "B"), ("feature_request", "R")):
        task, p = _oof(name, True)
        p = np.where(not_support(task.texts), p, 0.0)
        shah = [i for i, g in enumerate(task.groups) if g != "weak"]
        weak = [i for i, g in enumerate(task.groups) if g == "weak"]
        out.append(
            binary_table(
                [task.y[i] for i in shah],
                [bool(p[i] >= th[name]) for i in shah],
                f"{name} — SHAH sentences (label {code}), leave-one-app-out "
                "(trained on app_reviews_4class + other apps)",
            )
        )
        out.append(
            binary_table(
                [task.y[i] for i in weak],
                [bool(p[i] >= th[name]) for i in weak],
                f"{name} — app_reviews_4class weak labels, trained on SHAH only",
            )
        )
    return "\n".join(out)


def p2_section() -> str:
    from earful.labels.model import fast_model

    rows = ds.p_golden("P2")
    m = fast_model()
    sc = m.scores([e.text for e in rows])
    th = m.thresholds
    pred = [
        bool(a >= th["bug"] or b >= th["feature_request"])
        for a, b in zip(sc.binary["bug"], sc.binary["feature_request"], strict=True)
    ]
    return binary_table(
        [int(e.label) for e in rows],
        pred,
        "Actionable (bug or feature_request) vs P2 'states a requirement' "
        "(never trained on; different definition)",
    )


def report(accurate: bool = False) -> str:
    from earful.labels.types import LABELLER_NAME, LABELLER_VERSION

    head = [
        "# Label quality",
        "",
        f"Generated by `python scripts/quality_report.py` for {LABELLER_NAME} {LABELLER_VERSION}. ",
        "Every number is on data the evaluated model did not see in training: held-out files for "
        "sentiment, out-of-fold predictions (folds re-fitted from scratch) for the binary heads, "
        "a never-trained-on set for airline sentiment and P2. Thresholds for complaint, "
        "question, bug and feature_request were picked on the same out-of-fold predictions and "
        "then shrunk halfway toward 0.5 (the question threshold for the head-or-'?' decision), "
        "so those numbers are slightly optimistic; spam "
        "thresholds are picked by an inner leave-one-video-out on the training videos only. "
        "Half of several sets is kept aside by the project and is not used here.",
        "",
        "## Sentiment (fast path)",
        "",
        sentiment_section(fast_sentiment, fast_sentiment_without_hard_dev, "Earful fast"),
    ]
    head += ["## Complaint, question, spam, feedback type", "", binary_sections(), p2_section()]
    head += ["## Support replies (fast path, both paths use it)", "", support_section()]
    if accurate:
        from earful.labels import quality_accurate

        head += quality_accurate.sections()
    return "\n".join(head)
