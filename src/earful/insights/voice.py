"""Share of voice: a product next to its competitors, per source and per ISO week."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from earful.insights.dedupe import DupItem, find_duplicates
from earful.insights.scope import about, resolve_product
from earful.store import insights as db

if TYPE_CHECKING:
    from earful.config import Config, Product
    from earful.store.sqlite import SQLiteStore


@dataclass(slots=True)
class VoiceRow:
    brand: str
    source: str
    week: str
    posts: int = 0
    authors: set[str] = field(default_factory=set)
    sentiment: Counter[str] = field(default_factory=Counter)
    themes: Counter[int] = field(default_factory=Counter)

    def to_dict(self, total: int, names: dict[int, str]) -> dict[str, Any]:
        return {
            "brand": self.brand,
            "source": self.source,
            "week": self.week,
            "posts": self.posts,
            "share": round(self.posts / total, 3) if total else 0.0,
            "authors": len(self.authors),
            "sentiment": dict(self.sentiment),
            "top_themes": [
                {"id": t, "label": names.get(t, str(t)), "posts": n}
                for t, n in self.themes.most_common(3)
            ],
        }


def share_of_voice(
    store: SQLiteStore,
    config: Config,
    product: str | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[dict[str, Any]]:
    """Rows (brand, source, week) with volume, share within (source, week), authors, sentiment
    and top themes; near-duplicates count once and spam is left out. Kept in the store under
    the data watermark, so asking again before anything changed is cheap."""
    from earful.store.engage import config_key, remember

    db.ensure_schema(store.conn)
    return remember(
        store.conn,
        "voice",
        [product, since, until, config_key(config)],
        lambda: _voice(store, config, product, since, until),
        lambda rows: rows,
        lambda rows: list(rows),
    )


def _voice(
    store: SQLiteStore,
    config: Config,
    product: str | None,
    since: datetime | None,
    until: datetime | None,
) -> list[dict[str, Any]]:
    conn = store.conn
    db.ensure_schema(conn)
    main = resolve_product(config, product) if product else (config.products or (None,))[0]
    if main is None:
        return []
    brands: list[Product] = [main]
    for name in main.competitors:
        brands.append(config.product(name) or _bare(name))
    posts = [
        p
        for p in db.load_posts(
            conn,
            None if since is None else int(since.timestamp()),
            None if until is None else int(until.timestamp()),
        )
        if not p.is_spam
    ]
    canon = find_duplicates(
        [DupItem(p.rowid, p.text, p.source, p.id, p.repost_of, p.author, p.norm) for p in posts]
    )
    fields = db.label_fields(conn)
    member = db.members(conn)
    names = {t.id: t.name for b in brands for t in db.themes(conn, b.name)}
    rows: dict[tuple[str, str, str], VoiceRow] = {}
    totals: Counter[tuple[str, str]] = Counter()
    for p in posts:
        if canon[p.rowid] != p.rowid:
            continue
        week = datetime.fromtimestamp(p.created_ts, UTC).strftime("%G-W%V")
        for brand in brands:
            if not about(p, brand, fields):
                continue
            row = rows.setdefault(
                (brand.name, p.source, week), VoiceRow(brand.name, p.source, week)
            )
            row.posts += 1
            row.authors.add(p.author)
            row.sentiment[p.sentiment or "unknown"] += 1
            theme = member.get(p.rowid)
            if theme is not None and theme in names:
                row.themes[theme] += 1
            totals[(p.source, week)] += 1
    ordered = sorted(rows.values(), key=lambda r: (r.week, r.source, -r.posts, r.brand))
    return [r.to_dict(totals[(r.source, r.week)], names) for r in ordered]


def _bare(name: str) -> Product:
    from earful.config import Product

    return Product(name=name)
