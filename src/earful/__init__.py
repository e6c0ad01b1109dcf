"""Earful: a social-listening and engagement workbench for product managers.

The public API is imported lazily so that ``import earful`` (and ``earful --help``) stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Author",
    "Config",
    "EarfulError",
    "Metrics",
    "Post",
    "ReplyTo",
    "Workspace",
    "__version__",
    "open_store",
    "post_from_dict",
    "post_to_dict",
]

_LAZY = {
    "Author": "earful.models",
    "Metrics": "earful.models",
    "Post": "earful.models",
    "ReplyTo": "earful.models",
    "Config": "earful.config",
    "EarfulError": "earful.errors",
    "Workspace": "earful.workspace",
    "open_store": "earful.store",
    "post_from_dict": "earful.formats.earful_jsonl",
    "post_to_dict": "earful.formats.earful_jsonl",
}

if TYPE_CHECKING:
    from earful.config import Config
    from earful.errors import EarfulError
    from earful.formats.earful_jsonl import post_from_dict, post_to_dict
    from earful.models import Author, Metrics, Post, ReplyTo
    from earful.store import open_store
    from earful.workspace import Workspace


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'earful' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
