"""The reputation and promotion coach for the user's own accounts (``products.accounts``).

For each account: cadence, topics, replies against broadcasts, engagement per post, the
follower trend when posts carry follower snapshots, and the share of posts that promote the
product, classified by :func:`is_promo`. Advice is concrete and counted ("4 of your last 10
posts promote Acme Pulse; aim for at most 2").
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from earful.engage.common import keywords, reference_time
from earful.errors import InputError
from earful.models import Post
from earful.text import fold

if TYPE_CHECKING:
    from earful.config import Config, Product
    from earful.store.sqlite import SQLiteStore

MAX_PROMO_SHARE = 0.2  # at most 2 posts in 10 about the product
_PROMO = re.compile(
    r"\b(?:we (?:just )?(?:shipped|launched|released)|just shipped|now (?:connects|supports|"
    r"available|live|in beta)|introducing|announcing|launch(?:ed|ing)?|release notes?|"
    r"new (?:feature|release|version|in)|customer story|case study|office hours|webinar|"
    r"sign up|free trial|try it|try (?:it )?free|book a demo|discount|promo code|% off|"
    r"booth|come (?:say hi|visit)|join us|check out|wrote up how we|on (?:our|the) blog|"
    r"v?\d+\.\d+ is (?:out|here|live))\b",
    re.IGNORECASE,
)
_HELP = re.compile(
    r"\b(?:thanks for (?:flagging|the feedback|reporting)|sorry (?:about|for)|we're on it|"
    r"you can|dm me|could you|mind if i ask|happy to help|good call|passing it|on our list|"
    r"workaround|reproduce|tip for)\b",
    re.IGNORECASE,
)


def is_promo(post: Post, product_names: tuple[str, ...] = ()) -> bool:
    """Whether an own post promotes the product (rules; see docs/engage.md for its accuracy)."""
    text = post.text
    if _HELP.search(text):
        return False
    if _PROMO.search(text):
        return True
    if post.is_reply:
        return False
    folded = fold(text)
    return any(fold(name.lstrip("@#")) in folded for name in product_names)


@dataclass(slots=True)
class AccountReport:
    network: str
    handle: str
    product: str
    posts: int = 0
    replies: int = 0
    broadcasts: int = 0
    reposts: int = 0
    per_week: float = 0.0
    active_days: int = 0
    longest_gap_days: float = 0.0
    engagement_per_post: float = 0.0
    engagement_broadcast: float = 0.0
    engagement_reply: float = 0.0
    topics: list[str] = field(default_factory=list)
    promo_last10: int = 0
    last10: int = 0
    promo_share: float = 0.0
    followers_first: int | None = None
    followers_last: int | None = None
    advice: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in self.__slots__}
        for key in ("per_week", "engagement_per_post", "engagement_broadcast", "engagement_reply"):
            out[key] = round(out[key], 2)
        out["promo_share"] = round(self.promo_share, 3)
        out["longest_gap_days"] = round(self.longest_gap_days, 1)
        return out


def _score(post: Post) -> int:
    m = post.metrics
    return m.likes + 2 * m.reposts + m.replies + m.quotes


def coach(
    store: SQLiteStore,
    config: Config,
    *,
    handle: str | None = None,
    now: datetime | None = None,
    days: float = 30.0,
) -> list[AccountReport]:
    """One report per own account (or just ``handle``) over the last ``days``."""
    accounts = [
        (net, h, product)
        for product in config.products
        for net, handles in product.accounts.items()
        for h in handles
        if handle is None or fold(h) == fold(handle.lstrip("@"))
    ]
    if not accounts:
        what = f"@{handle.lstrip('@')} is not" if handle else "no accounts are"
        raise InputError(f"{what} listed under products.accounts in earful.toml", field="handle")
    ref = reference_time(store, now)
    since = ref - timedelta(days=days)
    return [_report(store, net, h, product, since, ref, days) for net, h, product in accounts]


def _report(
    store: SQLiteStore,
    network: str,
    handle: str,
    product: Product,
    since: datetime,
    ref: datetime,
    days: float,
) -> AccountReport:
    rows = store.conn.execute(
        "SELECT source, id FROM posts WHERE source = ? AND author_handle = ?"
        " AND created_ts >= ? AND created_ts <= ? ORDER BY created_ts",
        (network, fold(handle), int(since.timestamp()), int(ref.timestamp())),
    ).fetchall()
    posts = [p for p in (store.get_post(s, i) for s, i in rows) if p is not None]
    rep = AccountReport(network, handle, product.name)
    if not posts:
        rep.advice.append(f"No posts from @{handle} on {network} in the last {days:.0f} days.")
        return rep
    own = [p for p in posts if not p.is_repost]
    rep.posts = len(posts)
    rep.reposts = len(posts) - len(own)
    rep.replies = sum(1 for p in own if p.is_reply)
    rep.broadcasts = len(own) - rep.replies
    rep.per_week = len(own) / (days / 7.0)
    day_set = sorted({p.created_at.date() for p in posts})
    rep.active_days = len(day_set)
    times = [since, *(p.created_at for p in posts), ref]
    rep.longest_gap_days = (
        max((b - a).total_seconds() for a, b in itertools.pairwise(times)) / 86400
    )
    if own:
        rep.engagement_per_post = sum(_score(p) for p in own) / len(own)
    casts = [p for p in own if not p.is_reply]
    answers = [p for p in own if p.is_reply]
    rep.engagement_broadcast = sum(_score(p) for p in casts) / len(casts) if casts else 0.0
    rep.engagement_reply = sum(_score(p) for p in answers) / len(answers) if answers else 0.0
    rep.topics = keywords((p.text for p in own), exclude=[handle, *product.names], top=8)
    last = own[-10:]
    rep.last10 = len(last)
    rep.promo_last10 = sum(1 for p in last if is_promo(p, product.names))
    rep.promo_share = sum(1 for p in own if is_promo(p, product.names)) / len(own) if own else 0.0
    followers = _follower_series(store, rows)
    if followers:
        rep.followers_first, rep.followers_last = followers[0], followers[-1]
    rep.advice = _advice(rep)
    return rep


def _follower_series(store: SQLiteStore, rows: list[Any]) -> list[int]:
    """Follower counts the posts' raw payloads carried when collected, oldest first."""
    out = []
    for source, post_id in rows:
        raw = store.get_raw(source, post_id)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        author = data.get("author") if isinstance(data, dict) else None
        value = author.get("followers") if isinstance(author, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            out.append(value)
    return out if len(set(out)) > 1 else out[-1:]


def _advice(rep: AccountReport) -> list[str]:
    tips = []
    allowed = int(MAX_PROMO_SHARE * rep.last10)
    if rep.last10 >= 5 and rep.promo_last10 > allowed:
        tips.append(
            f"{rep.promo_last10} of your last {rep.last10} posts promote {rep.product};"
            f" aim for at most {max(1, allowed)}."
        )
    own = rep.replies + rep.broadcasts
    if own and rep.replies < rep.broadcasts and rep.network != "rss":
        tips.append(
            f"Only {rep.replies} of {own} posts are replies; answer a question from"
            " `earful questions` before your next broadcast."
        )
    if rep.per_week < 3:
        tips.append(f"You post {rep.per_week:.1f} times a week; 3 to 5 keeps you visible.")
    elif rep.per_week > 25:
        tips.append(f"You post {rep.per_week:.0f} times a week; fewer, better posts earn more.")
    if rep.longest_gap_days >= 7:
        tips.append(
            f"Your longest silence was {rep.longest_gap_days:.0f} days; keep gaps under a week."
        )
    if rep.engagement_reply > rep.engagement_broadcast > 0:
        tips.append(
            f"Your replies earn {rep.engagement_reply:.1f} interactions each against"
            f" {rep.engagement_broadcast:.1f} for broadcasts: conversations work for you."
        )
    if rep.followers_first is not None and rep.followers_last is not None:
        delta = rep.followers_last - rep.followers_first
        if delta:
            tips.append(f"Followers {'+' if delta > 0 else ''}{delta:,} over the period.")
    if not tips:
        tips.append("Good balance: keep answering, sharing and promoting at this rhythm.")
    return tips


def promo_counts(posts: list[tuple[Post, bool]], names: tuple[str, ...]) -> Counter[str]:
    """Confusion counts (tp, fp, fn, tn) of :func:`is_promo` against gold (post, is_promo)."""
    counts: Counter[str] = Counter()
    for post, gold in posts:
        guess = is_promo(post, names)
        counts[("t" if guess == gold else "f") + ("p" if guess else "n")] += 1
    return counts
