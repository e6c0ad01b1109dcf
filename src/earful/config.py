"""Workspace configuration (``earful.toml``): products, watches and per-source settings.

Every problem is reported as :class:`~earful.errors.ConfigError` naming the key and the reason.
Secrets never live in the file: a source names the environment variables that hold them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from earful.errors import ConfigError, QueryError
from earful.labels.types import relevance_field
from earful.outputs.settings import (
    Channel,
    OutputSettings,
    TrackerSettings,
    parse_channels,
    parse_outputs,
    parse_trackers,
)

KNOWN_SOURCES = ("x", "bluesky", "mastodon", "reddit", "hn", "rss")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_SECRET_KEYS = ("token", "password", "secret", "api_key", "bearer")


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    accounts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    competitors: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The product's name followed by its aliases."""
        return (self.name, *self.aliases)

    @property
    def relevance_field(self) -> str:
        """The label field of this product's relevance, as the labeller writes it."""
        return relevance_field(self.name)


@dataclass(frozen=True, slots=True)
class Watch:
    name: str
    query: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceSettings:
    name: str
    base_url: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Config:
    name: str = "earful"
    products: tuple[Product, ...] = ()
    watches: tuple[Watch, ...] = ()
    sources: Mapping[str, SourceSettings] = field(default_factory=dict)
    allow_private_urls: bool = False
    # label stored posts with the accurate path (extra ``accurate``) after import and sync
    accurate_labels: bool = False
    path: str | None = None
    outputs: OutputSettings = field(default_factory=OutputSettings)
    channels: tuple[Channel, ...] = ()
    trackers: Mapping[str, TrackerSettings] = field(default_factory=dict)

    def product(self, name: str) -> Product | None:
        wanted = name.casefold()
        for product in self.products:
            if wanted in (n.casefold() for n in product.names):
                return product
        return None

    def watch(self, name: str) -> Watch | None:
        return next((w for w in self.watches if w.name == name), None)


DEFAULT_TOML = """\
# Earful workspace configuration. Secrets are never written here: each source names the
# environment variables that hold its credentials.

[workspace]
name = "{name}"
# allow_private_urls = false   # fetch links that resolve to private/loopback addresses
# accurate_labels = false      # label with the fine-tuned encoder (pip install 'earful[accurate]')

# [[products]]
# name = "Acme Pulse"
# aliases = ["Pulse", "acmepulse"]
# description = "An analytics dashboard for small SaaS teams"
# competitors = ["Brightmetrics", "Chartwell"]
# [products.accounts]
# x = ["acme_pm"]

# [[watches]]
# name = "acme"
# query = '"acme pulse" OR #acmepulse'
# sources = ["x", "bluesky", "mastodon", "reddit", "hn"]

# [sources.x]
# base_url = "https://api.x.com"
# token_env = "EARFUL_X_BEARER_TOKEN"
"""


def load_config(path: Path) -> Config:
    """Read and validate ``earful.toml``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("(file)", "not found; run `earful init`", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("(syntax)", str(exc), str(path)) from None
    return parse_config(data, str(path))


def parse_config(data: Mapping[str, Any], path: str | None = None) -> Config:
    def fail(key: str, reason: str) -> ConfigError:
        return ConfigError(key, reason, path)

    allowed = {"workspace", "products", "watches", "sources", "outputs", "channels", "trackers"}
    for key in data:
        if key not in allowed:
            raise fail(key, f"unknown section (expected one of {', '.join(sorted(allowed))})")
    ws = _table(data, "workspace", fail)
    for key in ws:
        if key not in _WORKSPACE_KEYS:
            raise fail(f"workspace.{key}", f"unknown key (expected one of {_WORKSPACE_KEYS})")
    name = _opt_str(ws, "name", "workspace.name", fail) or "earful"
    allow_private, accurate_labels = (
        ws.get(key, False) for key in ("allow_private_urls", "accurate_labels")
    )
    for key, value in (("allow_private_urls", allow_private), ("accurate_labels", accurate_labels)):
        if not isinstance(value, bool):
            raise fail(f"workspace.{key}", "must be true or false")

    products = []
    raw_products = data.get("products", [])
    if not isinstance(raw_products, list):
        raise fail("products", "must be an array of tables ([[products]])")
    for i, p in enumerate(raw_products):
        products.append(_product(p, f"products[{i}]", fail))
    seen: set[str] = set()
    for product in products:
        if product.name.casefold() in seen:
            raise fail("products", f"duplicate product name {product.name!r}")
        seen.add(product.name.casefold())

    sources: dict[str, SourceSettings] = {}
    raw_sources = _table(data, "sources", fail)
    for src_name, settings in raw_sources.items():
        sources[src_name] = _source(src_name, settings, fail)

    watches = []
    raw_watches = data.get("watches", [])
    if not isinstance(raw_watches, list):
        raise fail("watches", "must be an array of tables ([[watches]])")
    names: set[str] = set()
    for i, w in enumerate(raw_watches):
        watch = _watch(w, f"watches[{i}]", fail)
        if watch.name in names:
            raise fail(f"watches[{i}].name", f"duplicate watch name {watch.name!r}")
        names.add(watch.name)
        watches.append(watch)
    return Config(
        name=name,
        products=tuple(products),
        watches=tuple(watches),
        sources=sources,
        allow_private_urls=allow_private,
        accurate_labels=accurate_labels,
        path=path,
        outputs=parse_outputs(data.get("outputs", {}), fail),
        channels=parse_channels(data.get("channels", []), fail),
        trackers=parse_trackers(data.get("trackers", {}), fail),
    )


_WORKSPACE_KEYS = ("name", "allow_private_urls", "accurate_labels")


def _table(data: Mapping[str, Any], key: str, fail: Any) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise fail(key, "must be a table")
    return value


def _opt_str(data: Mapping[str, Any], key: str, full: str, fail: Any) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(full, f"must be a string, got {type(value).__name__}")
    return value


def _req_str(data: Mapping[str, Any], key: str, full: str, fail: Any) -> str:
    value = _opt_str(data, key, full, fail)
    if value is None or not value.strip():
        raise fail(full, "is required and must not be empty")
    return value.strip()


def _str_list(data: Mapping[str, Any], key: str, full: str, fail: Any) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(full, "must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _product(p: Any, key: str, fail: Any) -> Product:
    if not isinstance(p, Mapping):
        raise fail(key, "must be a table")
    known = {"name", "aliases", "description", "accounts", "competitors"}
    for k in p:
        if k not in known:
            raise fail(f"{key}.{k}", f"unknown key (expected one of {', '.join(sorted(known))})")
    accounts_raw = p.get("accounts", {})
    if not isinstance(accounts_raw, Mapping):
        raise fail(f"{key}.accounts", "must be a table of network = [handles]")
    accounts = {}
    for net in accounts_raw:
        if net not in KNOWN_SOURCES:
            raise fail(
                f"{key}.accounts.{net}", f"unknown network (known: {', '.join(KNOWN_SOURCES)})"
            )
        accounts[net] = tuple(
            h.lstrip("@") for h in _str_list(accounts_raw, net, f"{key}.accounts.{net}", fail)
        )
    return Product(
        name=_req_str(p, "name", f"{key}.name", fail),
        aliases=_str_list(p, "aliases", f"{key}.aliases", fail),
        description=_opt_str(p, "description", f"{key}.description", fail) or "",
        accounts=accounts,
        competitors=_str_list(p, "competitors", f"{key}.competitors", fail),
    )


def _watch(w: Any, key: str, fail: Any) -> Watch:
    if not isinstance(w, Mapping):
        raise fail(key, "must be a table")
    for k in w:
        if k not in {"name", "query", "sources"}:
            raise fail(f"{key}.{k}", "unknown key (expected name, query, sources)")
    query = _req_str(w, "query", f"{key}.query", fail)
    from earful.query import parse

    try:
        parse(query)
    except QueryError as exc:
        raise fail(f"{key}.query", str(exc)) from None
    sources = _str_list(w, "sources", f"{key}.sources", fail)
    for s in sources:
        if s not in KNOWN_SOURCES:
            raise fail(
                f"{key}.sources", f"unknown source {s!r} (known: {', '.join(KNOWN_SOURCES)})"
            )
    return Watch(name=_req_str(w, "name", f"{key}.name", fail), query=query, sources=sources)


def _source(name: str, settings: Any, fail: Any) -> SourceSettings:
    key = f"sources.{name}"
    if name not in KNOWN_SOURCES:
        raise fail(key, f"unknown source (known: {', '.join(KNOWN_SOURCES)})")
    if not isinstance(settings, Mapping):
        raise fail(key, "must be a table")
    base_url = _opt_str(settings, "base_url", f"{key}.base_url", fail)
    if base_url is not None and not re.match(r"^https?://[^\s/]+", base_url):
        raise fail(f"{key}.base_url", "must be an http(s) URL")
    env: dict[str, str] = {}
    options: dict[str, Any] = {}
    for k, v in settings.items():
        if k == "base_url":
            continue
        if k.endswith("_env"):
            if not isinstance(v, str) or not _ENV_NAME.match(v):
                raise fail(f"{key}.{k}", "must name an environment variable (A-Z, 0-9, _)")
            env[k[: -len("_env")]] = v
        elif any(s in k.lower() for s in _SECRET_KEYS):
            raise fail(
                f"{key}.{k}",
                f'secrets are not kept in the config; set {k}_env = "ENV_VAR_NAME" instead',
            )
        else:
            options[k] = v
    return SourceSettings(name=name, base_url=base_url, env=env, options=options)
