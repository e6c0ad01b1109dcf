"""What every tracker offers, and the duplicate check run before filing.

A tracker lists its open issues, creates one, comments on one and reports issue states
(``open`` or ``closed``). Credentials come from the environment, named in
``[trackers.NAME]`` by ``*_env`` keys (defaults in each tracker's ``secret_keys``).

Duplicates: TF-IDF cosine between the theme (label + summary + example posts) and each open
issue's title + body, over :func:`earful.text.tokens` minus stop words, with smoothed IDF
computed over the open issues and the theme together. At :data:`DUPLICATE_THRESHOLD` (0.3)
or above the issue is offered as a duplicate: short titles that share the theme's two or
three key words score 0.3-0.6, unrelated issues under 0.1.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from earful.errors import AuthError, ConfigError

if TYPE_CHECKING:
    from earful.connectors.http import HttpClient
    from earful.outputs.settings import TrackerSettings

DUPLICATE_THRESHOLD = 0.3


@dataclass(frozen=True, slots=True)
class Issue:
    id: str  # the tracker's own id (GitHub number, Jira key, Linear UUID)
    key: str  # what people call it: "#12", "PULSE-7", "ENG-42"
    title: str
    body: str
    url: str
    state: str  # "open" | "closed"

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


class Tracker:
    """Shared plumbing: base URL, credentials, options and the shared HTTP client."""

    name: ClassVar[str] = ""
    default_base_url: ClassVar[str] = ""
    secret_keys: ClassVar[Mapping[str, str]] = {}

    def __init__(
        self,
        settings: TrackerSettings,
        env: Mapping[str, str] | None = None,
        **http_options: Any,
    ) -> None:
        self.settings = settings
        self.env: Mapping[str, str] = os.environ if env is None else env
        self.http_options = http_options
        self._http: HttpClient | None = None

    @property
    def base_url(self) -> str:
        return (self.settings.base_url or self.default_base_url).rstrip("/")

    def option(self, key: str, default: Any = None) -> Any:
        return self.settings.options.get(key, default)

    def secret(self, key: str) -> str:
        var = self.settings.env.get(key, self.secret_keys.get(key))
        if var is None:
            raise ConfigError(f"trackers.{self.name}.{key}_env", "no environment variable named")
        value = self.env.get(var)
        if not value:
            raise AuthError(
                f"{self.name}: set the environment variable {var}"
                f" (or name another with {key}_env in [trackers.{self.name}])"
            )
        return value

    def secrets(self) -> list[str]:
        out = []
        for key in self.secret_keys:
            var = self.settings.env.get(key, self.secret_keys[key])
            if value := self.env.get(var):
                out.append(value)
        return out

    @property
    def http(self) -> HttpClient:
        if self._http is None:
            from earful.connectors.http import HttpClient

            options = {"max_retries": 3, **self.http_options}
            self._http = HttpClient(
                self.name, base_url=self.base_url, secrets=self.secrets(), **options
            )
            self.authorize(self._http)
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    # -- what each tracker implements -----------------------------------------------------
    def authorize(self, http: HttpClient) -> None:
        raise NotImplementedError

    def open_issues(self, limit: int = 500) -> list[Issue]:
        raise NotImplementedError

    def create(self, title: str, body: str) -> Issue:
        raise NotImplementedError

    def comment(self, issue: Issue, body: str) -> str:
        """Add a comment; returns its URL (or the issue's)."""
        raise NotImplementedError

    def states(self, ids: Sequence[str]) -> dict[str, str]:
        """``open`` or ``closed`` for each issue id (ids the tracker no longer has are left out)."""
        raise NotImplementedError


def make_tracker(
    name: str,
    settings: TrackerSettings | None,
    env: Mapping[str, str] | None = None,
    **http_options: Any,
) -> Tracker:
    if settings is None:
        raise ConfigError(f"trackers.{name}", "not configured in earful.toml")
    from earful.outputs.trackers.github import GitHub
    from earful.outputs.trackers.jira import Jira
    from earful.outputs.trackers.linear import Linear

    classes: dict[str, type[Tracker]] = {"github": GitHub, "jira": Jira, "linear": Linear}
    if name not in classes:
        raise ConfigError(f"trackers.{name}", f"unknown tracker (known: {', '.join(classes)})")
    return classes[name](settings, env, **http_options)


# -- duplicates --------------------------------------------------------------------------------


def _terms(text: str) -> Counter[str]:
    from earful.engage.common import STOPWORDS
    from earful.text import tokens

    return Counter(t for t in tokens(text) if len(t) > 1 and t not in STOPWORDS)


def similarities(query: str, documents: Sequence[str]) -> list[float]:
    """TF-IDF cosine of ``query`` against each document (log tf, smoothed idf)."""
    bags = [_terms(d) for d in documents]
    qbag = _terms(query)
    n = len(bags) + 1
    df: Counter[str] = Counter()
    for bag in [*bags, qbag]:
        df.update(bag.keys())
    idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}

    def vec(bag: Counter[str]) -> dict[str, float]:
        v = {t: (1.0 + math.log(c)) * idf[t] for t, c in bag.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / norm for t, x in v.items()}

    q = vec(qbag)
    return [sum(w * q.get(t, 0.0) for t, w in vec(b).items()) for b in bags]


def find_duplicate(
    query: str, issues: Sequence[Issue], threshold: float = DUPLICATE_THRESHOLD
) -> tuple[Issue, float] | None:
    """The open issue most similar to ``query``, if at least ``threshold``."""
    if not issues:
        return None
    scores = similarities(query, [f"{i.title}\n{i.title}\n{i.body}" for i in issues])
    best = max(range(len(issues)), key=lambda k: scores[k])
    return (issues[best], scores[best]) if scores[best] >= threshold else None
