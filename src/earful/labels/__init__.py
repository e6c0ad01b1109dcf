"""Post labelling: language, sentiment, feedback type, complaint, question, lead, spam, relevance.

Importing this package is cheap; models load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from earful.labels.types import (
    FEEDBACK_TYPES,
    LABELLER_NAME,
    LABELLER_VERSION,
    SENTIMENTS,
    AuthorInfo,
    Correction,
    LabelInput,
    LabelResult,
    ProductSpec,
)

if TYPE_CHECKING:
    from earful.labels.api import label_batch, label_stream

__all__ = [
    "FEEDBACK_TYPES",
    "LABELLER_NAME",
    "LABELLER_VERSION",
    "SENTIMENTS",
    "AuthorInfo",
    "Correction",
    "LabelInput",
    "LabelResult",
    "ProductSpec",
    "label_batch",
    "label_stream",
]


def __getattr__(name: str) -> Any:
    if name in ("label_batch", "label_stream"):
        from earful.labels import api

        return getattr(api, name)
    raise AttributeError(name)
