"""The JSONL pipeline behind ``earful label --input/--output``: chunks, workers, errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from earful.labels import LabelInput, label_batch
from earful.labels.jsonl import label_file, read_items

pytestmark = pytest.mark.usefixtures("fast_model")

TEXTS = [
    "I love the new Acme Pulse dashboard!",
    "How do I reset my password?",
    "check out my channel http://a.example http://b.example http://c.example",
    "the app keeps crashing when I open settings :(",
    "Bonjour, le produit est génial",
    "",
    "could you please add a dark mode",
]


def _write(path: Path) -> None:
    lines = []
    for i, t in enumerate(TEXTS):
        obj: dict[str, object] = {"id": f"p{i}", "text": t}
        if i == 1:
            obj = {"body": t, "author": {"followers": 1, "following": 900}}
        lines.append(json.dumps(obj, ensure_ascii=False))
        if i == 2:
            lines.append("   ")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(src: Path, **kw: object) -> list[str]:
    out = io.StringIO()
    label_file(src, out, **kw)  # type: ignore[arg-type]
    return out.getvalue().splitlines()


def test_chunks_and_workers_give_the_same_lines(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _write(src)
    one = _run(src, jobs=1)
    assert one == _run(src, jobs=1, chunk=2)
    assert one == _run(src, jobs=2, chunk=3)
    rows = [json.loads(x) for x in one]
    # a missing id is the line number (blank lines count); order is kept
    assert [r["id"] for r in rows] == ["p0", "2", "p2", "p3", "p4", "p5", "p6"]
    direct = label_batch(read_items(src))
    assert one == [json.dumps(r.to_json(), ensure_ascii=False) for r in direct]


def test_read_items_fields(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _write(src)
    items = read_items(src)
    assert items[1] == LabelInput("2", TEXTS[1], items[1].author)
    assert items[1].author is not None and items[1].author.following == 900
    assert items[0].author is None


@pytest.mark.parametrize("jobs", [1, 2])
def test_bad_line_in_a_later_chunk_names_its_line(tmp_path: Path, jobs: int) -> None:
    src = tmp_path / "bad.jsonl"
    good = json.dumps({"id": "a", "text": "fine"})
    src.write_text("\n".join([good] * 5 + ['{"text": 3}'] + [good]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:6:1: 'text' must be a string"):
        _run(src, jobs=jobs, chunk=2)


@pytest.mark.parametrize("jobs", [1, 2])
def test_output_id_keeps_its_json_type(tmp_path: Path, jobs: int) -> None:
    # evaluators join output to input on ``id``: an integer tweet id must come back an integer
    src = tmp_path / "ids.jsonl"
    ids: list[object] = [1, "1", 1205963453402292224, "a b", 2.5]
    src.write_text(
        "\n".join(json.dumps({"id": i, "text": "the app crashed"}) for i in ids) + "\n",
        encoding="utf-8",
    )
    rows = [json.loads(x) for x in _run(src, jobs=jobs, chunk=2)]
    assert [r["id"] for r in rows] == [1, "1", 1205963453402292224, "a b", "2.5"]
    assert [type(r["id"]) for r in rows] == [int, str, int, str, str]
    assert [i.id for i in read_items(src)] == ["1", "1", "1205963453402292224", "a b", "2.5"]


def test_byte_order_mark_is_skipped_and_bad_bytes_are_located(tmp_path: Path) -> None:
    src = tmp_path / "bom.jsonl"
    src.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "fine"}\r\n{"id": "b", "text": "ok"}\r\n')
    assert [json.loads(x)["id"] for x in _run(src)] == ["a", "b"]
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes(b'{"id": "a", "text": "fine"}\n{"id": "b", "text": "caf\xe9"}\n')
    with pytest.raises(ValueError, match=r"latin1\.jsonl:2:25: not UTF-8"):
        _run(bad)
