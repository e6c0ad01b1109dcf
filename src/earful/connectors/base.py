"""The connector protocol: how Earful reads one network.

A connector is one small class per network (``x.py``, ``hn.py`` ...). It is built from the
``[sources.NAME]`` table of ``earful.toml`` (:class:`~earful.config.SourceSettings`) plus the
process environment, and exposes:

``name``
    the source name stored with every post (``"x"``, ``"hn"`` ...).
``fetch(query, cursor) -> Iterator[Page]``
    a generator over pages of results newer than ``cursor`` (the JSON-able state the previous
    run persisted, or ``None`` on the first run). Each :class:`Page` carries the mapped posts
    (the raw items ride along as ``Post.raw``) and the cursor to persist *after* that page is
    stored. The sync runner commits both in one transaction, so a crash resumes exactly there.
``to_post(raw) -> Post``
    maps one raw item (a JSON object from the network) to a :class:`~earful.models.Post`.

Connectors that can hold a live connection also implement :class:`StreamingConnector`
(``stream(query) -> Iterator[Post]``); the watch runner reconnects them with backoff.

All HTTP goes through :class:`earful.connectors.http.HttpClient` (retries, rate limits,
redacted logging). Credentials come from environment variables only; ``[sources.NAME]`` may
rename the variable with ``<key>_env = "OTHER_VAR"``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from earful.config import SourceSettings
from earful.errors import AuthError, ConfigError
from earful.models import Post

if TYPE_CHECKING:
    from earful.connectors.http import HttpClient

Cursor = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed Earful query as a connector receives it.

    ``text`` is what the user wrote, ``node`` the AST from :func:`earful.query.parse` and
    ``context`` the workspace's query context (product names for ``product:``), or None.
    """

    text: str
    node: Any
    context: Any = None

    @classmethod
    def parse(cls, text: str, context: Any = None) -> Query:
        from earful.query import parse

        return cls(text=text, node=parse(text), context=context)

    def matches(self, post: Post) -> bool:
        """The in-memory matcher: does ``post`` satisfy the whole query?"""
        from earful.query import matches

        return bool(matches(self.node, post, labels=None, context=self.context))


@dataclass(frozen=True, slots=True)
class Page:
    """One page of results and the cursor to persist once it is stored.

    ``items_read`` counts raw items the network delivered (before local filtering): networks
    that bill per post read (X) meter this. ``posts`` holds only the posts that matched.
    """

    posts: tuple[Post, ...]
    cursor: Cursor | None
    items_read: int = 0
    notes: tuple[str, ...] = field(default=())


@runtime_checkable
class Connector(Protocol):
    """What the sync runner needs from a network."""

    name: ClassVar[str]

    def fetch(self, query: Query, cursor: Cursor | None) -> Iterator[Page]: ...

    def to_post(self, raw: Mapping[str, Any]) -> Post: ...

    @property
    def http(self) -> HttpClient: ...

    def close(self) -> None: ...


@runtime_checkable
class StreamingConnector(Connector, Protocol):
    """A connector that can also hold a live connection open (X filtered stream, Jetstream)."""

    def stream(self, query: Query) -> Iterator[Post]: ...


class BaseConnector:
    """Shared plumbing for built-in connectors: base URL, credentials, options, HTTP client.

    Subclasses set ``name``, ``default_base_url`` and ``secret_keys`` (the credential keys the
    connector reads, with their default environment variables), then implement ``fetch`` and
    ``to_post``.
    """

    name: ClassVar[str] = ""
    default_base_url: ClassVar[str] = ""
    #: credential key -> default env var, e.g. {"token": "EARFUL_X_BEARER_TOKEN"}
    secret_keys: ClassVar[Mapping[str, str]] = {}
    #: default seconds between polls in ``earful watch``
    default_interval: ClassVar[float] = 300.0
    #: what ``Page.items_read`` meters when the network bills per item (X: "posts read")
    quota_unit: ClassVar[str | None] = None

    def __init__(
        self,
        settings: SourceSettings | None = None,
        env: Mapping[str, str] | None = None,
        *,
        http: HttpClient | None = None,
    ) -> None:
        self.settings = settings or SourceSettings(name=self.name)
        self.env: Mapping[str, str] = os.environ if env is None else env
        self._http = http

    # -- the protocol -------------------------------------------------------------------
    def fetch(self, query: Query, cursor: Cursor | None) -> Iterator[Page]:
        """Pages of posts newer than ``cursor``, each with the cursor to persist after it."""
        raise NotImplementedError

    def to_post(self, raw: Mapping[str, Any]) -> Post:
        """Map one raw item to a :class:`Post` (``raw`` kept as ``Post.raw``)."""
        raise NotImplementedError

    # -- configuration ------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``EARFUL_<NAME>_BASE_URL``, else ``base_url`` in earful.toml, else the default."""
        env_name = f"EARFUL_{self.name.upper()}_BASE_URL"
        url = self.env.get(env_name) or self.settings.base_url or self.default_base_url
        return url.rstrip("/")

    def env_name(self, key: str) -> str:
        """The environment variable holding credential ``key``."""
        default = self.secret_keys.get(key)
        name = self.settings.env.get(key, default)
        if name is None:
            raise ConfigError(f"sources.{self.name}.{key}_env", "no environment variable named")
        return name

    def secret(self, key: str, *, required: bool = True) -> str | None:
        """Credential ``key`` from the environment (never from the config file)."""
        var = self.env_name(key)
        value = self.env.get(var)
        if not value:
            if required:
                raise AuthError(
                    f"{self.name}: set the environment variable {var} "
                    f"(or name another with {key}_env in [sources.{self.name}])"
                )
            return None
        return value

    def secrets(self) -> list[str]:
        """Every credential value present in the environment (for log redaction)."""
        found = []
        for key in self.secret_keys:
            value = self.env.get(self.env_name(key))
            if value:
                found.append(value)
        return found

    def option(self, key: str, default: Any = None) -> Any:
        return self.settings.options.get(key, default)

    def int_option(self, key: str, default: int, *, low: int = 1, high: int = 10**9) -> int:
        value = self.settings.options.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(
                f"sources.{self.name}.{key}", f"must be an integer from {low} to {high}"
            )
        return value

    @property
    def interval(self) -> float:
        """Seconds between polls in ``earful watch`` (``interval`` option)."""
        value = self.settings.options.get("interval", self.default_interval)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"sources.{self.name}.interval", "must be a positive number")
        return float(value)

    # -- HTTP ---------------------------------------------------------------------------
    @property
    def http(self) -> HttpClient:
        if self._http is None:
            self._http = self.make_http()
        return self._http

    def make_http(self) -> HttpClient:
        """The connector's HTTP client; subclasses add auth headers here."""
        from earful.connectors.http import HttpClient

        return HttpClient(
            self.name,
            base_url=self.base_url,
            secrets=self.secrets(),
            timeout=float(self.option("timeout", 30.0)),
            max_retries=self.int_option("retries", 5, low=0, high=20),
        )

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> BaseConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = [
    "BaseConnector",
    "Connector",
    "Cursor",
    "Page",
    "Query",
    "StreamingConnector",
]
