"""The relationship log (who you followed, unfollowed or talked to, and when) and follow-list
exports.

Export formats:

* ``csv``: ``network,handle,profile_url,followed_at,last_talked_at,note`` (any spreadsheet).
* ``mastodon``: Mastodon's own import format for *Following list* (Preferences → Import and
  export → Import): header ``Account address,Show boosts,Notify on new posts,Languages`` and
  one ``user@instance`` per row.
* ``x`` and ``bluesky``: neither network has a follow-list import, so these are plain text,
  one ``@handle`` (X) or ``handle.bsky.social`` (Bluesky) per line, as list and starter-pack
  tools take them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from earful.engage.common import profile_link
from earful.errors import InputError

if TYPE_CHECKING:
    from earful.store.sqlite import SQLiteStore

ACTIONS = ("followed", "unfollowed", "talked")
FORMATS = ("csv", "mastodon", "x", "bluesky")
NETWORKS = ("x", "bluesky", "mastodon", "reddit", "hn", "rss")


@dataclass(frozen=True, slots=True)
class Relation:
    network: str
    handle: str
    following: bool
    followed_at: str | None
    last_talked_at: str | None
    talks: int
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def log_relation(
    store: SQLiteStore,
    network: str,
    handle: str,
    action: str,
    *,
    note: str = "",
    at: datetime | None = None,
) -> int:
    """Record that you followed, unfollowed or talked to ``handle`` on ``network``."""
    if action not in ACTIONS:
        raise InputError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})", field="action")
    if network not in NETWORKS:
        raise InputError(
            f"unknown network {network!r} (one of {', '.join(NETWORKS)})", field="network"
        )
    clean = handle.strip().lstrip("@")
    if not clean or any(c.isspace() for c in clean):
        raise InputError(f"bad handle {handle!r}", field="handle")
    if network == "mastodon" and clean.count("@") != 1:
        raise InputError(f"a Mastodon handle is user@instance, got {handle!r}", field="handle")
    from earful.store.engage import add_relation

    when = (at or datetime.now(UTC)).astimezone(UTC).isoformat()
    with store.transaction() as conn:
        return add_relation(conn, network, clean, action, when, note)


def relations(store: SQLiteStore) -> list[Relation]:
    """One row per (network, handle): following now or not, when, and the talks."""
    from earful.store.engage import relations as rows

    state: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows(store.conn):
        key = (r.network, r.handle.casefold())
        s = state.setdefault(
            key,
            {
                "handle": r.handle,
                "following": False,
                "followed_at": None,
                "talked": None,
                "talks": 0,
                "note": "",
            },
        )
        if r.action == "followed":
            s["following"], s["followed_at"] = True, r.at
        elif r.action == "unfollowed":
            s["following"], s["followed_at"] = False, None
        else:
            s["talks"] += 1
            s["talked"] = r.at
        if r.note:
            s["note"] = r.note
    return [
        Relation(
            net, s["handle"], s["following"], s["followed_at"], s["talked"], s["talks"], s["note"]
        )
        for (net, _h), s in sorted(state.items())
    ]


def export_follows(store: SQLiteStore, fmt: str = "csv", network: str | None = None) -> str:
    """The accounts you follow now, in ``fmt`` (see the module docstring)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})", field="format")
    wanted = network or (fmt if fmt != "csv" else None)
    rows = [r for r in relations(store) if r.following and (wanted is None or r.network == wanted)]
    buf = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(
            ["network", "handle", "profile_url", "followed_at", "last_talked_at", "note"]
        )
        for r in rows:
            writer.writerow(
                [
                    r.network,
                    r.handle,
                    profile_link(r.network, r.handle) or "",
                    r.followed_at or "",
                    r.last_talked_at or "",
                    r.note,
                ]
            )
    elif fmt == "mastodon":
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["Account address", "Show boosts", "Notify on new posts", "Languages"])
        for r in rows:
            writer.writerow([r.handle, "true", "false", ""])
    else:
        for r in rows:
            buf.write(("@" if fmt == "x" else "") + r.handle + "\n")
    return buf.getvalue()
