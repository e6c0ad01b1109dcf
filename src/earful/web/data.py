"""Read and write helpers the web app needs beyond :class:`SQLiteStore`'s methods.

Labels, corrections, per-day series and links go through the store's methods and
:mod:`earful.labelling`'s functions; no SQL is written here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from earful.errors import InputError

if TYPE_CHECKING:
    from earful.store.sqlite import SQLiteStore


@dataclass(frozen=True, slots=True)
class Label:
    field: str
    value: str
    score: float | None
    labeller: str


def labels_of(store: SQLiteStore, rowids: Sequence[int]) -> dict[int, list[Label]]:
    """Effective labels (corrections win) of each post in ``rowids`` (``store.labels_of``)."""
    found = store.labels_of(list(rowids))
    return {
        r: [
            Label(field, value, score, by)
            for field, values in sorted(found.get(r, {}).items())
            for value, score, by in values
        ]
        for r in rowids
    }


def correct(store: SQLiteStore, config: Any, rowid: int, field: str, values: Sequence[str]) -> None:
    """Record the user's correction of ``field`` (empty ``values``: remove it).

    Values are checked by :func:`earful.labelling.parse_assignment`, as ``earful correct`` does.
    """
    if not values:
        store.clear_correction(rowid, field)
        _refresh_relevance(store, config, field)
        return
    try:
        from earful.labelling import parse_assignment

        name, checked = parse_assignment(f"{field}={','.join(values)}", config)
    except ImportError:  # the label models are not installed in this build
        name, checked = field, _plain_values(field, values)
    store.set_correction(rowid, name, checked)
    _refresh_relevance(store, config, name)


def _refresh_relevance(store: SQLiteStore, config: Any, field: str) -> None:
    """A relevance correction re-scores the product's look-alike posts at once."""
    import contextlib

    from earful.labelling import refresh_relevance

    # no label models in this build (no numpy/scipy): the correction alone counts
    with contextlib.suppress(ImportError):
        refresh_relevance(store, config, field)


def _plain_values(field: str, values: Sequence[str]) -> list[str]:
    for value in values:
        if not re.fullmatch(r"[a-z0-9_:.-]{1,64}", value):
            raise InputError(
                f"bad value {value!r}: use lower-case letters, digits, _ : . -", field=field
            )
    return list(dict.fromkeys(values))


def label_values(store: SQLiteStore) -> dict[str, list[str]]:
    """Every (field → values) seen in labels and corrections, for the correction menus."""
    out: dict[str, list[str]] = {"sentiment": ["negative", "neutral", "positive"]}
    for field, value in store.label_values():
        values = out.setdefault(field, [])
        if value not in values:
            values.append(value)
    return out


def validate_query(query: str, context: Any) -> None:
    """Raise :class:`~earful.errors.QueryError` when ``query`` cannot be run."""
    if query.strip():
        from earful.query import parse
        from earful.store.sqlquery import compile_where

        compile_where(parse(query), context)


def timeseries(
    store: SQLiteStore, query: str | None, context: Any, *, days: int = 90
) -> dict[str, Any]:
    """Posts per UTC day (by source) and sentiment per day, for the last ``days`` days of data."""
    if not 1 <= days <= 3650:
        raise InputError("must be between 1 and 3650", field="days")
    result: dict[str, Any] = store.timeseries(query, days=days, context=context)
    return result


def links_of(store: SQLiteStore, rowids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The stored links (url, final_url, title, site) of each post."""
    return store.links_of(list(rowids))
