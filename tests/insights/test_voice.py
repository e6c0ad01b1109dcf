from __future__ import annotations

from datetime import timedelta

from earful.insights.voice import share_of_voice

from .conftest import END, Ws


def _item(pid: str, text: str, author: str, days_ago: float) -> dict[str, object]:
    return {
        "source": "x",
        "id": pid,
        "created_at": (END - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "text": text,
        "author": {"id": author, "handle": author, "followers": 50, "following": 40},
    }


def _volume(rows: list[dict[str, object]], brand: str) -> int:
    return sum(int(str(r["posts"])) for r in rows if r["brand"] == brand)


def test_voice_counts_brands_and_sees_new_posts_after_a_cached_call(ws: Ws) -> None:
    ws.add([_item("1", "Widgety reports are slow today", "ann", 2)])
    ws.add([_item("2", "Gadgetron has a nicer export", "bob", 2)], kind="praise")
    first = share_of_voice(ws.store, ws.config)
    # Widgety by its relevance label (every post here), the competitor by its name
    assert (_volume(first, "Widgety"), _volume(first, "Gadgetron")) == (2, 1)
    assert share_of_voice(ws.store, ws.config) == first  # the cached copy reads the same
    ws.add([_item("3", "switching from Gadgetron, exports broke", "cy", 1)], kind="complaint")
    again = share_of_voice(ws.store, ws.config)
    assert (_volume(again, "Widgety"), _volume(again, "Gadgetron")) == (3, 2)
