"""Deterministic demo data for Earful: an invented multi-source workspace about Acme Pulse.

See :mod:`earful.demo.generator` for what is generated and planted, and ``docs/demo.md``.
"""

from earful.demo.generator import (
    COMPETITORS,
    CONFERENCE_DAYS,
    CONFERENCE_TAG,
    DEFAULT_END,
    DEFAULT_N_POSTS,
    DEFAULT_SEED,
    KINDS,
    OWN_HANDLE,
    PLANTED_THEME,
    PRODUCT,
    PRODUCT_ALIASES,
    PRODUCT_DESCRIPTION,
    RELEASE_VERSION,
    SOURCES,
    Truth,
    conference_days,
    demo_config,
    generate,
    generate_with_truth,
    planted_window,
    write_jsonl,
)

__all__ = [
    "COMPETITORS",
    "CONFERENCE_DAYS",
    "CONFERENCE_TAG",
    "DEFAULT_END",
    "DEFAULT_N_POSTS",
    "DEFAULT_SEED",
    "KINDS",
    "OWN_HANDLE",
    "PLANTED_THEME",
    "PRODUCT",
    "PRODUCT_ALIASES",
    "PRODUCT_DESCRIPTION",
    "RELEASE_VERSION",
    "SOURCES",
    "Truth",
    "conference_days",
    "demo_config",
    "generate",
    "generate_with_truth",
    "planted_window",
    "write_jsonl",
]
