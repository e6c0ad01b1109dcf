"""``label_batch``: every label for a batch of posts, fast path by default."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from earful.labels import rules
from earful.labels.types import (
    SENTIMENTS,
    LabelInput,
    LabelResult,
    ProductSpec,
)


def label_batch(
    items: Sequence[LabelInput],
    product: ProductSpec | None = None,
    *,
    accurate: bool = False,
) -> list[LabelResult]:
    """Label ``items`` (order kept). ``accurate`` needs the ``accurate`` extra installed."""
    from earful.labels.lang import detect_batch
    from earful.labels.model import fast_model
    from earful.labels.relevance import relevance_batch

    if not items:
        return []
    import numpy as np

    texts = [it.text or "" for it in items]
    model = fast_model()
    sc = model.scores(texts)
    adjusted = sc.sentiment_adjusted
    proba = sc.sentiment_proba
    th = sc.thresholds
    b = {h: v.tolist() for h, v in sc.binary.items()}
    if accurate:
        from earful.labels.accurate import accurate_scores

        proba, adjusted, fine, fine_th = accurate_scores(texts, model, fast=sc)
        b.update({h: v.tolist() for h, v in fine.items()})
        th = {**th, **fine_th}
    sources = [
        rules.canonical_source(it.source) or rules.implied_source(t)
        for it, t in zip(items, texts, strict=True)
    ]
    owners = [rules.repeat_owner(i, sources[i], it.author) for i, it in enumerate(items)]
    dup = rules.duplicate_counts(texts, owners)
    rels = relevance_batch(texts, product) if product is not None else None
    langs = detect_batch(texts)
    # one conversion per column instead of a numpy scalar per post and field (same floats)
    best = adjusted.argmax(axis=1)
    best_k = best.tolist()
    best_p = proba[np.arange(len(texts)), best].tolist()
    praise_p = proba[:, 2].tolist()
    polarity = (proba[:, 2] - proba[:, 0]).tolist()
    cues: list[list[float]] | list[None] = (
        [None] * len(texts) if sc.spam_cues is None else sc.spam_cues.tolist()
    )
    th_comp, th_q, th_spam = th["complaint"], th["question"], th["spam"]
    th_bug, th_feat = th["bug"], th["feature_request"]
    # an artifact from before labels 1.10.0 has no support-reply head: nothing is a support reply
    p_support = b.get("support_reply", [0.0] * len(texts))
    th_support = th.get("support_reply", 1.0)
    out: list[LabelResult] = []
    for i, (it, text) in enumerate(zip(items, texts, strict=True)):
        lang, lang_score = langs[i]
        sentiment = SENTIMENTS[best_k[i]]
        p_comp = b["complaint"][i]
        p_q = b["question"][i]
        p_spam = b["spam"][i]
        # a brand's support account answering a customer: not the customer's feedback
        support = p_support[i] >= th_support
        complaint = p_comp >= th_comp and not support
        structure = rules.question_structure(text)
        question = p_q >= th_q or (structure >= 1.0 and p_q >= 0.5 * th_q)
        source = sources[i]
        reasons = rules.spam_evidence(text, it.author, dup[i], cues[i], source)
        spam = rules.spam_decision(p_spam, th_spam, reasons, source)
        if spam and not reasons:
            reasons.append("promotion")
        if not spam:
            reasons = []
        scores = {
            "bug": b["bug"][i],
            "feature_request": b["feature_request"][i],
            "complaint": p_comp,
            "praise": praise_p[i],
            "question": p_q,
        }
        feedback: list[str] = []
        if scores["bug"] >= th_bug and not support:
            feedback.append("bug")
        if scores["feature_request"] >= th_feat and not support:
            feedback.append("feature_request")
        if complaint:
            feedback.append("complaint")
        if sentiment == "positive" and not (complaint or support) and "bug" not in feedback:
            feedback.append("praise")
        if question:
            feedback.append("question")
        rel: bool | None = None
        rel_score: float | None = None
        if rels is not None:
            rel, rel_score = rels[i]
        out.append(
            LabelResult(
                id=it.id,
                lang=lang,
                lang_score=lang_score,
                sentiment=sentiment,
                sentiment_score=best_p[i],
                polarity=polarity[i],
                feedback=tuple(feedback),
                complaint=complaint,
                complaint_score=p_comp,
                question=question,
                question_score=max(p_q, structure if question else 0.0),
                lead=not support and rules.is_lead(text),
                spam=spam,
                spam_score=p_spam,
                spam_reasons=tuple(reasons),
                relevant=rel,
                relevance_score=rel_score,
                product=product.key if product is not None else None,
                type_scores={t: scores[t] for t in feedback},
                support_reply=support,
                support_score=p_support[i],
            )
        )
    return out


def label_stream(
    items: Sequence[LabelInput],
    product: ProductSpec | None = None,
    *,
    accurate: bool = False,
    chunk: int = 2000,
    jobs: int = 1,
) -> Iterator[LabelResult]:
    """Label in chunks; with ``jobs > 1`` chunks run in forked worker processes (order kept)."""
    chunks = [items[i : i + chunk] for i in range(0, len(items), chunk)]
    if jobs <= 1 or len(chunks) <= 1 or accurate:
        for c in chunks:
            yield from label_batch(c, product, accurate=accurate)
        return
    import multiprocessing as mp

    from earful.labels.jsonl import preload

    preload()  # load before forking so workers share the pages
    ctx = mp.get_context("fork")
    with ctx.Pool(jobs) as pool:
        for res in pool.imap(_worker, [(c, product) for c in chunks]):
            yield from res


def _worker(args: tuple[Sequence[LabelInput], ProductSpec | None]) -> list[LabelResult]:
    return label_batch(args[0], args[1])
