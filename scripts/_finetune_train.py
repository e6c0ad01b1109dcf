"""The training half of ``scripts/finetune_accurate.py`` (runs on the GPU machine, or slowly on
CPU): multi-task LoRA fine-tuning of MiniLM-L6 from the files ``prepare`` wrote, one process per
run or several at once, each run's adapters and held-out predictions saved as
``adapter_RUN.npz``. Imported by that script; not meant to be run on its own.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

SEED = 13
SETS_EVAL = ("sentdev", "val", "airline")


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


DISTILL_BINARY = ("complaint", "question")  # heads that --distill-binary teaches (not spam)


def teacher_probs(data: Data, data_dir: Path, teacher: Path, out: Path, limit: int = 0) -> Any:
    """Sentiment probabilities for the unlabelled tweets, averaged over the fold models in
    ``teacher`` (each trained without the SemEval 2016 test year, so a fold run that learns from
    them still never sees that year's labels). Computed once per ``train`` and cached in ``out``,
    beside each fold model's own complaint and question probabilities (``teacher_binary.npz``,
    for ``--distill-binary``)."""
    cache = out / "teacher_probs.npy"
    if cache.exists():
        return np.load(cache)
    import torch

    from earful.labels.finetune import apply_heads, merge_adapters, pooled

    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    ids = data.ids("unlab")[: limit or None]
    paths = sorted(teacher.glob("fold*.npz"))
    if not paths:
        raise SystemExit(f"no fold*.npz teacher models in {teacher}")
    t0 = time.time()
    total = np.zeros((len(ids), 3), np.float64)
    binary: dict[str, Any] = {}
    for path in paths:
        with np.load(path) as z:
            state = {k: z[k] for k in z.files}
        bert = _fresh_bert(data_dir, dev)
        merge_adapters(bert, state)
        bert.eval()
        probs_all = apply_heads(pooled(bert, ids, batch_size=256), state)
        total += probs_all["sentiment"]
        for t in DISTILL_BINARY:
            binary[f"{path.stem}/{t}"] = probs_all[t].astype(np.float32)
    probs = (total / len(paths)).astype(np.float32)
    for t in DISTILL_BINARY:
        binary[f"mean/{t}"] = np.mean([binary[f"{p.stem}/{t}"] for p in paths], 0)
    np.savez(out / "teacher_binary.npz", **binary)
    np.save(cache, probs)
    dist = np.bincount(probs.argmax(1), minlength=3) / max(1, len(probs))
    print(
        f"teacher: {len(paths)} fold models on {len(ids)} unlabelled tweets in "
        f"{time.time() - t0:.0f}s; argmax share neg/neu/pos {np.round(dist, 3).tolist()}",
        flush=True,
    )
    return probs


def teacher_binary(out: Path, fold: int) -> Any:
    """(n, len(DISTILL_BINARY)) complaint and question probabilities for a run's distillation:
    fold k is taught by the teacher's fold k alone (which never saw fifth k, so the fold's
    out-of-fold scores stay clean), the final run by the five folds' average."""
    key = f"fold{fold}" if fold >= 0 else "mean"
    with np.load(out / "teacher_binary.npz") as z:
        if f"{key}/{DISTILL_BINARY[0]}" not in z.files:
            raise SystemExit(f"the teacher has no {key} model for --distill-binary")
        return np.stack([z[f"{key}/{t}"] for t in DISTILL_BINARY], 1)


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

    if args.distill > 0:
        soft = teacher_probs(data, data_dir, args.teacher, args.out, args.limit)
        unlab = data.ids("unlab")[: args.limit or None]
        soft = soft[: len(unlab)]
        if args.distill_binary > 0:  # columns 3.. are the binary heads' soft targets
            soft = np.concatenate([soft, teacher_binary(args.out, fold)[: len(unlab)]], 1)
        pools["distill"] = (unlab, soft, np.ones(len(unlab), np.float32))
    passes = {"sentiment": args.epochs, "distill": args.distill_epochs}

    sizes = {t: len(p[0]) for t, p in pools.items()}
    names = list(pools)
    # each task gets its own number of passes (the small binary sets more), batches interleaved
    per_task = np.asarray([passes.get(t, args.task_epochs) * sizes[t] / args.bs for t in names])
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
        out_heads = heads(mean_pool(hidden.float(), m))
        logits = out_heads["sentiment" if t == "distill" else t].float()
        if t == "distill":  # soft cross-entropy against the teacher's probabilities
            yf = y.float()
            loss = -(yf[:, :3] * F.log_softmax(logits, 1)).sum(1).mean() * args.distill
            for j, bt in enumerate(DISTILL_BINARY if args.distill_binary > 0 else ()):
                loss = loss + args.distill_binary * F.binary_cross_entropy_with_logits(
                    out_heads[bt][:, 0].float(), yf[:, 3 + j]
                )
        elif t == "sentiment":
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
        "distill": args.distill,
        "distill_epochs": args.distill_epochs if args.distill > 0 else 0.0,
        "distill_binary": args.distill_binary if args.distill > 0 else 0.0,
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
    if args.distill > 0:  # once, before any run process starts
        teacher_probs(Data(data_dir / "data.npz"), data_dir, args.teacher, out, args.limit)
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
            part = out / f"adapter_{run}.part"
            with part.open("wb") as fh:  # whole files only: a watcher may copy them meanwhile
                np.savez(fh, **res["state"], **preds)
            part.replace(out / f"adapter_{run}.npz")
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
            script = str(Path(sys.argv[0]).resolve())  # finetune_accurate.py
            cmd = [sys.executable, script, "train", *argv, "--runs", run, "--jobs", "1"]
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
