#!/usr/bin/env python
"""Rebuild every labelling artifact from ``../shared/data`` with one command (fixed seeds).

    python scripts/rebuild_all.py                  # everything, from nothing
    python scripts/rebuild_all.py --keep-teacher   # one fine-tuning round (the last), taught
                                                   # by the committed fold models (the usual
                                                   # rebuild)
    python scripts/rebuild_all.py --fast-only      # the fast heads only (core install, ~5 min)
    python scripts/rebuild_all.py --dry-run        # print the steps, run nothing

Each step is one of the scripts beside this one, run in order; the first that fails stops the
rebuild with its exit status (what it had written stays, the steps after it do not run):

1. ``build_word_vectors.py``: the static MiniLM word table (insights; the fast sentiment head
   copies it);
2. ``finetune_accurate.py prepare``, then ``train`` + ``install``: the accurate path's encoder.
   From nothing this runs three rounds, the shipped models' lineage: plain (as labels 1.5.0),
   ``--distill 1`` (1.6.0) and ``--distill 2`` (1.8.0); each round's distillation teacher is
   the previous round's fold models. ``--keep-teacher`` runs only the last round, taught by the
   fold models already in ``scripts/artifacts/accurate_folds/``. Each round trains into an
   emptied ``WORK/roundN`` (``train`` caches the teacher's labels there, which must not
   outlive the fold models that made them);
3. ``distill_teacher.py``: the fine-tuned models' sentiment on the unlabelled tweets;
4. ``train_labels.py``: the fast heads (``fast.npz`` / ``fast.json``);
5. ``finetune_accurate.py thresholds``: the accurate blend's thresholds (they move with the
   fast heads);
6. ``quality_report.py --accurate``: ``docs/quality.md``.

Steps 1-3 and 5 need the ``accurate`` extra (``pip install torch==2.13.0 -e '.[accurate]'``);
step 2 wants a GPU (about 8 minutes a round of six runs on an H200; CPU works, slowly).
``--fast-only`` runs steps 4 and 6 (without ``--accurate``) and needs only the core install.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FRESH = "(empty)"  # a step that empties a folder instead of running a script
DISTILL = "2"  # the shipped round's distillation weight (labels 1.8.0)


def _round(args: argparse.Namespace, name: str, distill: str) -> list[list[str]]:
    """Six runs trained into ``WORK/name`` (emptied first: it caches the teacher's labels)."""
    work, out = str(args.work), str(args.work / name)
    train = ["finetune_accurate.py", "train", work, out, "--jobs", str(args.jobs)]
    return [
        [FRESH, out],
        [*train, "--distill", distill] if distill else train,
        ["finetune_accurate.py", "install", out, "--data", work],
    ]


def steps(args: argparse.Namespace) -> list[list[str]]:
    """The commands, in order (each a script of this folder and its arguments)."""
    corr = ["--corrections", str(args.corrections)] if args.corrections else []
    fast = [["train_labels.py", *corr]]
    if args.fast_only:
        return [*fast, ["quality_report.py"]]
    # (round, distillation weight): the shipped models' lineage; "" trains without a teacher
    lineage = [("round1", ""), ("round2", "1"), ("round3", DISTILL)]
    rounds = [
        s for name, w in lineage[-1 if args.keep_teacher else 0 :] for s in _round(args, name, w)
    ]
    return [
        ["build_word_vectors.py"],
        ["finetune_accurate.py", "prepare", str(args.work), *corr],
        *rounds,
        ["distill_teacher.py"],
        *fast,
        ["finetune_accurate.py", "thresholds"],
        ["quality_report.py", "--accurate"],
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--fast-only", action="store_true", help="the fast heads and the report only")
    p.add_argument(
        "--keep-teacher",
        action="store_true",
        help="one fine-tuning round, taught by the committed fold models",
    )
    p.add_argument("--work", type=Path, default=HERE.parent / ".ft", help="fine-tuning work dir")
    p.add_argument("--jobs", type=int, default=6, help="fine-tuning runs trained at once")
    p.add_argument("--corrections", type=Path, help="JSONL of {text, field, value}")
    p.add_argument("--dry-run", action="store_true", help="print the steps, run nothing")
    args = p.parse_args(argv)
    plan = steps(args)
    for n, step in enumerate(plan, 1):
        if step[0] == FRESH:
            print(f"[{n}/{len(plan)}] rm -rf {shlex.quote(step[1])}")
            if not args.dry_run:
                shutil.rmtree(step[1], ignore_errors=True)
            continue
        cmd = [sys.executable, str(HERE / step[0]), *step[1:]]
        print(f"[{n}/{len(plan)}] {shlex.join(['python', 'scripts/' + step[0], *step[1:]])}")
        if args.dry_run:
            continue
        t0 = time.monotonic()
        rc = subprocess.call(cmd, cwd=HERE.parent)
        if rc:
            print(f"step {n} failed (exit {rc}); later steps not run", file=sys.stderr)
            return rc
        print(f"[{n}/{len(plan)}] done in {time.monotonic() - t0:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
