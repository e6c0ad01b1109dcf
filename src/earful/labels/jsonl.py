"""JSONL in, JSONL out: the ``earful label --input/--output`` pipeline.

Each chunk of raw lines is parsed, labelled and encoded in one place (a forked worker when
``jobs > 1``), so the parent only reads lines and writes the finished text: no per-post
objects are pickled between processes and JSON work runs in parallel too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from earful.labels.types import AuthorInfo, LabelInput, ProductSpec

CHUNK = 2000

Chunk = tuple[str, int, list[str]]  # (file name for errors, first line number, raw lines)


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_author(obj: Any) -> AuthorInfo | None:
    from earful.labels.types import AuthorInfo

    if not isinstance(obj, dict):
        return None
    age = obj.get("account_age_days")
    return AuthorInfo(
        handle=str(obj.get("handle") or obj.get("name") or "") or None,
        followers=_int(obj.get("followers")),
        following=_int(obj.get("following")),
        posts=_int(obj.get("posts", obj.get("statuses"))),
        bio=str(obj["bio"]) if isinstance(obj.get("bio"), str) else None,
        account_age_days=float(age) if isinstance(age, int | float) else None,
        verified=obj.get("verified") if isinstance(obj.get("verified"), bool) else None,
    )


def parse_lines(name: str, first: int, lines: Sequence[str]) -> list[LabelInput]:
    """Posts of ``lines`` (line ``first`` onwards); ValueError naming file, line and column."""
    return _parse(name, first, lines)[0]


def _parse(name: str, first: int, lines: Sequence[str]) -> tuple[list[LabelInput], list[object]]:
    """:func:`parse_lines`, plus each line's ``id`` as written: a JSON number stays a number in
    the output (tweet ids are often written as integers), anything else is its string form."""
    from earful.labels.types import LabelInput

    loads = json.loads
    items: list[LabelInput] = []
    ids: list[object] = []
    for lineno, line in enumerate(lines, start=first):
        if not line.strip():
            continue
        try:
            obj = loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{name}:{lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise ValueError(f"{name}:{lineno}:1: expected a JSON object")
        text = obj.get("text")
        if text is None:
            text = obj.get("body", "")
        if not isinstance(text, str):
            raise ValueError(f"{name}:{lineno}:1: 'text' must be a string")
        pid = obj.get("id")
        key = str(pid) if pid is not None else str(lineno)
        ids.append(pid if isinstance(pid, int) and not isinstance(pid, bool) else key)
        author = obj.get("author")
        source = obj.get("source")
        if not isinstance(source, str) and isinstance(obj.get("url"), str):
            # exports from other tools: the post's own address names its network
            from earful.labels.rules import source_from_url

            source = source_from_url(obj["url"])
        items.append(
            LabelInput(
                id=key,
                text=text,
                author=None if author is None else parse_author(author),
                source=source if isinstance(source, str) else None,
            )
        )
    return items, ids


def read_items(path: Path) -> list[LabelInput]:
    """Every post of a JSONL file (blank lines skipped); errors as in :func:`parse_lines`."""
    return [item for chunk in iter_chunks(path) for item in parse_lines(*chunk)]


def iter_chunks(path: Path, size: int = CHUNK, name: str | None = None) -> Iterator[Chunk]:
    """Raw lines of ``path`` in chunks of ``size``, with their first line number (errors name
    the file as ``name``, default the path)."""
    name = str(path) if name is None else name
    with path.open("rb") as fh:
        first = 1
        buf: list[str] = []
        for lineno, data in enumerate(fh, 1):
            if lineno == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]  # a byte-order mark, as Windows tools write
            try:
                buf.append(data.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"{name}:{lineno}:{exc.start + 1}: not UTF-8: {exc.reason}"
                ) from None
            if len(buf) >= size:
                yield name, first, buf
                first += len(buf)
                buf = []
        if buf:
            yield name, first, buf


_encode = json.JSONEncoder(ensure_ascii=False).encode  # = json.dumps(obj, ensure_ascii=False)


def label_chunk(chunk: Chunk, product: ProductSpec | None, accurate: bool = False) -> str:
    """The output JSONL text (one line per post) for one chunk of input lines."""
    from earful.labels.api import label_batch

    items, ids = _parse(*chunk)
    if not items:
        return ""
    results = label_batch(items, product, accurate=accurate)
    lines = []
    for result, pid in zip(results, ids, strict=True):
        obj = result.to_json()
        obj["id"] = pid
        lines.append(_encode(obj))
    return "\n".join(lines) + "\n"


def label_file(
    src: Path,
    out: TextIO,
    product: ProductSpec | None = None,
    *,
    accurate: bool = False,
    jobs: int = 1,
    chunk: int = CHUNK,
    name: str | None = None,
) -> None:
    """Label the JSONL file ``src`` into ``out`` (input order kept; errors call it ``name``).

    With ``jobs > 1`` (fast path only) chunks go to forked workers that share the models
    loaded here first. A bad line raises ValueError (see :func:`parse_lines`) when its chunk
    comes up; ``out`` then holds the lines before it, so write to a temporary file.
    """
    import itertools

    chunks = iter_chunks(src, chunk, name)
    head = list(itertools.islice(chunks, 2))
    every = itertools.chain(head, chunks)
    if jobs <= 1 or accurate or len(head) < 2:  # one chunk: not worth starting workers
        for c in every:
            out.write(label_chunk(c, product, accurate))
        return
    import multiprocessing as mp

    preload()
    with mp.get_context("fork").Pool(jobs) as pool:
        for text in pool.imap(_worker, ((c, product) for c in every)):
            out.write(text)


def preload() -> None:
    """Load the fast model and the language tables (in parallel: the latter is mostly LZMA)."""
    import threading

    from earful.labels.lang import _tables
    from earful.labels.model import fast_model

    t = threading.Thread(target=_tables, name="earful-langid-load")
    t.start()
    try:
        fast_model()
    finally:
        t.join()


def _worker(args: tuple[Chunk, ProductSpec | None]) -> str:
    return label_chunk(args[0], args[1])
