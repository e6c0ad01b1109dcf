"""Map Mastodon ``Status`` entities to :class:`~earful.models.Post`.

Status ids are only unique on the instance that assigned them, so a post's id is
``"{instance host}/{status id}"`` (for example ``mastodon.example/113000000000000001``), and
``reply_to``/``repost_of``/``quote_of`` use the same form: they point at statuses as that
instance numbers them, so they join up in the store. ``content`` is sanitized HTML from a
stranger's server: it becomes plain text through :func:`~earful.connectors.html_text.html_to_text`
(no markup survives); its links (minus hashtag and mention links) go to ``urls``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from earful.connectors.html_text import html_to_text
from earful.connectors.payload import count, obj, opt_time, req_str, req_time, text, unique
from earful.errors import InputError
from earful.models import Author, Metrics, Post, ReplyTo

__all__ = ["author_from_account", "post_from_status"]


def author_from_account(account: Mapping[str, Any], host: str) -> Author | None:
    acct = text(account, "acct") or text(account, "username")
    if acct is None:
        return None
    qualified = acct if "@" in acct else f"{acct}@{host}"
    bio = html_to_text(text(account, "note")).text or None
    return Author(
        id=qualified,
        handle=acct,
        name=text(account, "display_name"),
        bio=bio,
        followers=count(account, "followers_count") if "followers_count" in account else None,
        following=count(account, "following_count") if "following_count" in account else None,
        posts=count(account, "statuses_count") if "statuses_count" in account else None,
        joined_at=opt_time(account.get("created_at")),
    )


def post_from_status(status: Mapping[str, Any], host: str) -> Post:
    """One Status (a boost included) as a Post whose id is ``host/id``."""
    status_id = req_str(status, "id", "id")
    created_at = req_time(status.get("created_at"), "created_at")
    reblog = status.get("reblog")
    shown: Mapping[str, Any] = reblog if isinstance(reblog, Mapping) else status
    if shown is reblog and text(shown, "id") is None:
        raise InputError("missing required field", field="reblog.id")

    content = html_to_text(text(shown, "content"))
    spoiler = html_to_text(text(shown, "spoiler_text")).text
    body = f"{spoiler}\n\n{content.text}" if spoiler and content.text else spoiler or content.text

    tag_names: list[str] = []
    skip_links: set[str] = set()
    for tag in _list(shown, "tags"):
        if name := text(tag, "name"):
            tag_names.append(name.lstrip("#"))
        if url := text(tag, "url"):
            skip_links.add(url)
    mentions: list[str] = []
    mention_by_id: dict[str, str] = {}
    for mention in _list(shown, "mentions"):
        acct = text(mention, "acct") or text(mention, "username")
        if acct:
            mentions.append(acct)
            if mention_id := text(mention, "id"):
                mention_by_id[mention_id] = acct
        if url := text(mention, "url"):
            skip_links.add(url)
    urls = [u for u in content.links if u not in skip_links and "/tags/" not in u]
    if card_url := text(obj(shown, "card"), "url"):
        urls.append(card_url)

    reply_to = None
    if parent := text(status, "in_reply_to_id"):
        reply_to = ReplyTo(
            post_id=f"{host}/{parent}",
            author_handle=mention_by_id.get(text(status, "in_reply_to_account_id") or ""),
        )
    quoted = text(obj(obj(shown, "quote"), "quoted_status"), "id")
    return Post(
        source="mastodon",
        id=f"{host}/{status_id}",
        created_at=created_at,
        text=body,
        url=text(status, "url") or text(shown, "url") or text(status, "uri") or text(shown, "uri"),
        lang=text(shown, "language"),
        author=author_from_account(obj(status, "account"), host),
        reply_to=reply_to,
        quote_of=f"{host}/{quoted}" if quoted else None,
        repost_of=f"{host}/{shown['id']}" if shown is reblog else None,
        metrics=Metrics(
            likes=count(shown, "favourites_count"),
            reposts=count(shown, "reblogs_count"),
            replies=count(shown, "replies_count"),
            quotes=count(shown, "quotes_count"),
        ),
        hashtags=unique(tag_names),
        mentions=unique(mentions),
        urls=unique(urls),
        raw=status,
    )


def _list(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key)
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []
