"""Writing posts out as Earful JSONL or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from earful.formats.earful_jsonl import format_time, post_to_dict
from earful.models import Post

CSV_COLUMNS = (
    "source", "id", "created_at", "author_handle", "author_name", "text", "url", "lang",
    "likes", "reposts", "replies", "quotes", "hashtags", "mentions", "urls",
)


def export_posts(posts: Iterable[Post], out: TextIO, fmt: str = "jsonl") -> int:
    """Write ``posts`` to ``out``; returns how many were written."""
    count = 0
    if fmt == "jsonl":
        for post in posts:
            out.write(json.dumps(post_to_dict(post), ensure_ascii=False) + "\n")
            count += 1
        return count
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for p in posts:
        writer.writerow(
            [
                p.source, p.id, format_time(p.created_at), p.author_handle or "",
                p.author.name if p.author and p.author.name else "", p.text, p.url or "",
                p.lang or "", p.metrics.likes, p.metrics.reposts, p.metrics.replies,
                p.metrics.quotes, " ".join(p.hashtags), " ".join(p.mentions), " ".join(p.urls),
            ]
        )
        count += 1
    return count
