"""Connectors: one module per network, looked up by source name and imported on first use.

>>> from earful.connectors import connector_class
>>> connector_class("hn").name
'hn'
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from earful.errors import ConfigError

if TYPE_CHECKING:
    from earful.config import SourceSettings
    from earful.connectors.base import BaseConnector

#: source name -> "module:Class"; modules are imported only when the source is used.
REGISTRY: dict[str, str] = {
    "x": "earful.connectors.x:XConnector",
    "hn": "earful.connectors.hn:HNConnector",
    "rss": "earful.connectors.rss:RSSConnector",
    "bluesky": "earful.connectors.bluesky:BlueskyConnector",
    "mastodon": "earful.connectors.mastodon:MastodonConnector",
    "reddit": "earful.connectors.reddit:RedditConnector",
}


def available() -> list[str]:
    """Registered source names whose module can be imported."""
    names = []
    for name in REGISTRY:
        try:
            connector_class(name)
        except ConfigError:
            continue
        names.append(name)
    return names


def connector_class(name: str) -> type[BaseConnector]:
    target = REGISTRY.get(name)
    if target is None:
        raise ConfigError(f"sources.{name}", f"unknown source (known: {', '.join(REGISTRY)})")
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise ConfigError(f"sources.{name}", "this connector is not available yet") from None
    cls: type[BaseConnector] = getattr(module, attr)
    return cls


def make_connector(
    name: str,
    settings: SourceSettings | None = None,
    env: Mapping[str, str] | None = None,
) -> BaseConnector:
    """Build the connector for source ``name`` from its settings and the environment."""
    from earful.config import SourceSettings

    return connector_class(name)(settings or SourceSettings(name=name), env)


__all__ = ["REGISTRY", "available", "connector_class", "make_connector"]
