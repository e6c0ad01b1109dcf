"""Engagement: the answer queue, experts and peers, relationships, conference mode, articles,
the reputation and promotion coach, the time-boxed digest and the ROI ledger.

Each capability is a library function over a store (and the workspace config); the CLI in
:mod:`earful.cli.engage` is a thin shell over them. Nothing is imported at package import time.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "articles": "earful.engage.articles",
    "share_queue": "earful.engage.articles",
    "coach": "earful.engage.coach",
    "build_digest": "earful.engage.digest",
    "render_digest": "earful.engage.digest",
    "event_summary": "earful.engage.event",
    "experts": "earful.engage.experts",
    "peers": "earful.engage.experts",
    "log_action": "earful.engage.ledger",
    "roi": "earful.engage.ledger",
    "answer_queue": "earful.engage.queue",
    "set_state": "earful.engage.queue",
    "export_follows": "earful.engage.relations",
    "log_relation": "earful.engage.relations",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'earful.engage' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
