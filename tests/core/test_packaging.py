"""Every data file the package reads at run time is shipped in the wheel."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_package_data_globs_cover_every_non_python_file() -> None:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = conf["tool"]["setuptools"]["package-data"]["earful"]
    pkg = ROOT / "src" / "earful"
    missing = []
    for path in pkg.rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(pkg)
        # setuptools "**/*.ext" also matches files at the package root
        if not any(rel.match(g) or rel.match(g.removeprefix("**/")) for g in globs):
            missing.append(str(rel))
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"
