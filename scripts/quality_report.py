#!/usr/bin/env python
"""Write docs/quality.md: ``python scripts/quality_report.py [--out docs/quality.md]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from earful.labels.quality import report  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--accurate", action="store_true")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "quality.md")
    args = p.parse_args()
    text = report(accurate=args.accurate)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
