#!/usr/bin/env python
"""Rebuild every labelling artifact: ``python scripts/train_labels.py [--corrections FILE]``.

``--only spam`` (repeatable) refits just that binary head on the shipped featurizer. The
accurate path's fine-tuned encoder is rebuilt by ``scripts/finetune_accurate.py``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from earful.labels.model import ARTIFACTS
from earful.labels.train import retrain_heads, train_all
from earful.labels.training_data import load_corrections


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, default=ARTIFACTS)
    p.add_argument("--corrections", type=Path, default=None, help="JSONL of {text, field, value}")
    p.add_argument(
        "--only", action="append", metavar="HEAD", help="refit only this binary head (repeatable)"
    )
    args = p.parse_args()
    corrections = load_corrections(args.corrections)
    if args.only:
        retrain_heads(args.out, args.only, corrections)
    else:
        train_all(args.out, corrections)


if __name__ == "__main__":
    main()
