"""Links in posts: extract, canonicalize, expand short links and read page titles, safely.

Fetching never reaches private, loopback, link-local, multicast, reserved or unspecified
addresses unless ``allow_private_urls = true`` (see :mod:`earful.links.guard`). The network
parts (httpx) are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from earful.links.canonical import canonicalize, is_tracking_param
from earful.links.extract import canonical_urls, links_of_post
from earful.links.meta import PageMeta, parse_meta

if TYPE_CHECKING:
    from earful.links.expand import FetchOptions, LinkResult, fetch_link
    from earful.links.guard import AddressPolicy, BlockedAddress, guarded_client
    from earful.links.service import collect_links, expand_links, process_links

_LAZY = {
    "FetchOptions": "earful.links.expand",
    "LinkResult": "earful.links.expand",
    "fetch_link": "earful.links.expand",
    "AddressPolicy": "earful.links.guard",
    "BlockedAddress": "earful.links.guard",
    "guarded_client": "earful.links.guard",
    "collect_links": "earful.links.service",
    "expand_links": "earful.links.service",
    "process_links": "earful.links.service",
}

__all__ = [
    "AddressPolicy",
    "BlockedAddress",
    "FetchOptions",
    "LinkResult",
    "PageMeta",
    "canonical_urls",
    "canonicalize",
    "collect_links",
    "expand_links",
    "fetch_link",
    "guarded_client",
    "is_tracking_param",
    "links_of_post",
    "parse_meta",
    "process_links",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'earful.links' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
