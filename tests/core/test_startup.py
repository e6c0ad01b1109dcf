"""`earful --help` stays instant: no heavy library is imported to build the command line."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "numpy",
    "sklearn",
    "scipy",
    "httpx",
    "fastapi",
    "uvicorn",
    "feedparser",
    "torch",
    "sqlite3",
    "jinja2",
    "websockets",
    "py3langid",
)


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys, json\n"
        "from earful.cli import app\n"
        "from typer.testing import CliRunner\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
