"""Deterministic generator of an invented social-listening workspace about *Acme Pulse*.

Acme Pulse (aliases "Pulse", "@acmepulse", "#acmepulse") is an analytics dashboard for small SaaS
teams made by Acme; its competitors are Brightmetrics and Chartwell. :func:`generate` builds
``n_posts`` posts (default 3,000) over the 30 days that end at ``end`` (default
:data:`DEFAULT_END`) as **Earful JSONL** dicts, spread over the sources ``x``, ``bluesky``,
``mastodon``, ``reddit``, ``hn`` and ``rss``. Everything comes from one seeded ``random.Random``
and invented templates (:mod:`earful.demo.templates`): same arguments, same output.

Gold truth (:class:`Truth`, from :func:`generate_with_truth`), one per post:

* ``kind`` -- one of :data:`KINDS`: ``bug``, ``feature_request``, ``praise``, ``complaint`` (about
  Acme Pulse or a competitor), ``question`` (how-to from users), ``lead`` (prospects asking for a
  tool or comparing tools), ``expert`` and ``peer`` (product-management talk), ``article_share``,
  ``conference`` (the :data:`CONFERENCE_TAG` hashtag), ``own_promo`` / ``own_helpful`` (the PM
  ``acme_pm`` and the official ``acmepulse`` account / company blog), ``spam``, ``offtopic``
  (mostly the ambiguous "pulse", "Acme" and "Chartwell") and ``planted_issue``. Reposts carry the
  kind of the post they repeat.
* ``sentiment`` (``positive`` | ``negative`` | ``neutral``), ``relevant`` (False only for spam and
  off-topic), ``spam``, ``product`` (``"Acme Pulse"``, ``"Brightmetrics"``, ``"Chartwell"`` or
  None), ``theme`` (feedback theme id such as ``dashboard_slow`` or the planted
  ``csv_export_empty``; lead themes ``tool_recommendation`` / ``comparison``; PM topic for
  expert/peer/conference posts), ``planted``, ``lang``, ``role`` of the author (``customer``,
  ``prospect``, ``expert``, ``peer``, ``attendee``, ``general``, ``spammer``, ``blog``, ``own``),
  ``article`` (canonical URL of a shared article) and ``event`` (the conference hashtag).

What is planted:

* **Emerging problem** (theme :data:`PLANTED_THEME`): the official account announces release
  :data:`RELEASE_VERSION` three hours before :func:`planted_window` (the last three UTC calendar
  days up to ``end``; with the default end, 2026-11-14 00:00 to 2026-11-16 18:00); then many
  distinct credible customers report that CSV export produces an empty file, with varied wording,
  in five languages, growing day by day (about 1:2:4 over the three days, 2 % of the posts), plus
  "same here" replies and the PM's replies. The words "CSV" and "export" appear nowhere before the
  window starts.
* **Conference**: :data:`CONFERENCE_TAG` live posts concentrated on two weekdays
  (:func:`conference_days`), with a few before and after; experts speak, attendees post.
* **Steady themes** (never novel): slow dashboards, duplicate Slack alerts, login loops, Stripe
  sync lag, timezone buckets; feature requests (dark mode, SSO on the starter plan, chart
  annotations, ...); praise; price complaints; competitor pricing and complexity.
* **Interaction graph**: replies, mentions, reposts and quotes among experts and peers; three hub
  experts get most of them. ``reply_to``, ``quote_of``, ``repost_of`` and ``conversation_id``
  always point to posts in the output, on the same source, earlier in time.
* **Articles**: 18 invented articles shared via ``t.co`` / ``bit.ly`` / ``buff.ly`` / ``lnkd.in``
  short links; ``urls`` holds the expanded canonical URL, sometimes with ``utm_`` parameters;
  popularity is Zipf-like.
* **Spam**: bots with 0-15 followers and ~5,000 following, repeated texts, link farms, hashtag
  hijacking.
* Volume is lower on weekends and follows a daily rhythm; metrics are heavy-tailed, and
  ``metrics.replies`` / ``reposts`` / ``quotes`` are at least the number of such posts in the
  output.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from earful.demo import templates as T

SOURCES: tuple[str, ...] = ("x", "bluesky", "mastodon", "reddit", "hn", "rss")
KINDS: tuple[str, ...] = (
    "bug",
    "feature_request",
    "praise",
    "complaint",
    "question",
    "lead",
    "expert",
    "peer",
    "article_share",
    "conference",
    "own_promo",
    "own_helpful",
    "spam",
    "offtopic",
    "planted_issue",
)
PRODUCT = "Acme Pulse"
PRODUCT_ALIASES: tuple[str, ...] = ("Pulse", "@acmepulse", "#acmepulse")
PRODUCT_DESCRIPTION = "An analytics dashboard for small SaaS teams"
COMPANY = "Acme"
COMPETITORS: tuple[str, ...] = ("Brightmetrics", "Chartwell")
OWN_HANDLE = "acme_pm"
OFFICIAL_HANDLE = "acmepulse"
CONFERENCE_TAG = "#ProductCon26"
PLANTED_THEME = "csv_export_empty"
RELEASE_VERSION = "4.2"
DEFAULT_N_POSTS = 3000
DEFAULT_SEED = 7
DEFAULT_END = datetime(2026, 11, 16, 18, 0, tzinfo=UTC)
WINDOW = timedelta(days=30)
PLANTED_DAYS = 3

_SHARES: dict[str, float] = {
    "bug": 0.08,
    "feature_request": 0.07,
    "praise": 0.07,
    "complaint": 0.06,
    "question": 0.045,
    "lead": 0.04,
    "expert": 0.08,
    "peer": 0.15,
    "article_share": 0.08,
    "conference": 0.08,
    "own_promo": 0.02,
    "own_helpful": 0.025,
    "spam": 0.07,
    "offtopic": 0.06,
}
_FEEDBACK_W = {"x": 40, "bluesky": 15, "mastodon": 10, "reddit": 25, "hn": 10}
_KIND_SOURCES: dict[str, dict[str, int]] = {
    "bug": _FEEDBACK_W,
    "feature_request": _FEEDBACK_W,
    "question": _FEEDBACK_W,
    "praise": {"x": 45, "bluesky": 20, "mastodon": 10, "reddit": 15, "hn": 10},
    "complaint": {"x": 40, "bluesky": 15, "mastodon": 10, "reddit": 20, "hn": 15},
    "lead": {"x": 30, "bluesky": 10, "mastodon": 5, "reddit": 40, "hn": 15},
    "expert": {"x": 40, "bluesky": 20, "mastodon": 15, "reddit": 5, "hn": 5, "rss": 15},
    "peer": {"x": 40, "bluesky": 20, "mastodon": 15, "reddit": 15, "hn": 10},
    "article_share": {"x": 40, "bluesky": 15, "mastodon": 10, "reddit": 10, "hn": 10, "rss": 15},
    "conference": {"x": 55, "bluesky": 30, "mastodon": 15},
    "own_promo": {"x": 55, "bluesky": 35, "rss": 10},
    "own_helpful": {"x": 60, "bluesky": 40},
    "spam": {"x": 60, "bluesky": 10, "mastodon": 5, "reddit": 25},
    "offtopic": {"x": 50, "bluesky": 15, "mastodon": 10, "reddit": 25},
    "planted_issue": {"x": 45, "bluesky": 20, "mastodon": 10, "reddit": 20, "hn": 5},
}
_ROLE_SOURCES: dict[str, dict[str, int]] = {
    "customer": _FEEDBACK_W,
    "prospect": {"x": 30, "bluesky": 10, "mastodon": 5, "reddit": 40, "hn": 15},
    "peer": {"x": 40, "bluesky": 20, "mastodon": 15, "reddit": 15, "hn": 10},
    "attendee": {"x": 55, "bluesky": 30, "mastodon": 15},
    "general": {"x": 50, "bluesky": 15, "mastodon": 10, "reddit": 25},
    "spammer": {"x": 60, "bluesky": 10, "mastodon": 5, "reddit": 25},
}
_ROLE_COUNTS = {
    "customer": 420,
    "prospect": 140,
    "peer": 110,
    "attendee": 80,
    "general": 220,
    "spammer": 45,
}
_N_EXPERTS = 14
_KIND_ROLES: dict[str, dict[str, int]] = {
    "article_share": {"peer": 50, "expert": 20, "customer": 15, "attendee": 15},
    "conference": {"attendee": 45, "peer": 40, "expert": 15},
}
_SINGLE_ROLE = {
    "bug": "customer",
    "feature_request": "customer",
    "praise": "customer",
    "complaint": "customer",
    "question": "customer",
    "planted_issue": "customer",
    "lead": "prospect",
    "expert": "expert",
    "peer": "peer",
    "spam": "spammer",
    "offtopic": "general",
}
_HOUR_W = (
    0.25,
    0.2,
    0.15,
    0.12,
    0.1,
    0.12,
    0.2,
    0.35,
    0.5,
    0.65,
    0.75,
    0.8,
    0.85,
    0.95,
    1.0,
    1.0,
    1.0,
    0.95,
    0.9,
    0.85,
    0.75,
    0.6,
    0.45,
    0.35,
)
_B32 = "234567abcdefghijklmnopqrstuvwxyz"
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_TWITTER_EPOCH_MS = 1288834974657
_SLOT = re.compile(r"\{(\w+)\}")
_HASHTAG = re.compile(r"(?<![\w&])#(\w*[A-Za-z_]\w*)")
_MENTION = re.compile(
    r"(?<![\w@])@([A-Za-z0-9_]+(?:\.[A-Za-z0-9-]+)*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)"
)
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True, slots=True)
class Truth:
    """Gold labels of one generated post (see the module docstring)."""

    source: str
    id: str
    kind: str
    sentiment: str
    relevant: bool
    spam: bool
    product: str | None
    theme: str | None
    planted: bool
    lang: str
    role: str
    article: str | None = None
    event: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class _Account:
    source: str
    id: str
    handle: str
    name: str
    bio: str
    followers: int
    following: int
    role: str
    lang: str
    weight: float
    person: int

    def author(self) -> dict[str, Any]:
        if self.source == "rss":
            return {"id": self.id, "handle": self.handle, "name": self.name}
        return {
            "id": self.id,
            "handle": self.handle,
            "name": self.name,
            "bio": self.bio,
            "followers": self.followers,
            "following": self.following,
        }

    def mention(self) -> str:
        """How another post on the same network writes this account (without the @)."""
        return self.handle


@dataclass(slots=True)
class _Rec:
    post: dict[str, Any]
    truth: Truth
    account: _Account
    created: datetime
    root: _Rec | None = None
    meta: dict[str, str] = field(default_factory=dict)


def _utc(d: datetime) -> datetime:
    return d.replace(tzinfo=UTC) if d.tzinfo is None else d.astimezone(UTC)


def conference_days(end: datetime = DEFAULT_END) -> tuple[date, date]:
    """The two weekdays of the conference: the first Tuesday at least 11 days before ``end``."""
    d = (_utc(end) - timedelta(days=11)).date()
    while d.weekday() != 1:
        d += timedelta(days=1)
    return d, d + timedelta(days=1)


CONFERENCE_DAYS = conference_days(DEFAULT_END)


def planted_window(end: datetime = DEFAULT_END) -> tuple[datetime, datetime]:
    """[start, end) of the planted emerging problem: the last three UTC calendar days."""
    e = _utc(end)
    last = (e - timedelta(microseconds=1)).date() - timedelta(days=PLANTED_DAYS - 1)
    return datetime(last.year, last.month, last.day, tzinfo=UTC), e


def demo_config() -> dict[str, Any]:
    """Product, competitors, own accounts, watches and the event for the demo workspace."""
    return {
        "product": {
            "name": PRODUCT,
            "aliases": list(PRODUCT_ALIASES),
            "description": PRODUCT_DESCRIPTION,
            "company": COMPANY,
            "own_accounts": {
                "x": [OWN_HANDLE, OFFICIAL_HANDLE],
                "bluesky": [OWN_HANDLE],
                "rss": ["blog.acmepulse.io"],
            },
            "competitors": list(COMPETITORS),
        },
        "watches": [
            {"name": "acme-pulse", "query": '"acme pulse" OR @acmepulse OR #acmepulse OR pulse'},
            {
                "name": "competitors",
                "query": "brightmetrics OR chartwell OR @brightmetrics OR @chartwellhq",
            },
            {
                "name": "market",
                "query": '"product analytics" OR "analytics tool" OR roadmap OR prioritization '
                'OR "product manager" OR #prodmgmt',
            },
            {"name": "productcon", "query": CONFERENCE_TAG},
        ],
        "event": {"tag": CONFERENCE_TAG, "days": [d.isoformat() for d in conference_days()]},
    }


def _ts(d: datetime) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def _slug(text: str, words: int = 7) -> str:
    return "_".join(re.findall(r"[a-z0-9]+", text.lower())[:words]) or "post"


class _Gen:
    def __init__(self, n_posts: int, seed: int, end: datetime) -> None:
        if n_posts < 50:
            raise ValueError("n_posts must be at least 50")
        self.rng = random.Random(seed)
        self.n = n_posts
        self.end = _utc(end).replace(microsecond=0)
        self.start = self.end - WINDOW
        self.planted_start, _ = planted_window(self.end)
        self.release_at = self.planted_start - timedelta(hours=3)
        self.conf = conference_days(self.end)
        self.recs: list[_Rec] = []
        self.ids: dict[str, set[str]] = {s: set() for s in SOURCES}
        self.handles: dict[str, set[str]] = {s: set() for s in SOURCES}
        self.pools: dict[tuple[str, str], deque[_Rec]] = {}
        self.by_role: dict[tuple[str, str], list[_Account]] = {}
        self.cum: dict[tuple[str, str], list[float]] = {}
        self.counters: dict[str, int] = {
            "hn": 45_870_000 + self.rng.randrange(10_000),
            "t3": int("1gq0000", 36) + self.rng.randrange(9_999),
            "t1": int("m9a00000", 36) + self.rng.randrange(99_999),
            "rss": 0,
        }
        self.planted_authors: set[int] = set()
        self.published: set[str] = set()
        art_w = [1.0 / (i + 1) ** 1.1 for i in range(len(T.ARTICLES))]
        self.article_cum = list(_accumulate(art_w))
        self.spam_links = [self._spam_link() for _ in T.SPAM]
        self.own: dict[str, _Account] = {}
        self.official: dict[str, _Account] = {}
        self.experts: list[list[_Account]] = []
        self._people()

    # ---------------------------------------------------------------- people
    def _people(self) -> None:
        rng = self.rng
        scale = max(0.25, self.n / DEFAULT_N_POSTS) ** 0.7
        person = 0
        for i in range(_N_EXPERTS):
            person += 1
            first, last = rng.choice(T.FIRST_NAMES), rng.choice(T.LAST_NAMES)
            hub = 12.0 if i < 3 else rng.uniform(0.6, 3.0)
            bio = self._bio("expert")
            srcs = ["x"] + [
                s
                for s, p in (
                    ("bluesky", 0.6),
                    ("mastodon", 0.4),
                    ("reddit", 0.15),
                    ("hn", 0.25),
                    ("rss", 0.6),
                )
                if rng.random() < p
            ]
            if i < 3:
                srcs = ["x", "bluesky", "mastodon", "rss"] + (
                    ["hn"] if i == 0 else ["reddit"] if i == 1 else []
                )
            accts = [self._account(s, "expert", first, last, bio, person, hub, "en") for s in srcs]
            self.experts.append(accts)
        for role, count in _ROLE_COUNTS.items():
            weights = _ROLE_SOURCES[role]
            for _ in range(max(8, round(count * scale))):
                person += 1
                first, last = rng.choice(T.FIRST_NAMES), rng.choice(T.LAST_NAMES)
                lang = "en"
                if role in ("customer", "peer", "general", "prospect") and rng.random() < 0.09:
                    lang = rng.choice(("es", "de", "fr", "pt"))
                bio = self._bio(role)
                act = rng.lognormvariate(0, 0.9)
                srcs = [_pick(rng, weights)]
                if rng.random() < 0.15:
                    other = _pick(rng, weights)
                    if other not in srcs:
                        srcs.append(other)
                for s in srcs:
                    self._account(s, role, first, last, bio, person, act, lang)
            for s in weights:  # every network has a few of each role
                while len(self.by_role.get((role, s), [])) < 6:
                    person += 1
                    self._account(
                        s,
                        role,
                        rng.choice(T.FIRST_NAMES),
                        rng.choice(T.LAST_NAMES),
                        self._bio(role),
                        person,
                        1.0,
                        "en",
                    )
        own_bio = "PM at Acme, building Acme Pulse: analytics for small SaaS teams. Opinions mine."
        for s, fol, fing in (("x", 2340, 610), ("bluesky", 870, 240)):
            self.own[s] = _Account(
                s,
                self._author_id(s, OWN_HANDLE),
                OWN_HANDLE,
                "Dana Whitfield",
                own_bio,
                fol,
                fing,
                "own",
                "en",
                1.0,
                0,
            )
            self.handles[s].add(OWN_HANDLE)
        self.official["x"] = _Account(
            "x",
            self._author_id("x", OFFICIAL_HANDLE),
            OFFICIAL_HANDLE,
            "Acme Pulse",
            "Analytics dashboards for small SaaS teams. Status: status.acmepulse.io",
            8900,
            120,
            "own",
            "en",
            1.0,
            -1,
        )
        self.official["rss"] = _Account(
            "rss",
            "https://blog.acmepulse.io/feed.xml",
            "blog.acmepulse.io",
            "The Acme Pulse Blog",
            "",
            0,
            0,
            "own",
            "en",
            1.0,
            -1,
        )
        for key, accts in self.by_role.items():
            self.cum[key] = list(_accumulate(a.weight for a in accts))

    def _bio(self, role: str) -> str:
        rng = self.rng
        tpl = rng.choice(T.BIOS[role])
        c1, c2 = rng.sample(T.COMPANIES, 2)
        return tpl.format(
            company=c1,
            company2=c2,
            startup=rng.choice(T.STARTUPS),
            newsletter=rng.choice(T.NEWSLETTERS),
        )

    def _account(
        self,
        source: str,
        role: str,
        first: str,
        last: str,
        bio: str,
        person: int,
        weight: float,
        lang: str,
    ) -> _Account:
        rng = self.rng
        handle = self._handle(source, role, first, last)
        name = f"{first} {last}"
        if role == "spammer":
            name = rng.choice(
                (
                    "Crypto King 💰",
                    "Growth Hacks",
                    "Jessica Miller",
                    "Best Deals 24/7",
                    "AI Profits",
                    "Sarah Johnson",
                    "Followers Boost",
                )
            )
            followers, following = rng.randrange(0, 16), rng.randrange(4000, 5002)
        elif role == "expert":
            followers, following = (
                int(rng.lognormvariate(10.6, 0.8)) + 8000,
                rng.randrange(300, 2000),
            )
        elif role == "blog":
            followers, following = 0, 0
        else:
            mu = {"peer": 6.6, "customer": 5.6, "prospect": 5.2, "attendee": 6.2, "general": 5.8}[
                role
            ]
            followers = int(rng.lognormvariate(mu, 1.1)) + 5
            following = int(rng.lognormvariate(5.9, 0.7)) + 20
        if source == "rss":
            if role == "expert":
                news = rng.choice(T.NEWSLETTERS)
                dom = re.sub(r"[^a-z]", "", news.lower()) + ".substack.com"
                while dom in self.handles["rss"]:
                    dom = dom.replace(".substack", f"{rng.randrange(10)}.substack")
                handle, name = dom, f"{news} by {first} {last}"
                self.handles["rss"].add(dom)
            aid = f"https://{handle}/feed"
        else:
            aid = self._author_id(source, handle)
        acct = _Account(
            source, aid, handle, name, bio, followers, following, role, lang, weight, person
        )
        self.by_role.setdefault((role, source), []).append(acct)
        return acct

    def _handle(self, source: str, role: str, first: str, last: str) -> str:
        rng = self.rng
        f, la = first.lower(), last.lower()
        if role == "spammer":
            base = rng.choice(
                ("cryptoking", "growth_hacks_", "deals", "aiprofits", "boost_", "jess")
            )
            cand = f"{base}{rng.randrange(1000, 99999999)}"
            if source == "bluesky":
                cand += ".bsky.social"
            elif source == "mastodon":
                cand += "@" + rng.choice(T.MASTODON_INSTANCES)
        elif source == "x":
            cand = rng.choice(
                (
                    f"{f}{la}",
                    f"{f}_{la}",
                    f"{f}{la[0]}",
                    f"{f}{la[0]}_pm" if role == "peer" else f"{f}_{la}",
                )
            )
        elif source == "bluesky":
            cand = f"{f}{la}.com" if rng.random() < 0.15 else f"{f}{la[:3]}.bsky.social"
        elif source == "mastodon":
            cand = f"{f}{la[0]}@{rng.choice(T.MASTODON_INSTANCES)}"
        elif source == "reddit":
            cand = rng.choice(
                (
                    f"{f}{rng.randrange(10, 999)}",
                    f"throwaway_{role}_{rng.randrange(1000, 9999)}",
                    f"{la}_{f}",
                    f"data_{f}_{rng.randrange(10, 99)}",
                )
            )
        elif source == "hn":
            cand = rng.choice((f"{f[0]}{la}", f"{f}{la[:3]}", f"{f}_{rng.randrange(10, 99)}"))
        else:
            cand = f"{f}{la}.blog"
        handle, i = cand, 1
        while handle in self.handles[source]:
            i += 1
            if source == "bluesky":
                handle = cand.replace(".", f"{i}.", 1)
            elif source == "mastodon":
                handle = cand.replace("@", f"{i}@", 1)
            else:
                handle = f"{cand}{i}"
        self.handles[source].add(handle)
        return handle

    def _author_id(self, source: str, handle: str) -> str:
        rng = self.rng
        if source == "x":
            return str(rng.randrange(10**8, 10**19))
        if source == "bluesky":
            return "did:plc:" + "".join(rng.choice(_B32) for _ in range(24))
        if source == "mastodon":
            return str(rng.randrange(10**17, 11 * 10**16 + 10**17))
        if source == "reddit":
            return "t2_" + "".join(rng.choice(_B36) for _ in range(8))
        return handle

    def _choose_account(self, role: str, source: str, avoid: set[int] | None = None) -> _Account:
        accts = self.by_role[(role, source)]
        cum = self.cum[(role, source)]
        pick = self.rng.choices(accts, cum_weights=cum)[0]
        if avoid is not None:
            for _ in range(6):
                if pick.person not in avoid:
                    break
                pick = self.rng.choice(accts)
        return pick

    # ---------------------------------------------------------------- time
    def _weight(self, t: datetime, weekend: float) -> float:
        w = _HOUR_W[t.hour] * (1.0 + 0.15 * (t - self.start) / WINDOW)
        return w * (weekend if t.weekday() >= 5 else 1.0)

    def _time_in(self, a: datetime, b: datetime, weekend: float = 0.42) -> datetime:
        span = (b - a).total_seconds()
        for _ in range(200):
            t = a + timedelta(seconds=int(self.rng.random() * span))
            if self.rng.random() * 1.15 < self._weight(t, weekend):
                return t
        return a + timedelta(seconds=int(self.rng.random() * span))

    def _slot_time(self, kind: str) -> datetime:
        rng = self.rng
        if kind == "planted_issue":
            day = rng.choices((0, 1, 2), weights=(1, 2, 4))[0]
            a = self.planted_start + timedelta(days=day)
            return self._time_in(a, min(a + timedelta(days=1), self.end), 1.0)
        if kind == "conference":
            d0 = datetime(self.conf[0].year, self.conf[0].month, self.conf[0].day, tzinfo=UTC)
            r = rng.random()
            if r < 0.82:
                a = d0 + timedelta(days=rng.randrange(2), hours=7)
                return self._time_in(a, a + timedelta(hours=12), 1.0)
            if r < 0.92:
                return self._time_in(d0 - timedelta(days=6), d0)
            return self._time_in(d0 + timedelta(days=2), d0 + timedelta(days=5))
        weekend = {"own_promo": 0.1, "own_helpful": 0.25, "spam": 1.0, "offtopic": 1.3}.get(
            kind, 0.42
        )
        return self._time_in(self.start, self.end, weekend)

    # ---------------------------------------------------------------- ids and links
    def _post_id(
        self, source: str, t: datetime, reply: bool, account: _Account, url: str | None
    ) -> str:
        rng = self.rng
        ms = int(t.timestamp() * 1000) + rng.randrange(1000)
        while True:
            if source == "x":
                pid = str(((ms - _TWITTER_EPOCH_MS) << 22) | rng.getrandbits(22))
            elif source == "mastodon":
                pid = str((ms << 16) | rng.getrandbits(16))
            elif source == "bluesky":
                tid = ((ms * 1000 + rng.randrange(1000)) << 10) | rng.getrandbits(10)
                rkey = "".join(_B32[(tid >> (5 * (12 - i))) & 31] for i in range(13))
                pid = f"at://{account.id}/app.bsky.feed.post/{rkey}"
            elif source == "reddit":
                key = "t1" if reply else "t3"
                self.counters[key] += rng.randrange(1, 4000 if reply else 300)
                pid = f"{key}_{_b36(self.counters[key])}"
            elif source == "hn":
                self.counters["hn"] += rng.randrange(1, 60)
                pid = str(self.counters["hn"])
            else:
                pid = url or f"https://{account.handle}/p/{rng.randrange(10**6)}"
            if pid not in self.ids[source]:
                self.ids[source].add(pid)
                return pid
            url = None

    def _short(self, source: str) -> str:
        rng = self.rng
        if source == "x":
            return "https://t.co/" + "".join(rng.choice(_ALNUM) for _ in range(10))
        host = rng.choice(("bit.ly", "bit.ly", "buff.ly", "lnkd.in"))
        return f"https://{host}/" + "".join(rng.choice(_ALNUM) for _ in range(7))

    def _spam_link(self) -> tuple[str, str]:
        tpl = self.rng.choice(T.SPAM_DOMAINS)
        return "https://bit.ly/" + "".join(self.rng.choice(_ALNUM) for _ in range(7)), tpl.format(
            n=self.rng.randrange(100, 9999)
        )

    def _article_link(self, source: str, canonical: str, campaign: str) -> tuple[str, str]:
        expanded = canonical
        if self.rng.random() < 0.35:
            expanded += f"?utm_source={source}&utm_medium=social&utm_campaign={campaign}"
        if source in ("reddit", "hn", "rss") or (source != "x" and self.rng.random() < 0.2):
            return expanded, expanded
        return self._short(source), expanded

    # ---------------------------------------------------------------- text
    def _fill(
        self, tpl: str, source: str, links: list[tuple[str, str]], ctx: dict[str, Any]
    ) -> str:
        rng = self.rng
        if source in ("reddit", "hn", "rss"):
            tpl = tpl.replace("@{x}", "{xname}").replace("@acmepulse", "Acme Pulse")

        def slot(m: re.Match[str]) -> str:
            key = m.group(1)
            if key in ctx:
                return str(ctx[key])
            val: str
            if key == "p":
                opts: Sequence[str] = (
                    "Acme Pulse",
                    "Acme Pulse",
                    "Acme Pulse",
                    "Acme Pulse",
                    "Pulse",
                    "Pulse",
                    "acme pulse",
                    "@acmepulse" if source == "x" else "Acme Pulse",
                )
                val = rng.choice(opts)
            elif key == "comp":
                val = str(ctx.get("_comp") or rng.choice(COMPETITORS))
                if source == "x" and rng.random() < 0.3:
                    val = "@chartwellhq" if val == "Chartwell" else "@brightmetrics"
            elif key == "n" or key == "n2":
                val = str(rng.choice((2, 3, 4, 5, 10, 12, 15, 20, 30, 45)))
            elif key in ("x", "xname"):
                ex = self._expert_on(source)
                ctx["x"], ctx["xname"] = ex.mention(), ex.name.split(" by ")[-1]
                val = ctx[key]
            elif key in ("topic", "topic2"):
                val = rng.choice(T.TOPICS)
            elif key == "take":
                val = rng.choice(T.TAKES)
            elif key == "company":
                val = rng.choice(T.COMPANIES)
            elif key == "startup":
                val = rng.choice(T.STARTUPS)
            elif key == "emoji":
                val = rng.choice(T.EMOJIS)
            elif key == "tag":
                val = CONFERENCE_TAG
            elif key == "day":
                val = str(ctx.get("day", "1"))
            elif key in ("link", "link2"):
                pair: tuple[str, str] = ctx.pop("_linkpair", None) or self._misc_link(source)
                short, expanded = pair
                links.append((short, expanded))
                val = short
            else:  # pragma: no cover - templates only use known slots
                val = key
            ctx[key] = val
            return val

        text = _SLOT.sub(slot, tpl)
        text = re.sub(r"\s+([.,!?])(?=\s|$)", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()
        return (
            text[:1].upper() + text[1:]
            if text[:1].islower() and not text.startswith(("csv", "http"))
            else text
        )

    def _misc_link(self, source: str) -> tuple[str, str]:
        slug = self.rng.choice(
            (
                "weekly-metrics-review",
                "small-team-analytics",
                "dashboard-teardown",
                "discovery-notes",
                "talk-slides",
            )
        )
        return self._article_link(source, f"https://blog.acmepulse.io/posts/{slug}", "social")

    def _expert_on(self, source: str) -> _Account:
        pool = [a for accts in self.experts for a in accts if a.source == source]
        if not pool:
            pool = [accts[0] for accts in self.experts]
        return self.rng.choices(pool, weights=[a.weight for a in pool])[0]

    # ---------------------------------------------------------------- emit
    def _emit(
        self,
        source: str,
        acct: _Account,
        t: datetime,
        text: str,
        *,
        kind: str,
        sentiment: str = "neutral",
        product: str | None = None,
        theme: str | None = None,
        parent: _Rec | None = None,
        quote: _Rec | None = None,
        repost: _Rec | None = None,
        links: Iterable[tuple[str, str]] = (),
        lang: str = "en",
        event: str | None = None,
        article: str | None = None,
        url: str | None = None,
        sub: str | None = None,
        urls: list[str] | None = None,
    ) -> _Rec:
        links = list(links)
        if parent is not None and source in ("x", "mastodon") and not text.startswith("@"):
            text = f"@{parent.account.handle} {text}"
        pid = self._post_id(source, t, parent is not None, acct, url)
        root = parent.root if parent is not None and parent.root is not None else parent
        meta: dict[str, str] = {}
        if source == "reddit":
            if root is not None:
                meta = dict(root.meta)
                url = f"https://www.reddit.com/r/{meta['sub']}/comments/{meta['base']}/{meta['slug']}/{pid[3:]}/"
            else:
                meta = {"sub": sub or "SaaS", "base": pid[3:], "slug": _slug(text)}
                url = f"https://www.reddit.com/r/{meta['sub']}/comments/{meta['base']}/{meta['slug']}/"
        elif source == "x":
            url = f"https://x.com/{acct.handle}/status/{pid}"
        elif source == "bluesky":
            url = (
                None
                if repost is not None
                else f"https://bsky.app/profile/{acct.handle}/post/{pid.rsplit('/', 1)[1]}"
            )
            if repost is not None:
                pid2 = pid.replace("app.bsky.feed.post", "app.bsky.feed.repost")
                self.ids[source].discard(pid)
                self.ids[source].add(pid2)
                pid = pid2
        elif source == "mastodon":
            user, inst = acct.handle.split("@")
            url = f"https://{inst}/@{user}/{pid}"
        elif source == "hn":
            url = f"https://news.ycombinator.com/item?id={pid}"
        elif source == "rss":
            url = pid
        post: dict[str, Any] = {"source": source, "id": pid, "created_at": _ts(t), "text": text}
        if url:
            post["url"] = url
        post["lang"] = lang
        post["author"] = acct.author()
        if parent is not None:
            post["reply_to"] = {
                "post_id": parent.post["id"],
                "author_handle": parent.account.handle,
            }
        if quote is not None:
            post["quote_of"] = quote.post["id"]
        if repost is not None:
            post["repost_of"] = repost.post["id"]
        if source != "rss":
            post["conversation_id"] = root.post["id"] if root is not None else pid
        if source != "rss":
            post["metrics"] = self._metrics(acct, source, kind, repost is not None)
        if source not in ("reddit", "hn", "rss"):
            post["hashtags"] = _HASHTAG.findall(text)
            post["mentions"] = [m.rstrip(".") for m in _MENTION.findall(text)]
        if urls is not None:
            expanded = list(urls)
        else:
            expanded = [e for s, e in links if s in text or s == url]
            expanded += [u for u in _URL.findall(text) if u not in {s for s, _ in links}]
        if expanded:
            post["urls"] = list(dict.fromkeys(expanded))
        spam = kind == "spam"
        truth = Truth(
            source,
            pid,
            kind,
            sentiment,
            relevant=kind not in ("spam", "offtopic"),
            spam=spam,
            product=product,
            theme=theme,
            planted=kind == "planted_issue",
            lang=lang,
            role=acct.role,
            article=article,
            event=event,
        )
        rec = _Rec(post, truth, acct, t, root, meta)
        self.recs.append(rec)
        return rec

    def _metrics(self, acct: _Account, source: str, kind: str, is_repost: bool) -> dict[str, int]:
        rng = self.rng
        if is_repost:
            return {"likes": 0, "reposts": 0, "replies": 0, "quotes": 0}
        if kind == "spam":
            return {
                "likes": rng.choice((0, 0, 0, 1)),
                "reposts": rng.choice((0, 0, 1)),
                "replies": 0,
                "quotes": 0,
            }
        mu = math.log1p(acct.followers) * 0.55 - 1.2
        likes = int(rng.lognormvariate(mu, 1.15))
        reposts = int(likes * rng.uniform(0.03, 0.25))
        replies = int(likes * rng.uniform(0.02, 0.15))
        quotes = int(reposts * rng.uniform(0.0, 0.3))
        if source in ("reddit", "hn"):
            return {"likes": likes, "reposts": 0, "replies": replies, "quotes": 0}
        return {"likes": likes, "reposts": reposts, "replies": replies, "quotes": quotes}

    # ---------------------------------------------------------------- pools
    def _pool_add(self, name: str, rec: _Rec) -> None:
        self.pools.setdefault((name, rec.post["source"]), deque(maxlen=300)).append(rec)

    def _parent(
        self,
        name: str,
        source: str,
        t: datetime,
        max_age: timedelta,
        not_person: int,
        hub: bool = False,
    ) -> _Rec | None:
        dq = self.pools.get((name, source))
        if not dq:
            return None
        cands: list[_Rec] = []
        for rec in reversed(dq):
            if t - rec.created > max_age or len(cands) >= 60:
                break
            if rec.created < t and rec.account.person != not_person:
                cands.append(rec)
        if not cands:
            return None
        if hub:
            return self.rng.choices(cands, weights=[r.account.weight for r in cands])[0]
        return self.rng.choice(cands[:20])

    # ---------------------------------------------------------------- kinds
    def build(self) -> list[tuple[dict[str, Any], Truth]]:
        n_planted = max(round(self.n * 0.02), min(24, self.n // 5))
        counts = _apportion(self.n - n_planted - 2, _SHARES)
        counts["own_promo"] = max(0, counts["own_promo"])
        slots: list[tuple[datetime, int, str]] = []
        seq = 0
        for kind, c in [*counts.items(), ("planted_issue", n_planted)]:
            for _ in range(c):
                seq += 1
                slots.append((self._slot_time(kind), seq, kind))
        slots.append((self.release_at, 0, "release"))
        slots.append((self.release_at + timedelta(minutes=20), 0, "release_blog"))
        slots.sort()
        for t, _, kind in slots:
            getattr(self, f"_k_{kind}")(t)
        self._finish()
        return [
            (r.post, r.truth)
            for r in sorted(self.recs, key=lambda r: (r.created, r.post["source"], r.post["id"]))
        ]

    def _finish(self) -> None:
        replies: Counter[tuple[str, str]] = Counter()
        quotes: Counter[tuple[str, str]] = Counter()
        reposts: Counter[tuple[str, str]] = Counter()
        for r in self.recs:
            s = r.post["source"]
            if "reply_to" in r.post:
                replies[(s, r.post["reply_to"]["post_id"])] += 1
            if "quote_of" in r.post:
                quotes[(s, r.post["quote_of"])] += 1
            if "repost_of" in r.post:
                reposts[(s, r.post["repost_of"])] += 1
        for r in self.recs:
            m = r.post.get("metrics")
            if m is None or "repost_of" in r.post:
                continue
            key = (r.post["source"], r.post["id"])
            m["replies"] = max(m["replies"], replies[key])
            m["quotes"] = max(m["quotes"], quotes[key])
            m["reposts"] = max(m["reposts"], reposts[key])
            m["likes"] = max(m["likes"], m["reposts"])

    def _src(self, kind: str) -> str:
        return _pick(self.rng, _KIND_SOURCES[kind])

    def _role(self, kind: str) -> str:
        return _SINGLE_ROLE.get(kind) or _pick(self.rng, _KIND_ROLES[kind])

    def _i18n(self, acct: _Account, kind: str) -> tuple[str, str] | None:
        opts = T.I18N.get(acct.lang, {}).get(kind)
        if opts and acct.source not in ("hn", "rss") and self.rng.random() < 0.85:
            return self.rng.choice(opts), acct.lang
        return None

    def _feedback(
        self,
        t: datetime,
        kind: str,
        sentiment: str,
        themes: dict[str, tuple[str, ...]],
        comp_themes: dict[str, tuple[str, ...]],
        comp_share: float,
        reply_pool: str | None,
        reply_p: float,
    ) -> None:
        rng = self.rng
        source = self._src(kind)
        acct = self._choose_account("customer", source)
        ctx: dict[str, str] = {}
        if rng.random() < comp_share and comp_themes:
            theme = rng.choice(sorted(comp_themes))
            tpl = rng.choice(comp_themes[theme])
            ctx["_comp"] = rng.choice(COMPETITORS)
            product: str | None = ctx["_comp"]
        else:
            theme = rng.choice(sorted(themes))
            tpl = rng.choice(themes[theme])
            product = PRODUCT
        lang = "en"
        loc = self._i18n(acct, kind)
        if loc is not None:
            tpl, lang = loc
            if "{comp}" in tpl:
                ctx["_comp"] = rng.choice(COMPETITORS)
                product = ctx["_comp"]
            theme = _i18n_theme(kind, tpl, theme)
        parent = None
        if rng.random() < reply_p:
            pool = reply_pool or f"theme:{theme}"
            parent = self._parent(pool, source, t, timedelta(days=3), acct.person)
        if parent is None and source == "hn" and kind != "question" and rng.random() < 0.6:
            parent = self._parent("hn_roots", source, t, timedelta(days=3), acct.person)
        links: list[tuple[str, str]] = []
        text = self._fill(tpl, source, links, ctx)
        if (
            source == "x"
            and product == PRODUCT
            and "acmepulse" not in text.lower()
            and rng.random() < 0.12
        ):
            text += " #acmepulse"
        rec = self._emit(
            source,
            acct,
            t,
            text,
            kind=kind,
            sentiment=sentiment,
            product=product,
            theme=theme,
            parent=parent,
            links=links,
            lang=lang,
            sub=rng.choice(T.SUBREDDITS["feedback"]),
        )
        self._pool_add(f"theme:{theme}", rec)
        if kind in ("bug", "complaint", "feature_request", "question"):
            self._pool_add("askers", rec)

    def _k_bug(self, t: datetime) -> None:
        self._feedback(
            t, "bug", "negative", T.BUG_THEMES, T.COMPETITOR_BUG_THEMES, 0.15, None, 0.25
        )

    def _k_feature_request(self, t: datetime) -> None:
        self._feedback(
            t, "feature_request", "neutral", T.FEATURE_THEMES, {}, 0.0, "own_promo", 0.15
        )

    def _k_praise(self, t: datetime) -> None:
        self._feedback(
            t,
            "praise",
            "positive",
            T.PRAISE_THEMES,
            {"competitor_praise": T.COMPETITOR_PRAISE},
            0.25,
            "lead",
            0.25,
        )

    def _k_complaint(self, t: datetime) -> None:
        self._feedback(
            t,
            "complaint",
            "negative",
            T.COMPLAINT_THEMES,
            T.COMPETITOR_COMPLAINTS,
            0.5,
            "lead",
            0.15,
        )

    def _k_question(self, t: datetime) -> None:
        self._feedback(t, "question", "neutral", {"howto": T.QUESTIONS}, {}, 0.0, "none", 0.0)

    def _k_lead(self, t: datetime) -> None:
        rng = self.rng
        source = self._src("lead")
        acct = self._choose_account("prospect", source)
        theme = rng.choice(sorted(T.LEADS))
        tpl = rng.choice(T.LEADS[theme])
        lang = "en"
        loc = self._i18n(acct, "lead")
        if loc is not None:
            tpl, lang = loc
            theme = "comparison" if "{p}" in tpl else "tool_recommendation"
        links: list[tuple[str, str]] = []
        text = self._fill(tpl, source, links, {})
        if source == "hn" and rng.random() < 0.7:
            text = "Ask HN: " + text
        rec = self._emit(
            source,
            acct,
            t,
            text,
            kind="lead",
            product=PRODUCT if "{p}" in tpl else None,
            theme=theme,
            links=links,
            lang=lang,
            sub=rng.choice(T.SUBREDDITS["lead"]),
        )
        self._pool_add("lead", rec)
        self._pool_add("askers", rec)
        self._pool_add("hn_roots", rec)

    def _k_expert(self, t: datetime) -> None:
        rng = self.rng
        source = self._src("expert")
        pool = [a for accts in self.experts for a in accts if a.source == source]
        if not pool:
            source, pool = "x", [accts[0] for accts in self.experts]
        acct = rng.choices(pool, weights=[a.weight for a in pool])[0]
        links: list[tuple[str, str]] = []
        topic = rng.choice(T.TOPICS)
        ctx: dict[str, Any] = {"topic": topic}
        if source == "rss":
            self.counters["rss"] += 1
            issue = 40 + self.counters["rss"]
            take = rng.choice(T.TAKES)
            url = f"https://{acct.handle}/p/issue-{issue}-{topic.replace(' ', '-').lower()}"
            text = (
                f"Issue #{issue}: {topic.capitalize()}\n\n{take[:1].upper()}{take[1:]}. "
                "This week: what it means for small teams."
            )
            self._emit(source, acct, t, text, kind="expert", theme=topic, url=url)
            return
        parent = quote = None
        r = rng.random()
        if r < 0.25:
            parent = self._parent("pm", source, t, timedelta(days=2), acct.person)
        elif r < 0.3:
            quote = self._parent("pm", source, t, timedelta(days=2), acct.person, hub=True)
        if parent is not None:
            text = self._fill(rng.choice(T.EXPERT_REPLIES), source, links, ctx)
            topic = parent.truth.theme or topic
        elif quote is not None:
            text = self._fill(
                rng.choice(T.QUOTE_FORMS), source, links, {"topic": quote.truth.theme or topic}
            )
            if source == "x":
                text += " " + quote.post.get("url", "")
            topic = quote.truth.theme or topic
        else:
            ctx["_linkpair"] = self._article_link(source, rng.choice(T.ARTICLES)[0], "newsletter")
            text = self._fill(rng.choice(T.EXPERT_FORMS), source, links, ctx)
        rec = self._emit(
            source,
            acct,
            t,
            text,
            kind="expert",
            theme=topic,
            parent=parent,
            quote=quote,
            links=links,
            sub=rng.choice(T.SUBREDDITS["pm"]),
        )
        self._pool_add("pm", rec)
        if parent is None and quote is None:
            self._pool_add("expert_root", rec)
            self._pool_add("popular", rec)
            self._pool_add("hn_roots", rec)

    def _k_peer(self, t: datetime) -> None:
        rng = self.rng
        source = self._src("peer")
        acct = self._choose_account("peer", source)
        links: list[tuple[str, str]] = []
        r = rng.random()
        parent = quote = repost = None
        if r < 0.35:
            parent = self._parent("pm", source, t, timedelta(days=2), acct.person, hub=True)
        elif r < 0.43 and source in ("x", "bluesky", "mastodon"):
            repost = self._parent(
                "expert_root", source, t, timedelta(days=2), acct.person, hub=True
            )
        elif r < 0.48 and source in ("x", "bluesky", "mastodon"):
            quote = self._parent("expert_root", source, t, timedelta(days=2), acct.person, hub=True)
        if repost is not None:
            self._repost(source, acct, t, repost)
            return
        topic = rng.choice(T.TOPICS)
        lang = "en"
        if parent is not None:
            topic = parent.truth.theme or topic
            text = self._fill(rng.choice(T.PEER_REPLIES), source, links, {"topic": topic})
        elif quote is not None:
            topic = quote.truth.theme or topic
            text = self._fill(rng.choice(T.QUOTE_FORMS), source, links, {"topic": topic})
            if source == "x":
                text += " " + quote.post.get("url", "")
        else:
            loc = self._i18n(acct, "peer")
            tpl, lang = loc if loc is not None else (rng.choice(T.PEER_FORMS), "en")
            text = self._fill(
                tpl, source, links, {"topic": topic, "n2": str(rng.randrange(31, 60))}
            )
        rec = self._emit(
            source,
            acct,
            t,
            text,
            kind="peer",
            theme=topic,
            parent=parent,
            quote=quote,
            links=links,
            lang=lang,
            sub=rng.choice(T.SUBREDDITS["pm"]),
        )
        self._pool_add("pm", rec)
        self._pool_add("hn_roots", rec)

    def _repost(self, source: str, acct: _Account, t: datetime, orig: _Rec) -> _Rec:
        text = orig.post["text"]
        if source == "x":
            text = f"RT @{orig.account.handle}: {text}"
        o = orig.truth
        return self._emit(
            source,
            acct,
            t,
            text,
            kind=o.kind,
            sentiment=o.sentiment,
            product=o.product,
            theme=o.theme,
            repost=orig,
            lang=o.lang,
            event=o.event,
            article=o.article,
            urls=list(orig.post.get("urls", [])),
        )

    def _k_article_share(self, t: datetime) -> None:
        rng = self.rng
        source = self._src("article_share")
        canonical, title, topic = rng.choices(T.ARTICLES, cum_weights=self.article_cum)[0]
        if source == "rss":
            self._rss_article(t, canonical, title, topic)
            return
        role = self._role("article_share")
        if role == "expert":
            acct = self._expert_on(source)
            if acct.source != source:
                role = "peer"
        if role != "expert":
            if (role, source) not in self.by_role:
                role = "peer"
            acct = self._choose_account(role, source)
        if source in ("x", "bluesky", "mastodon") and rng.random() < 0.15:
            orig = self._parent("article", source, t, timedelta(days=3), acct.person, hub=True)
            if orig is not None:
                self._repost(source, acct, t, orig)
                return
        links: list[tuple[str, str]] = []
        campaign = _slug(title, 3).replace("_", "-")
        pair = self._article_link(source, canonical, campaign)
        if source in ("reddit", "hn"):
            text = f"{title} {pair[0]}"
            links.append(pair)
        else:
            ctx: dict[str, Any] = {"title": title, "topic": topic, "_linkpair": pair}
            text = self._fill(rng.choice(T.ARTICLE_SHARE_FORMS), source, links, ctx)
        rec = self._emit(
            source,
            acct,
            t,
            text,
            kind="article_share",
            theme=topic,
            links=links,
            article=canonical,
            sub=rng.choice(T.SUBREDDITS["article"]),
        )
        self._pool_add("article", rec)
        self._pool_add("hn_roots", rec)

    def _rss_article(self, t: datetime, canonical: str, title: str, topic: str) -> None:
        rng = self.rng
        host = canonical.split("/")[2]
        if canonical not in self.published:
            self.published.add(canonical)
            acct = self._blog(host)
            text = f"{title}\n\nA practical look at {topic} for product teams."
            self._emit(
                "rss",
                acct,
                t,
                text,
                kind="article_share",
                theme=topic,
                article=canonical,
                url=canonical,
                links=[(canonical, canonical)],
            )
            return
        pool = [a for accts in self.experts for a in accts if a.source == "rss"]
        acct = rng.choice(pool)
        self.counters["rss"] += 1
        url = f"https://{acct.handle}/p/links-of-the-week-{self.counters['rss']}"
        text = f"Links of the week\n\nThe piece everyone shared: {title} {canonical}"
        self._emit(
            "rss",
            acct,
            t,
            text,
            kind="article_share",
            theme=topic,
            article=canonical,
            url=url,
            links=[(canonical, canonical)],
        )

    def _blog(self, host: str) -> _Account:
        for a in self.by_role.get(("blog", "rss"), []):
            if a.handle == host:
                return a
        name = host.removeprefix("www.").removeprefix("blog.").split(".")[0].capitalize()
        acct = _Account("rss", f"https://{host}/feed", host, name, "", 0, 0, "blog", "en", 1.0, -2)
        self.by_role.setdefault(("blog", "rss"), []).append(acct)
        return acct

    def _k_conference(self, t: datetime) -> None:
        rng = self.rng
        source = self._src("conference")
        role = self._role("conference")
        acct = self._expert_on(source) if role == "expert" else self._choose_account(role, source)
        d = t.date()
        links: list[tuple[str, str]] = []
        if rng.random() < 0.12:
            orig = self._parent("conference", source, t, timedelta(hours=10), acct.person, hub=True)
            if orig is not None:
                self._repost(source, acct, t, orig)
                return
        parent = None
        if d < self.conf[0]:
            forms: Sequence[str] = T.CONFERENCE_BEFORE
        elif d > self.conf[1]:
            forms = T.CONFERENCE_AFTER
        else:
            forms = T.CONFERENCE_FORMS
            if rng.random() < 0.15:
                parent = self._parent("conference", source, t, timedelta(hours=6), acct.person)
        topic = rng.choice(T.TOPICS)
        ctx: dict[str, Any] = {"topic": topic, "day": "1" if d <= self.conf[0] else "2"}
        ctx["_linkpair"] = self._article_link(
            source, f"https://slides.productcon.io/2026/{topic.replace(' ', '-')}", "productcon26"
        )
        text = self._fill(rng.choice(forms), source, links, ctx)
        if CONFERENCE_TAG not in text:
            text += f" {CONFERENCE_TAG}"
        rec = self._emit(
            source,
            acct,
            t,
            text,
            kind="conference",
            sentiment="positive",
            theme=topic,
            parent=parent,
            links=links,
            event=CONFERENCE_TAG,
        )
        self._pool_add("conference", rec)
        if acct.role == "expert":
            self._pool_add("popular", rec)

    def _k_release(self, t: datetime) -> None:
        acct = self.official["x"]
        links: list[tuple[str, str]] = []
        ctx: dict[str, Any] = {
            "_linkpair": (
                "https://t.co/" + "".join(self.rng.choice(_ALNUM) for _ in range(10)),
                "https://blog.acmepulse.io/releases/4-2",
            )
        }
        text = self._fill(T.RELEASE_ANNOUNCEMENT, "x", links, ctx)
        rec = self._emit(
            "x",
            acct,
            t,
            text,
            kind="own_promo",
            sentiment="positive",
            product=PRODUCT,
            theme="release_4_2",
            links=links,
        )
        self._pool_add("own_promo", rec)
        self._pool_add("popular", rec)

    def _k_release_blog(self, t: datetime) -> None:
        url = "https://blog.acmepulse.io/releases/4-2"
        text = (
            "Acme Pulse 4.2 release notes\n\nA new chart builder, dashboards that load up to "
            "3x faster, "
            "and a cleaner sidebar."
        )
        self._emit(
            "rss",
            self.official["rss"],
            t,
            text,
            kind="own_promo",
            sentiment="positive",
            product=PRODUCT,
            theme="release_4_2",
            url=url,
            links=[(url, url)],
        )

    def _k_own_promo(self, t: datetime) -> None:
        rng = self.rng
        source = self._src("own_promo")
        links: list[tuple[str, str]] = []
        if source == "rss":
            tpl = rng.choice(T.OWN_PROMO)
            text = self._fill(
                tpl, "rss", links, {"startup": rng.choice(T.STARTUPS), "link": ""}
            ).rstrip(":")
            self.counters["rss"] += 1
            slug = _slug(text, 6).replace("_", "-")
            url = f"https://blog.acmepulse.io/posts/{slug}-{self.counters['rss']}"
            self._emit(
                "rss",
                self.official["rss"],
                t,
                text,
                kind="own_promo",
                sentiment="positive",
                product=PRODUCT,
                url=url,
            )
            return
        acct = self.own[source]
        event = None
        if self.conf[0] <= t.date() <= self.conf[1] and rng.random() < 0.6:
            tpl, event = rng.choice(T.OWN_CONFERENCE), CONFERENCE_TAG
        else:
            tpl = rng.choice(T.OWN_PROMO)
        text = self._fill(tpl, source, links, {})
        rec = self._emit(
            source,
            acct,
            t,
            text,
            kind="own_promo",
            sentiment="positive",
            product=PRODUCT,
            links=links,
            event=event,
        )
        self._pool_add("own_promo", rec)

    def _k_own_helpful(self, t: datetime) -> None:
        rng = self.rng
        source = self._src("own_helpful")
        acct = self.own[source]
        links: list[tuple[str, str]] = []
        parent = None
        if t >= self.planted_start and rng.random() < 0.6:
            parent = self._parent("planted", source, t, timedelta(days=1), acct.person)
            if parent is not None:
                text = rng.choice(T.OWN_PLANTED_REPLIES)
                self._emit(
                    source,
                    acct,
                    t,
                    text,
                    kind="own_helpful",
                    product=PRODUCT,
                    theme=PLANTED_THEME,
                    parent=parent,
                )
                return
        if rng.random() < 0.85:
            parent = self._parent("askers", source, t, timedelta(days=2), acct.person)
        if parent is not None:
            text = self._fill(rng.choice(T.OWN_HELPFUL_REPLIES), source, links, {})
        else:
            text = self._fill(rng.choice(T.OWN_HELPFUL_ROOT), source, links, {})
        self._emit(
            source,
            acct,
            t,
            text,
            kind="own_helpful",
            product=PRODUCT if parent is not None else None,
            theme=parent.truth.theme if parent is not None else None,
            parent=parent,
            links=links,
        )

    def _k_spam(self, t: datetime) -> None:
        rng = self.rng
        source = self._src("spam")
        acct = self._choose_account("spammer", source)
        i = rng.randrange(len(T.SPAM))
        links: list[tuple[str, str]] = []
        ctx: dict[str, Any] = {"_linkpair": self.spam_links[i]}
        if "{link2}" in T.SPAM[i]:
            ctx["link2"] = self.spam_links[(i + 1) % len(T.SPAM)][0]
            links.append(self.spam_links[(i + 1) % len(T.SPAM)])
        text = self._fill(T.SPAM[i], source, links, ctx)
        parent = (
            self._parent("popular", source, t, timedelta(days=2), acct.person)
            if rng.random() < 0.3
            else None
        )
        self._emit(
            source,
            acct,
            t,
            text,
            kind="spam",
            parent=parent,
            links=links,
            sub=rng.choice(T.SUBREDDITS["spam"]),
        )

    def _k_offtopic(self, t: datetime) -> None:
        rng = self.rng
        source = self._src("offtopic")
        acct = self._choose_account("general", source)
        tpl, sentiment = rng.choice(T.OFFTOPIC)
        lang = "en"
        loc = self._i18n(acct, "offtopic")
        if loc is not None:
            (tpl, lang), sentiment = loc, "neutral"
        text = self._fill(tpl, source, [], {})
        self._emit(
            source,
            acct,
            t,
            text,
            kind="offtopic",
            sentiment=sentiment,
            lang=lang,
            sub=rng.choice(T.SUBREDDITS["offtopic"]),
        )

    def _k_planted_issue(self, t: datetime) -> None:
        rng = self.rng
        source = self._src("planted_issue")
        acct = self._choose_account("customer", source, avoid=self.planted_authors)
        if rng.random() < 0.15 and source != "hn":
            foreign = [
                a
                for a in self.by_role[("customer", source)]
                if a.lang != "en" and a.person not in self.planted_authors
            ]
            acct = rng.choice(foreign) if foreign else acct
        self.planted_authors.add(acct.person)
        parent = None
        if rng.random() < 0.3:
            parent = self._parent("planted", source, t, timedelta(days=1), acct.person)
        lang = "en"
        loc = self._i18n(acct, "planted_issue")
        if parent is not None:
            tpl = rng.choice(T.PLANTED_REPLIES)
        elif loc is not None:
            tpl, lang = loc
        else:
            tpl = rng.choice(T.PLANTED)
        text = self._fill(tpl, source, [], {})
        rec = self._emit(
            source,
            acct,
            t,
            text,
            kind="planted_issue",
            sentiment="negative",
            product=PRODUCT,
            theme=PLANTED_THEME,
            parent=parent,
            lang=lang,
            sub=rng.choice(T.SUBREDDITS["feedback"]),
        )
        self._pool_add("planted", rec)
        self._pool_add("askers", rec)


_I18N_THEMES = (
    ("slack", "slack_alerts_dup"),
    ("stripe", "stripe_sync_lag"),
    ("hubspot", "hubspot_integration"),
    ("sso", "sso_starter"),
    ("dark", "dark_mode"),
    ("oscuro", "dark_mode"),
    ("sombre", "dark_mode"),
    ("escuro", "dark_mode"),
    ("embudo", "funnels"),
    ("entonnoir", "funnels"),
    ("kohort", "retention_cohorts"),
    ("suporte", "fast_support"),
    ("{comp}", "competitor_pricing"),
    ("dashboard", "dashboard_slow"),
    ("tableaux", "dashboard_slow"),
)


def _i18n_theme(kind: str, tpl: str, default: str) -> str:
    low = tpl.lower()
    for word, theme in _I18N_THEMES:
        if word in low:
            return theme
    return {"praise": "easy_onboarding", "question": "howto"}.get(kind, default)


def _b36(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = _B36[r] + out
    return out or "0"


def _accumulate(values: Iterable[float]) -> Iterable[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _apportion(total: int, shares: dict[str, float]) -> dict[str, int]:
    s = sum(shares.values())
    raw = {k: total * v / s for k, v in shares.items()}
    out = {k: int(v) for k, v in raw.items()}
    rest = total - sum(out.values())
    for k in sorted(raw, key=lambda k: raw[k] - out[k], reverse=True)[:rest]:
        out[k] += 1
    return out


def generate_with_truth(
    n_posts: int = DEFAULT_N_POSTS, seed: int = DEFAULT_SEED, end: datetime = DEFAULT_END
) -> list[tuple[dict[str, Any], Truth]]:
    """Generate ``n_posts`` Earful JSONL dicts with their gold :class:`Truth`, by ``created_at``."""
    return _Gen(n_posts, seed, end).build()


def generate(
    n_posts: int = DEFAULT_N_POSTS, seed: int = DEFAULT_SEED, end: datetime = DEFAULT_END
) -> list[dict[str, Any]]:
    """Generate ``n_posts`` Earful JSONL dicts (see :func:`generate_with_truth`)."""
    return [post for post, _ in generate_with_truth(n_posts, seed, end)]


def write_jsonl(
    path: str | os.PathLike[str],
    n_posts: int = DEFAULT_N_POSTS,
    seed: int = DEFAULT_SEED,
    end: datetime = DEFAULT_END,
    truth_path: str | os.PathLike[str] | None = None,
) -> int:
    """Write posts as Earful JSONL to ``path`` (gold truth to ``truth_path``); return the count."""
    pairs = generate_with_truth(n_posts, seed, end)
    _write(path, (p for p, _ in pairs))
    if truth_path is not None:
        _write(truth_path, (t.to_dict() for _, t in pairs))
    return len(pairs)


def _write(path: str | os.PathLike[str], rows: Iterable[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
