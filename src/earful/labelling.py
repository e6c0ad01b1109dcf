"""Labelling stored posts and correcting labels: the bridge between the store and the models.

:func:`label_store` labels, in batches, every post that the current labeller version has not
labelled as it now is (new posts, edited posts, or all posts after a model upgrade).
:func:`correct` records a user's correction, which wins over the model (``effective_labels``)
and is exported for the next training run by :func:`export_corrections`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from earful.errors import InputError
from earful.formats.earful_jsonl import parse_time

if TYPE_CHECKING:
    from earful.config import Config, Product
    from earful.models import Post
    from earful.store.sqlite import SQLiteStore

BOOL_FIELDS = ("complaint", "question", "lead", "spam", "support_reply")
TRUE = ("true", "yes", "1")
FALSE = ("false", "no", "0")


@dataclass(frozen=True, slots=True)
class LabelRun:
    labelled: int
    seconds: float
    labeller: str
    version: str


def label_store(
    store: SQLiteStore,
    config: Config,
    *,
    accurate: bool | None = None,
    everything: bool = False,
    batch: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> LabelRun:
    """Label the posts that need it; ``everything`` relabels every post.

    ``accurate``: the fine-tuned encoder (extra ``accurate``); ``None`` takes the workspace's
    ``[workspace] accurate_labels``. Posts labelled by the other path count as needing labels,
    and their labels are replaced (a post holds one labeller's labels)."""
    from earful.labels import LABELLER_NAME, LABELLER_VERSION

    if accurate is None:
        accurate = config.accurate_labels
    if accurate:
        _require_accurate(config)
    labeller = LABELLER_NAME + ("+accurate" if accurate else "")
    version = LABELLER_VERSION
    total = store.count_posts() if everything else store.count_pending_labels(labeller, version)
    specs = product_specs(store, config)
    started = time.perf_counter()
    done = 0
    after = -1
    while True:
        posts = store.pending_labels(
            labeller, version, after=after, limit=batch, everything=everything
        )
        if not posts:
            break
        after = posts[-1].rowid
        rows = _label_rows(posts, specs, accurate)
        done += store.write_labels(
            labeller, version, [(p.rowid, p.rev, r) for p, r in zip(posts, rows, strict=True)]
        )
        if progress is not None:
            progress(done, total)
    return LabelRun(done, time.perf_counter() - started, labeller, version)


def accurate_installed() -> bool:
    """Whether the accurate path can run here (the extra and its artifact are installed)."""
    try:
        from earful.labels.accurate import available

        return available()
    except ImportError:
        return False


def _require_accurate(config: Config) -> None:
    from earful.errors import ConfigError

    if not accurate_installed():
        hint = "the accurate labeller needs the extra: pip install 'earful[accurate]'"
        if config.accurate_labels:
            raise ConfigError("workspace.accurate_labels", hint, config.path)
        raise InputError(hint)


def product_specs(store: SQLiteStore, config: Config) -> list[Any]:
    """Each configured product for the relevance labeller, with the user's relevance
    corrections as examples (a few flip look-alike posts, with no retraining)."""
    examples: dict[str, list[tuple[str, bool]]] = {}
    for text, field, value in store.corrections_with_text():
        if field.startswith("relevant:"):
            examples.setdefault(field, []).append((text, value == "true"))
    return [_spec(p, examples.get(p.relevance_field, ())) for p in config.products]


def _spec(product: Product, examples: Sequence[tuple[str, bool]] = ()) -> Any:
    from earful.labels import ProductSpec

    return ProductSpec(
        name=product.name,
        aliases=tuple(product.aliases),
        about=product.description,
        competitors=tuple(product.competitors),
        examples=tuple(examples),
    )


def refresh_relevance(store: SQLiteStore, config: Config, field: str) -> int:
    """Re-score ``field`` (``relevant:<product>``) on every post labelled for it, after its
    corrections changed; returns how many posts changed (0 for any other field). Posts labelled
    later use the same examples (:func:`product_specs`)."""
    if not field.startswith("relevant:"):
        return 0
    from earful.labels.relevance import relevance_batch

    spec = next(
        (
            s
            for p, s in zip(config.products, product_specs(store, config), strict=True)
            if p.relevance_field == field
        ),
        None,
    )
    if spec is None:
        return 0
    rows = store.label_rows_with_text(field)
    changed = []
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        scored = relevance_batch([text for _r, text, _v in chunk], spec)
        for (rowid, _text, old), (ok, score) in zip(chunk, scored, strict=True):
            if ("true" if ok else "false") != old:
                changed.append((rowid, "true" if ok else "false", score))
    store.replace_label_values(field, changed)
    return len(changed)


def _age_days(joined_at: str | None, now: datetime) -> float | None:
    """Days since the account was created (stored RFC 3339), ``None`` when unknown."""
    if not joined_at:
        return None
    joined = parse_time(joined_at, "author.joined_at")
    return max(0.0, (now - joined).total_seconds() / 86400)


def _label_rows(
    posts: Sequence[Any], specs: Sequence[Any], accurate: bool
) -> list[list[tuple[str, str, float]]]:
    from earful.labels import AuthorInfo, LabelInput, label_batch

    now = datetime.now(UTC)
    items = [
        LabelInput(
            id=str(p.rowid),
            text=p.text,
            source=p.source,
            author=AuthorInfo(
                handle=p.author_handle,
                followers=p.followers,
                following=p.following,
                bio=p.bio,
                posts=p.author_posts,
                account_age_days=_age_days(p.joined_at, now),
            ),
        )
        for p in posts
    ]
    results = label_batch(items, None, accurate=accurate)
    rows = [list(r.rows()) for r in results]
    for spec in specs:
        mentioning = [i for i, item in enumerate(items) if _mentions(item.text, spec)]
        if not mentioning:
            continue
        scored = label_batch([items[i] for i in mentioning], spec, accurate=accurate)
        for i, result in zip(mentioning, scored, strict=True):
            rows[i] += [r for r in result.rows() if r[0].startswith("relevant:")]
    return rows


def _mentions(text: str, spec: Any) -> bool:
    from earful.text import normalize

    norm = f" {normalize(text)} "
    return any(f" {name} " in norm for n in (spec.name, *spec.aliases) if (name := normalize(n)))


# -- corrections -----------------------------------------------------------------------------


def parse_assignment(item: str, config: Config) -> tuple[str, list[str]]:
    """``field=value[,value]`` → (field, values), validated against what the labels can hold."""
    from earful.labels import FEEDBACK_TYPES, SENTIMENTS

    field, sep, raw = item.partition("=")
    field, raw = field.strip().lower(), raw.strip().lower()
    if not sep or not field or not raw:
        raise InputError(f"expected FIELD=VALUE, got {item!r}", field="correction")
    values = [v.strip() for v in raw.split(",") if v.strip()]
    if field == "sentiment":
        _check(values, SENTIMENTS, field, single=True)
    elif field == "type":
        if values == ["none"]:
            return field, ["none"]
        _check(values, FEEDBACK_TYPES, field)
    elif field in BOOL_FIELDS or field.startswith("relevant"):
        if field == "relevant" and len(config.products) == 1:
            field = config.products[0].relevance_field
        if field.startswith("relevant:"):
            name = field.partition(":")[2]
            product = config.product(name)
            if product is None:
                raise InputError(f"no product named {name!r} in earful.toml", field=field)
            field = product.relevance_field  # an alias names the product's own field
        elif field == "relevant":
            raise InputError("name the product: relevant:NAME=true|false", field=field)
        _check(values, TRUE + FALSE, field, single=True)
        values = ["true" if values[0] in TRUE else "false"]
    elif field == "lang":
        if len(values) != 1 or not values[0].isalpha() or len(values[0]) != 2:
            raise InputError("expected an ISO 639-1 code such as en", field=field)
    else:
        known = "sentiment, type, complaint, question, lead, spam, lang, relevant:PRODUCT"
        raise InputError(f"unknown label field (known: {known})", field=field)
    return field, values


def _check(values: list[str], allowed: Sequence[str], field: str, single: bool = False) -> None:
    if single and len(values) != 1:
        raise InputError("expected one value", field=field)
    for value in values:
        if value not in allowed:
            raise InputError(
                f"unknown value {value!r} (expected one of {', '.join(allowed)})", field=field
            )


def correct(
    store: SQLiteStore, config: Config, ref: str, assignments: Sequence[str]
) -> tuple[Post, dict[str, list[str]]]:
    """Record corrections like ``sentiment=positive`` on the post ``ref``; all or nothing.

    A relevance correction also re-scores that product's relevance on the other posts."""
    rowid, post = store.resolve_post(ref)
    parsed = dict(parse_assignment(a, config) for a in assignments)
    if not parsed:
        raise InputError("nothing to correct: give FIELD=VALUE", field="correction")
    with store.transaction():
        for field, values in parsed.items():
            store.set_correction(rowid, field, values)
    for field in parsed:
        refresh_relevance(store, config, field)
    return post, parsed


def post_labels(store: SQLiteStore, rowid: int) -> Mapping[str, list[Any]]:
    return store.labels_of([rowid]).get(rowid, {})


def export_corrections(store: SQLiteStore, path: Path) -> int:
    """Write every correction as training JSONL ``{"text", "field", "value"}``; returns count."""
    rows = store.corrections_with_text()
    with path.open("w", encoding="utf-8") as fh:
        for text, field, value in rows:
            fh.write(json.dumps({"text": text, "field": field, "value": value}) + "\n")
    return len(rows)
