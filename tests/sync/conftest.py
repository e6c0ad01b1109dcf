from __future__ import annotations

import sys
from pathlib import Path

# tests/ on sys.path so the fake servers in tests/connectors/fakes can be imported here.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
